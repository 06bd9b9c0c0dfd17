// The OSS simulator's listings, multi-object deletes, bucket getters and faults, through ali-oss.

import { createHash } from 'node:crypto';
import type OSS from 'ali-oss';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OssSimulator } from '../../sim/oss/server';
import { BUCKET, caught, rawClient, rawRequest, startSimulator, xmlText } from './helpers';

let sim: OssSimulator;
let client: OSS;

beforeEach(async () => {
  sim = await startSimulator([
    {
      name: 'guarded-sh',
      region: 'cn-shanghai',
      versioning: 'Suspended',
      worm: { state: 'Locked', days: 30 },
      lifecycle: [{ id: 'expire-backups', prefix: 'starrocks-backups/', status: 'Enabled', expirationDays: 14 }],
    },
  ]);
  client = rawClient(sim);
});

afterEach(async () => {
  await sim.close();
});

function seed(count: number, prefix: string): string[] {
  const keys = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(5, '0')}.dat`);
  for (const key of keys) sim.putObject(BUCKET, key, `body of ${key}`);
  return keys;
}

/** Bucket getters ali-oss 6.23 has but @types/ali-oss 6.23.3 lacks. */
interface UntypedGetters {
  getBucketVersioning(name: string): Promise<{ versionStatus?: string }>;
  getBucketWorm(name: string): Promise<Record<string, unknown>>;
}
const untyped = (c: OSS): UntypedGetters => c as unknown as UntypedGetters;

const listV2 = (query: Record<string, string>): Promise<OSS.ListV2ObjectResult> => client.listV2(query as OSS.ListV2ObjectsQuery, {});

describe('listing', () => {
  it('pages 2,500 keys with ListObjects v1 (marker) and returns Owner on every object', async () => {
    const keys = seed(2500, 'big/');
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await client.list({ prefix: 'big/', 'max-keys': 1000, ...(marker ? { marker } : {}) }, {});
      pages += 1;
      seen.push(...page.objects.map((o) => o.name));
      expect(page.objects.every((o) => o.owner?.id === '1000000000000001')).toBe(true);
      marker = page.isTruncated ? page.nextMarker : undefined;
    } while (marker);
    expect(pages).toBe(3);
    expect(seen).toEqual(keys);
  });

  it('pages 2,500 keys with ListObjects v2 (opaque continuation token), KeyCount per page', async () => {
    const keys = seed(2500, 'big/');
    const seen: string[] = [];
    const counts: number[] = [];
    let token: string | null = null;
    do {
      const page = await listV2({ prefix: 'big/', 'max-keys': '1000', ...(token ? { 'continuation-token': token } : {}) });
      seen.push(...page.objects.map((o) => o.name));
      counts.push(page.keyCount);
      expect(page.objects[0]?.owner).toBeNull();
      token = page.isTruncated ? page.nextContinuationToken : null;
      if (token) expect(token).not.toContain('big/');
    } while (token);
    expect(counts).toEqual([1000, 1000, 500]);
    expect(seen).toEqual(keys);
  });

  it('defaults max-keys to 100 and refuses 0 and 1001', async () => {
    seed(150, 'p/');
    expect((await listV2({ prefix: 'p/' })).objects).toHaveLength(100);
    expect(await caught(listV2({ 'max-keys': '0' }))).toMatchObject({ code: 'InvalidArgument', status: 400 });
    expect(await caught(listV2({ 'max-keys': '1001' }))).toMatchObject({ code: 'InvalidArgument', status: 400 });
  });

  it('rolls keys up into CommonPrefixes with a delimiter, counting each once against max-keys', async () => {
    for (const snap of ['a', 'b', 'c']) seed(3, `repo/__ss_${snap}/`);
    sim.putObject(BUCKET, 'repo/__repo_info', '{}');
    const first = await listV2({ prefix: 'repo/', delimiter: '/', 'max-keys': '2' });
    expect([first.objects.map((o) => o.name), first.prefixes, first.keyCount, first.isTruncated]).toEqual([
      ['repo/__repo_info'],
      ['repo/__ss_a/'],
      2,
      true,
    ]);
    const rest = await listV2({ prefix: 'repo/', delimiter: '/', 'max-keys': '2', 'continuation-token': first.nextContinuationToken ?? '' });
    expect([rest.objects, rest.prefixes, rest.keyCount, rest.isTruncated]).toEqual([[], ['repo/__ss_b/', 'repo/__ss_c/'], 2, false]);
    expect((await listV2({ prefix: 'repo/__ss_a/', delimiter: '/' })).prefixes).toBeNull();
  });

  it('orders keys by UTF-8 bytes and treats start-after as exclusive', async () => {
    for (const key of ['k/\u{1F600}', 'k/\uFFFD', 'k/z', 'k/A']) sim.putObject(BUCKET, key, 'x');
    const names = (await listV2({ prefix: 'k/' })).objects.map((o) => o.name);
    expect(names).toEqual(['k/A', 'k/z', 'k/\uFFFD', 'k/\u{1F600}']);
    const after = (await listV2({ prefix: 'k/', 'start-after': 'k/z' })).objects.map((o) => o.name);
    expect(after).toEqual(['k/\uFFFD', 'k/\u{1F600}']);
  });
});

describe('DeleteMultipleObjects', () => {
  it('deletes in verbose mode and reports every key, XML-escaped on the wire', async () => {
    const keys = ['odd/a&b.txt', 'odd/<tag>.txt', "odd/quote'\".txt"];
    for (const key of keys) sim.putObject(BUCKET, key, 'x');
    const result = await client.deleteMulti(keys, { quiet: false });
    expect((result.deleted as unknown as { Key: string }[]).map((d) => d.Key)).toEqual(keys);
    expect(sim.listKeys(BUCKET, 'odd/')).toEqual([]);
  });

  it('answers quiet mode with an empty result', async () => {
    const keys = seed(3, 'q/');
    expect((await client.deleteMulti(keys, { quiet: true })).deleted).toEqual([]);
    expect(sim.listKeys(BUCKET, 'q/')).toEqual([]);
  });

  it('refuses more than 1000 keys with MalformedXML', async () => {
    const keys = seed(1001, 'many/');
    expect(await caught(client.deleteMulti(keys, { quiet: true }))).toMatchObject({ code: 'MalformedXML', status: 400 });
    expect(sim.listKeys(BUCKET, 'many/')).toHaveLength(1001);
  });

  it('refuses a body whose Content-MD5 is wrong (InvalidDigest) or missing', async () => {
    sim.putObject(BUCKET, 'keep.txt', 'x');
    const body = '<?xml version="1.0" encoding="UTF-8"?><Delete><Quiet>false</Quiet><Object><Key>keep.txt</Key></Object></Delete>';
    const send = (headers: Record<string, string>) =>
      rawRequest(sim, { method: 'POST', path: '/?delete=', query: [['delete', '']], headers: { 'content-type': 'application/xml', ...headers }, body });
    const wrong = await send({ 'content-md5': createHash('md5').update('something else').digest('base64') });
    expect([wrong.status, xmlText(wrong.body, 'Code')]).toEqual([400, 'InvalidDigest']);
    const missing = await send({});
    expect([missing.status, xmlText(missing.body, 'Code')]).toEqual([400, 'MissingArgument']);
    const right = await send({ 'content-md5': createHash('md5').update(body).digest('base64') });
    expect(right.status).toBe(200);
    expect(sim.listKeys(BUCKET)).toEqual([]);
  });

  it('refuses a malformed <Delete> document', async () => {
    const body = '<Delete><Object><Key>a</Key></Object>';
    const res = await rawRequest(sim, {
      method: 'POST',
      path: '/?delete=',
      query: [['delete', '']],
      headers: { 'content-md5': createHash('md5').update(body).digest('base64') },
      body,
    });
    expect([res.status, xmlText(res.body, 'Code')]).toEqual([400, 'MalformedXML']);
  });
});

describe('bucket getters', () => {
  it('tells info, location (a plain string), versioning, WORM and lifecycle when configured', async () => {
    const guarded = rawClient(sim, { bucket: 'guarded-sh', region: 'oss-cn-shanghai' });
    expect((await guarded.getBucketInfo('guarded-sh')).bucket).toMatchObject({ Name: 'guarded-sh', Location: 'oss-cn-shanghai' });
    expect((await guarded.getBucketLocation('guarded-sh')).location).toBe('oss-cn-shanghai');
    expect((await untyped(guarded).getBucketVersioning('guarded-sh')).versionStatus).toBe('Suspended');
    expect(await untyped(guarded).getBucketWorm('guarded-sh')).toMatchObject({ state: 'Locked', days: '30' });
    expect((await guarded.getBucketLifecycle('guarded-sh')).rules).toEqual([
      { id: 'expire-backups', prefix: 'starrocks-backups/', status: 'Enabled', expiration: { days: '14' } },
    ]);
  });

  it('answers unconfigured WORM and lifecycle with their 404 codes, versioning with no status', async () => {
    expect((await untyped(client).getBucketVersioning(BUCKET)).versionStatus).toBeUndefined();
    expect(await caught(untyped(client).getBucketWorm(BUCKET))).toMatchObject({ code: 'NoSuchWORMConfiguration', status: 404 });
    expect(await caught(client.getBucketLifecycle(BUCKET))).toMatchObject({ code: 'NoSuchLifecycle', status: 404 });
  });

  it('answers what it does not implement with 501 NotImplemented', async () => {
    expect(await caught(client.getBucketACL(BUCKET))).toMatchObject({ code: 'NotImplemented', status: 501 });
  });
});

describe('faults', () => {
  it('fails the next requests with the given status, code and QoS hint, then recovers', async () => {
    sim.faults.throttle(1, 250);
    const raw = await rawRequest(sim, { method: 'GET', path: '/?list-type=2', query: [['list-type', '2']] });
    expect([raw.status, xmlText(raw.body, 'Code'), raw.headers['x-oss-qos-delay-time']]).toEqual([503, 'ServiceUnavailable', '250']);
    sim.faults.failNext(1, { status: 500, onlyMethod: 'POST' });
    expect((await listV2({})).objects).toEqual([]);
    expect(await caught(client.deleteMulti(['a'], { quiet: true }))).toMatchObject({ code: 'InternalError', status: 500 });
    expect((await client.deleteMulti(['a'], { quiet: true })).deleted).toEqual([]);
  });

  it('drops the connection of the next request (ali-oss sees status -1)', async () => {
    sim.faults.dropNext(1);
    expect(await caught(listV2({}))).toMatchObject({ status: -1 });
    expect((await listV2({})).objects).toEqual([]);
  });

  it('logs every request for tests to count', async () => {
    seed(3, 'log/');
    await listV2({ prefix: 'log/' });
    await client.deleteMulti(sim.listKeys(BUCKET, 'log/'), { quiet: true });
    expect(sim.requests.map((r) => `${r.method} ${Object.keys(r.query).join(',')}`)).toEqual(['GET list-type,prefix', 'POST delete']);
  });
});
