// The OSS simulator, driven by the real ali-oss client (and, where ali-oss cannot misbehave on
// purpose, by hand-signed requests) over real sockets.

import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OssSimulator } from '../../sim/oss/server';
import { BUCKET, caught, rawClient, rawRequest, startSimulator, xmlText } from './helpers';

let sim: OssSimulator;

beforeEach(async () => {
  sim = await startSimulator([
    {
      name: 'guarded-sh',
      region: 'cn-shanghai',
      versioning: 'Enabled',
      worm: { state: 'Locked', days: 30 },
      lifecycle: [{ id: 'expire-backups', prefix: 'starrocks-backups/', status: 'Enabled', expirationDays: 14 }],
    },
  ]);
});

afterEach(async () => {
  await sim.close();
});


describe('signatures and addressing', () => {
  it('accepts ali-oss V1 signatures on put, get and head, keys with spaces, plus and ampersand', async () => {
    const client = rawClient(sim);
    const key = 'dir/my key+1 & co.txt';
    await client.put(key, Buffer.from('hello'));
    expect((await client.get(key)).content.toString()).toBe('hello');
    const head = await client.head(key);
    expect(head.res.headers).toMatchObject({ 'content-length': '5', etag: `"${createHash('md5').update('hello').digest('hex').toUpperCase()}"` });
    expect(sim.getObject(BUCKET, key)?.toString()).toBe('hello');
  });

  it('answers a wrong secret with SignatureDoesNotMatch, echoing the string to sign', async () => {
    const error = await caught(rawClient(sim, { accessKeySecret: 'not-the-secret' }).get('anything'));
    expect(error).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    const raw = await rawRequest(sim, { method: 'GET', path: '/some/key', key: 'some/key', secret: 'wrong' });
    expect(raw.status).toBe(403);
    expect(xmlText(raw.body, 'Code')).toBe('SignatureDoesNotMatch');
    expect(xmlText(raw.body, 'StringToSign')).toMatch(/^GET\n\n\n.+\nx-oss-date:.+\n\/backups-hz\/some\/key$/);
    for (const element of ['Message', 'RequestId', 'HostId', 'EC']) expect(xmlText(raw.body, element)).toBeTruthy();
    expect(raw.headers['x-oss-request-id']).toBe(xmlText(raw.body, 'RequestId'));
  });

  it('checks the signature before the bucket: a bad signature on an unknown bucket is still a signature error', async () => {
    const error = await caught(rawClient(sim, { bucket: 'no-such-bucket', accessKeySecret: 'wrong' }).get('k'));
    expect(error.code).toBe('SignatureDoesNotMatch');
    const missing = await caught(rawClient(sim, { bucket: 'no-such-bucket' }).get('k'));
    expect(missing).toMatchObject({ code: 'NoSuchBucket', status: 404 });
  });

  it('refuses unsigned requests, unknown key ids and skewed clocks', async () => {
    const unsigned = await rawRequest(sim, { method: 'GET', path: '/k', key: 'k', secret: null });
    expect([unsigned.status, xmlText(unsigned.body, 'Code')]).toEqual([403, 'AccessDenied']);
    const unknownId = await caught(rawClient(sim, { accessKeyId: 'LTAI-nobody' }).get('k'));
    expect(unknownId).toMatchObject({ code: 'InvalidAccessKeyId', status: 403 });
    const skewed = await caught(rawClient(sim, { amendTimeSkewed: 20 * 60 * 1000 }).get('k'));
    expect(skewed).toMatchObject({ code: 'RequestTimeTooSkewed', status: 403 });
  });

  it('takes the bucket from the path when the Host is not an aliyuncs.com name (sldEnable)', async () => {
    sim.putObject(BUCKET, 'path/style.txt', 'found');
    const client = rawClient(sim, { endpoint: `http://localhost:${sim.port}`, sldEnable: true });
    expect((await client.get('path/style.txt')).content.toString()).toBe('found');
    expect(sim.requests.at(-1)).toMatchObject({ method: 'GET', bucket: BUCKET, key: 'path/style.txt' });
  });
});

describe('objects', () => {
  it('reports a missing key on GET with the error XML and on HEAD with only x-oss-err', async () => {
    expect(await caught(rawClient(sim).get('missing.txt'))).toMatchObject({ code: 'NoSuchKey', status: 404, ecCode: '0026-00000001' });
    const head = await rawRequest(sim, { method: 'HEAD', path: '/missing.txt', key: 'missing.txt' });
    expect(head.status).toBe(404);
    expect(head.body).toBe('');
    const decoded = Buffer.from(String(head.headers['x-oss-err']), 'base64').toString('utf8');
    expect(xmlText(decoded, 'Code')).toBe('NoSuchKey');
  });

  it('rejects a PutObject whose Content-MD5 does not match the body', async () => {
    const put = await rawRequest(sim, {
      method: 'PUT',
      path: '/x.txt',
      key: 'x.txt',
      headers: { 'content-md5': createHash('md5').update('other').digest('base64') },
      body: 'this',
    });
    expect([put.status, xmlText(put.body, 'Code')]).toEqual([400, 'InvalidDigest']);
    expect(sim.getObject(BUCKET, 'x.txt')).toBeUndefined();
  });

  it('deletes one object with 204, existing or not', async () => {
    sim.putObject(BUCKET, 'gone.txt', 'x');
    await rawClient(sim).delete('gone.txt');
    await rawClient(sim).delete('never-there.txt');
    expect(sim.listKeys(BUCKET)).toEqual([]);
  });
});
