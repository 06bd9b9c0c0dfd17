// Bucket-level calls: ListObjects (v1 and v2) and the bucket getters (reference/oss-api.md §4.2, §4.5).

import { listPage, type ListPage, type SimBucket } from './buckets';
import { errorResponse, type SimResponse } from './errors';
import type { SimRequest } from './request';
import { el, xmlDocument } from './xml';

const OWNER = el('Owner', [el('ID', '1000000000000001'), el('DisplayName', '1000000000000001')]);

export function xmlOk(root: string): SimResponse {
  return { status: 200, headers: { 'content-type': 'application/xml' }, body: xmlDocument(root) };
}

function encodeToken(last: string): string {
  return Buffer.from(last, 'utf8').toString('base64url');
}

function decodeToken(token: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return null;
  const last = Buffer.from(token, 'base64url').toString('utf8');
  return encodeToken(last) === token ? last : null;
}

function maxKeysOf(req: SimRequest): number | null {
  const raw = req.query.get('max-keys');
  if (raw === undefined || raw === '') return 100;
  if (!/^\d+$/.test(raw)) return null;
  const value = Number(raw);
  return value >= 1 && value <= 1000 ? value : null;
}

function contents(bucket: SimBucket, page: ListPage, withOwner: boolean, encode: (s: string) => string): string[] {
  return page.keys.map((key) => {
    const object = bucket.get(key);
    return el('Contents', [
      el('Key', encode(key)),
      el('LastModified', (object?.lastModified ?? bucket.createdAt).toISOString()),
      el('ETag', `"${object?.etag ?? ''}"`),
      el('Type', 'Normal'),
      el('Size', object?.body.length ?? 0),
      el('StorageClass', 'Standard'),
      ...(withOwner ? [OWNER] : []),
    ]);
  });
}

/** GET / (v1, marker paging) or GET /?list-type=2 (v2, continuation-token paging). */
export function listObjects(req: SimRequest): SimResponse {
  const v2 = req.query.get('list-type') === '2';
  const maxKeys = maxKeysOf(req);
  if (maxKeys === null) {
    return errorResponse('InvalidArgument', req.errorContext, { message: 'max-keys must be between 1 and 1000.' });
  }
  const encodingType = req.query.get('encoding-type');
  if (encodingType !== undefined && encodingType !== 'url') {
    return errorResponse('InvalidArgument', req.errorContext, { message: 'The encoding-type must be url.' });
  }
  const encode = encodingType === 'url' ? encodeURIComponent : (s: string): string => s;
  const prefix = req.query.get('prefix') ?? '';
  const delimiter = req.query.get('delimiter') ?? '';
  let after = req.query.get('marker') ?? '';
  const token = req.query.get('continuation-token');
  const startAfter = req.query.get('start-after') ?? '';
  if (v2) {
    after = startAfter;
    if (token !== undefined) {
      const decoded = decodeToken(token);
      if (decoded === null) {
        return errorResponse('InvalidArgument', req.errorContext, { message: 'The continuation-token is not valid.' });
      }
      after = decoded;
    }
  }
  const page = listPage(req.bucket.keys(), { prefix, delimiter, after, maxKeys });
  const head = [el('Name', req.bucket.name), el('Prefix', encode(prefix))];
  const prefixes = page.commonPrefixes.map((p) => el('CommonPrefixes', [el('Prefix', encode(p))]));
  const tail = [
    ...(encodingType ? [el('EncodingType', 'url')] : []),
    ...contents(req.bucket, page, !v2 || req.query.get('fetch-owner') === 'true', encode),
    ...prefixes,
  ];
  if (!v2) {
    return xmlOk(
      el('ListBucketResult', [
        ...head,
        el('Marker', encode(after)),
        el('MaxKeys', maxKeys),
        el('Delimiter', encode(delimiter)),
        el('IsTruncated', String(page.isTruncated)),
        ...(page.isTruncated && page.last !== null ? [el('NextMarker', encode(page.last))] : []),
        ...tail,
      ]),
    );
  }
  return xmlOk(
    el('ListBucketResult', [
      ...head,
      ...(startAfter !== '' ? [el('StartAfter', encode(startAfter))] : []),
      ...(token !== undefined ? [el('ContinuationToken', token)] : []),
      el('MaxKeys', maxKeys),
      ...(delimiter !== '' ? [el('Delimiter', encode(delimiter))] : []),
      el('IsTruncated', String(page.isTruncated)),
      ...(page.isTruncated && page.last !== null ? [el('NextContinuationToken', encodeToken(page.last))] : []),
      el('KeyCount', page.keys.length + page.commonPrefixes.length),
      ...tail,
    ]),
  );
}

export function bucketInfo(req: SimRequest, endpointHost: (internal: boolean) => string): SimResponse {
  const b = req.bucket;
  return xmlOk(
    el('BucketInfo', [
      el('Bucket', [
        el('Name', b.name),
        el('Location', `oss-${b.spec.region}`),
        el('CreationDate', b.createdAt.toISOString()),
        el('ExtranetEndpoint', endpointHost(false)),
        el('IntranetEndpoint', endpointHost(true)),
        el('StorageClass', 'Standard'),
        el('DataRedundancyType', 'LRS'),
        OWNER,
        el('AccessControlList', [el('Grant', 'private')]),
      ]),
    ]),
  );
}

export function bucketLocation(req: SimRequest): SimResponse {
  // No xmlns attribute: with one, xml2js turns the value into `{_: ..., $: ...}` (§2.5).
  return xmlOk(el('LocationConstraint', `oss-${req.bucket.spec.region}`));
}

export function bucketVersioning(req: SimRequest): SimResponse {
  const status = req.bucket.spec.versioning;
  return xmlOk(el('VersioningConfiguration', status ? [el('Status', status)] : []));
}

export function bucketWorm(req: SimRequest): SimResponse {
  const worm = req.bucket.spec.worm;
  if (!worm) return errorResponse('NoSuchWORMConfiguration', req.errorContext, { extras: { BucketName: req.bucket.name } });
  return xmlOk(
    el('WormConfiguration', [
      el('WormId', `WORM${req.bucket.name.length.toString(16).toUpperCase().padStart(8, '0')}`),
      el('State', worm.state),
      el('RetentionPeriodInDays', worm.days),
      el('CreationDate', req.bucket.createdAt.toISOString()),
    ]),
  );
}

export function bucketLifecycle(req: SimRequest): SimResponse {
  const rules = req.bucket.spec.lifecycle ?? [];
  if (rules.length === 0) return errorResponse('NoSuchLifecycle', req.errorContext, { extras: { BucketName: req.bucket.name } });
  return xmlOk(
    el(
      'LifecycleConfiguration',
      rules.map((rule) =>
        el('Rule', [
          el('ID', rule.id),
          el('Prefix', rule.prefix),
          el('Status', rule.status),
          ...(rule.expirationDays !== undefined ? [el('Expiration', [el('Days', rule.expirationDays)])] : []),
        ]),
      ),
    ),
  );
}

export function bucketStat(req: SimRequest): SimResponse {
  const b = req.bucket;
  return xmlOk(
    el('BucketStat', [
      el('Storage', b.totalBytes()),
      el('ObjectCount', b.objectCount),
      el('MultipartUploadCount', 0),
      el('LastModifiedTime', Math.floor(b.createdAt.getTime() / 1000)),
      el('StandardStorage', b.totalBytes()),
      el('StandardObjectCount', b.objectCount),
    ]),
  );
}
