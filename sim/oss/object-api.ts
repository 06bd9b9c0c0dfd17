// Object-level calls: PutObject, GetObject, HeadObject, DeleteObject, DeleteMultipleObjects
// (reference/oss-api.md §2.3, §2.4, §4.2, §4.5).

import { createHash } from 'node:crypto';
import type { StoredObject } from './buckets';
import { errorResponse, type SimResponse } from './errors';
import type { OssFaults } from './faults';
import type { SimRequest } from './request';
import { el, parseXml, xmlDocument, XmlSyntaxError, type XmlElement } from './xml';

const MAX_DELETE_KEYS = 1000;

function md5Base64(body: Buffer): string {
  return createHash('md5').update(body).digest('base64');
}

function headerOf(req: SimRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function objectHeaders(object: StoredObject): Record<string, string> {
  return {
    'content-type': object.contentType,
    etag: `"${object.etag}"`,
    'last-modified': object.lastModified.toUTCString(),
    'x-oss-object-type': 'Normal',
    'x-oss-storage-class': 'Standard',
  };
}

export function putObject(req: SimRequest): SimResponse {
  const md5 = headerOf(req, 'content-md5');
  if (md5 !== undefined && md5 !== md5Base64(req.body)) return errorResponse('InvalidDigest', req.errorContext);
  const stored = req.bucket.put(req.key, req.body, headerOf(req, 'content-type') || 'application/octet-stream');
  return { status: 200, headers: { etag: `"${stored.etag}"`, 'content-md5': md5Base64(req.body) } };
}

export function getObject(req: SimRequest): SimResponse {
  const object = req.bucket.get(req.key);
  if (!object) return errorResponse('NoSuchKey', req.errorContext, { extras: { Key: req.key } });
  const headers = objectHeaders(object);
  if (req.method === 'HEAD') return { status: 200, headers: { ...headers, 'content-length': String(object.body.length) } };
  return { status: 200, headers, body: object.body };
}

export function deleteObject(req: SimRequest): SimResponse {
  if (req.bucket.isImmutable(req.key)) return errorResponse('FileImmutable', req.errorContext, { extras: { Key: req.key } });
  req.bucket.delete(req.key);
  return { status: 204, headers: {} };
}

interface DeleteBody {
  quiet: boolean;
  keys: string[];
}

function only(element: XmlElement, name: string): XmlElement | null {
  const found = element.children.filter((c) => c.name === name);
  if (found.length > 1) throw new XmlSyntaxError(`more than one <${name}>`);
  return found[0] ?? null;
}

function parseDeleteBody(text: string): DeleteBody {
  const root = parseXml(text);
  if (root.name !== 'Delete') throw new XmlSyntaxError(`root is <${root.name}>, not <Delete>`);
  if (root.text.trim() !== '') throw new XmlSyntaxError('text inside <Delete>');
  const quietText = only(root, 'Quiet')?.text.trim() ?? 'false';
  if (quietText !== 'true' && quietText !== 'false') throw new XmlSyntaxError('<Quiet> must be true or false');
  const keys: string[] = [];
  for (const child of root.children) {
    if (child.name === 'Quiet') continue;
    if (child.name !== 'Object') throw new XmlSyntaxError(`unexpected <${child.name}>`);
    const key = only(child, 'Key');
    if (!key || key.text === '') throw new XmlSyntaxError('<Object> without a <Key>');
    if (child.children.some((c) => c.name !== 'Key' && c.name !== 'VersionId')) throw new XmlSyntaxError('unexpected element in <Object>');
    keys.push(key.text);
  }
  return { quiet: quietText === 'true', keys };
}

/** POST /?delete: Content-MD5 required and checked, at most 1000 keys, quiet or verbose. */
export function deleteMultipleObjects(req: SimRequest, faults: OssFaults): SimResponse {
  const md5 = headerOf(req, 'content-md5');
  if (md5 === undefined || md5 === '') {
    return errorResponse('MissingArgument', req.errorContext, { message: 'Missing Some Required Arguments: Content-MD5.' });
  }
  if (md5 !== md5Base64(req.body)) return errorResponse('InvalidDigest', req.errorContext);
  let parsed: DeleteBody;
  try {
    parsed = parseDeleteBody(req.body.toString('utf8'));
  } catch (error) {
    const why = error instanceof XmlSyntaxError ? `: ${error.message}` : '';
    return errorResponse('MalformedXML', req.errorContext, { message: `The XML you provided was not well-formed${why}.` });
  }
  if (parsed.keys.length === 0 || parsed.keys.length > MAX_DELETE_KEYS) {
    return errorResponse('MalformedXML', req.errorContext, {
      message: `A DeleteMultipleObjects request takes 1 to ${MAX_DELETE_KEYS} keys; it had ${parsed.keys.length}.`,
    });
  }
  // A retention lock refuses the request when it would delete a protected object (the whole
  // request, as the simulator's choice: OSS documents the error, not the batch's partial result).
  const locked = parsed.keys.find((key) => req.bucket.isImmutable(key));
  if (locked !== undefined) return errorResponse('FileImmutable', req.errorContext, { extras: { Key: locked } });
  const limit = faults.takeDeleteLimit();
  const carriedOut = limit === null ? parsed.keys : parsed.keys.slice(0, limit);
  for (const key of carriedOut) req.bucket.delete(key);
  // Like S3, a key that did not exist is still reported as deleted (unconfirmed for OSS, §7).
  const deleted = parsed.quiet ? [] : carriedOut.map((key) => el('Deleted', [el('Key', key)]));
  return { status: 200, headers: { 'content-type': 'application/xml' }, body: xmlDocument(el('DeleteResult', deleted)) };
}
