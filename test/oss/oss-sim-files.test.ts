// The OSS simulator with a data folder keeps its objects across a restart (the sandbox's OSS):
// what was put is there again with its ETag, what was deleted stays deleted, and a put that
// never finished (its data without its metadata) does not appear.

import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startOssServer, type OssSimulator } from '../../sim/oss/server';
import { ACCESS_KEY_ID, ACCESS_KEY_SECRET, BUCKET, rawClient } from './helpers';

const dataDir = mkdtempSync(join(tmpdir(), 'backup-bot-oss-files-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const start = (): Promise<OssSimulator> =>
  startOssServer({ buckets: [{ name: BUCKET, region: 'cn-hangzhou' }], credentials: [{ accessKeyId: ACCESS_KEY_ID, accessKeySecret: ACCESS_KEY_SECRET }], dataDir });

describe('the OSS simulator with a data folder', () => {
  it('finds its objects again after a restart, deletions included', async () => {
    const first = await start();
    const client = rawClient(first);
    const put = await client.put('repo/__ss_a/__info_1.x', Buffer.from('{"a":1}'));
    await client.put('repo/__ss_a/data.dat', Buffer.alloc(70_000, 7));
    await client.put('repo/gone', Buffer.from('bye'));
    await client.deleteMulti(['repo/gone']);
    await first.close();

    // A put cut short after its data was written, before its metadata.
    writeFileSync(join(dataDir, BUCKET, `${'f'.repeat(64)}.bin`), 'half');

    const second = await start();
    const again = rawClient(second);
    const listed = await again.listV2({ prefix: 'repo/', 'max-keys': 100 }, {});
    expect((listed.objects ?? []).map((o) => o.name)).toEqual(['repo/__ss_a/__info_1.x', 'repo/__ss_a/data.dat']);
    const got = await again.get('repo/__ss_a/__info_1.x');
    expect(got.content.toString()).toBe('{"a":1}');
    const etag = (res: { headers: object }) => (res.headers as Record<string, string>).etag;
    expect(etag(got.res)).toBe(etag(put.res));
    expect(etag(got.res)).toMatch(/^"[0-9A-F]{32}"$/);
    expect((await again.get('repo/__ss_a/data.dat')).content.length).toBe(70_000);
    expect(readdirSync(join(dataDir, BUCKET)).filter((n) => n.startsWith('f'.repeat(64)))).toEqual([]);
    await second.close();
  });
});
