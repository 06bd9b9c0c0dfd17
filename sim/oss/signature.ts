// Checking the V1 `Authorization: OSS <AccessKeyId>:<Signature>` header (reference/oss-api.md §4.3).

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Query keys that are signed sub-resources (the official Python SDK's V1 list, §4.3). */
export const SIGNED_SUBRESOURCES: ReadonlySet<string> = new Set(
  (
    'acl uploads location cors logging website referer lifecycle delete append position tagging objectMeta ' +
    'objectInfo uploadId partNumber security-token group link response-content-type response-content-language ' +
    'response-cache-control response-content-encoding response-expires response-content-disposition restore qos ' +
    'qosInfo stat bucketInfo live comp status vod startTime endTime x-oss-process x-oss-traffic-limit ' +
    'x-oss-request-payer symlink callback callback-var encryption versions versioning versionId policy ' +
    'requestPayment asyncFetch sequential inventory inventoryId continuation-token worm wormId wormExtend ' +
    'replication replicationLocation replicationProgress transferAcceleration cname metaQuery resourceGroup'
  ).split(' '),
);

export interface SignedRequest {
  method: string;
  headers: IncomingHttpHeaders;
  /** Empty for calls without a bucket. */
  bucket: string;
  /** Raw (URL-decoded) key; empty for bucket-level calls. */
  key: string;
  /** Decoded query pairs in arrival order. */
  query: readonly (readonly [string, string])[];
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

export function canonicalResource(req: Pick<SignedRequest, 'bucket' | 'key' | 'query'>): string {
  const path = req.bucket === '' ? '/' : `/${req.bucket}/${req.key}`;
  const signed = req.query
    .filter(([name]) => SIGNED_SUBRESOURCES.has(name))
    .map(([name, value]) => (value === '' ? name : `${name}=${value}`))
    .sort((a, b) => {
      const an = a.split('=')[0] ?? a;
      const bn = b.split('=')[0] ?? b;
      return an < bn ? -1 : an > bn ? 1 : 0;
    });
  return signed.length === 0 ? path : `${path}?${signed.join('&')}`;
}

export function stringToSignV1(req: SignedRequest): string {
  const ossHeaders = Object.keys(req.headers)
    .map((name) => name.toLowerCase())
    .filter((name) => name.startsWith('x-oss-'))
    .sort()
    .map((name) => `${name}:${header(req.headers, name).trim()}\n`)
    .join('');
  const date = header(req.headers, 'x-oss-date') || header(req.headers, 'date');
  return [
    req.method.toUpperCase(),
    header(req.headers, 'content-md5'),
    header(req.headers, 'content-type'),
    date,
    `${ossHeaders}${canonicalResource(req)}`,
  ].join('\n');
}

export function signV1(secret: string, stringToSign: string): string {
  return createHmac('sha1', secret).update(Buffer.from(stringToSign, 'utf8')).digest('base64');
}

export type AuthOutcome =
  | { ok: true; accessKeyId: string }
  | { ok: false; code: 'AccessDenied' | 'InvalidAccessKeyId' | 'RequestTimeTooSkewed' | 'InvalidArgument'; message?: string }
  | { ok: false; code: 'SignatureDoesNotMatch'; accessKeyId: string; stringToSign: string; provided: string };

const MAX_SKEW_MS = 15 * 60 * 1000;

/** Checks the Authorization header, the key id, the signature, then the clock, in that order. */
export function checkV1(req: SignedRequest, secrets: ReadonlyMap<string, string>, now: Date): AuthOutcome {
  const authorization = header(req.headers, 'authorization');
  if (authorization === '') return { ok: false, code: 'AccessDenied' };
  const match = /^OSS ([^:\s]+):(\S+)$/.exec(authorization);
  if (!match) {
    return { ok: false, code: 'InvalidArgument', message: 'Authorization header is invalid or not supported by the simulator (V1 only).' };
  }
  const accessKeyId = match[1] ?? '';
  const provided = match[2] ?? '';
  const secret = secrets.get(accessKeyId);
  if (secret === undefined) return { ok: false, code: 'InvalidAccessKeyId' };
  const stringToSign = stringToSignV1(req);
  const expected = Buffer.from(signV1(secret, stringToSign));
  const given = Buffer.from(provided);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, code: 'SignatureDoesNotMatch', accessKeyId, stringToSign, provided };
  }
  const sent = Date.parse(header(req.headers, 'x-oss-date') || header(req.headers, 'date'));
  if (!Number.isFinite(sent) || Math.abs(now.getTime() - sent) > MAX_SKEW_MS) {
    return { ok: false, code: 'RequestTimeTooSkewed' };
  }
  return { ok: true, accessKeyId };
}
