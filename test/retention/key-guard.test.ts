// The OSS adapter's guard on deleting backup data (adapters/oss/key-guard.ts), with ali-oss
// against the OSS simulator: a scope that is not a repository's snapshot directories is refused
// before any request, and a valid one deletes exactly its directories.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AliOssStore, KeyGuardError } from '../../adapters/oss';
import type { OssSimulator } from '../../sim/oss/server';
import { ACCESS_KEY_ID, ACCESS_KEY_SECRET, BUCKET, rawClient, startSimulator } from '../oss/helpers';

const ROOT = 'starrocks-backups/__starrocks_repository_bot_prod_1';
let sim: OssSimulator;
let store: AliOssStore;

beforeAll(async () => {
  sim = await startSimulator([{ name: 'locked-hz', region: 'cn-hangzhou', worm: { state: 'Locked', days: 7 } }]);
  store = new AliOssStore({ region: 'cn-hangzhou', bucket: BUCKET, endpoint: sim.endpoint, accessKeyId: ACCESS_KEY_ID, accessKeySecret: ACCESS_KEY_SECRET }, { retry: { baseDelayMs: 1, maxDelayMs: 5 } });
});
afterAll(async () => {
  await sim.close();
});

function seed(keys: string[]): void {
  for (const key of keys) sim.putObject(BUCKET, key, 'x');
}

describe('deleting snapshots through the key guard', () => {
  it('refuses a root that is not a repository, and snapshot names that could reach elsewhere, before any request', async () => {
    const before = sim.requests.length;
    const refused = async (repositoryRoot: string, snapshotNames: string[]) => {
      const err = await store.deleteSnapshots({ repositoryRoot, snapshotNames }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KeyGuardError);
      return (err as Error).message;
    };
    expect(await refused('starrocks-backups', ['snap'])).toMatch(/^Refusing to delete under 'starrocks-backups': that is not a StarRocks repository root/);
    expect(await refused('', ['snap'])).toMatch(/not a StarRocks repository root/);
    expect(await refused('../starrocks-backups/__starrocks_repository_bot_prod_1', ['snap'])).toMatch(/not a StarRocks repository root/);
    expect(await refused(`${ROOT}/`, ['snap'])).toMatch(/not a StarRocks repository root/);
    expect(await refused(ROOT, [])).toMatch(/no snapshot was named/);
    for (const name of ['', 'a/b', '..', 'snap/', 'snap*', 'x\u0000y']) expect(await refused(ROOT, ['ok_one', name])).toMatch(/^Refusing to delete snapshot '.*': not a StarRocks snapshot name/);
    expect(sim.requests.length).toBe(before);
  });

  it('deletes every object of the named snapshots and nothing else: not the repository info, not a sibling snapshot', async () => {
    const mine = Array.from({ length: 2500 }, (_, i) => `${ROOT}/__ss_snap_a/__ss_content/__db_1/__tbl_1/__part_1/__idx_1/__${i}/f.dat`);
    const alsoMine = [`${ROOT}/__ss_snap_b/__meta.0123`, `${ROOT}/__ss_snap_b/`];
    const others = [`${ROOT}/__repo_info`, `${ROOT}/__ss_snap_ab/__meta.0123`, `${ROOT}/__ss_snap/__meta.0123`, 'starrocks-backups/__starrocks_repository_bot_prod_sh/__ss_snap_a/__meta.1'];
    seed([...mine, ...alsoMine, ...others]);
    const progress: number[] = [];
    const result = await store.deleteSnapshots({ repositoryRoot: ROOT, snapshotNames: ['snap_a', 'snap_b'] }, (p) => progress.push(p.deleted));
    expect(result.deleted).toBe(mine.length + alsoMine.length);
    expect(sim.listKeys(BUCKET).filter((k) => mine.includes(k) || alsoMine.includes(k))).toEqual([]);
    for (const key of others) expect(sim.getObject(BUCKET, key)).toBeDefined();
    expect(progress.at(-1)).toBe(mine.length + alsoMine.length);
  });

  it('lists the repositories under a prefix', async () => {
    expect((await store.listRepositories('starrocks-backups')).sort()).toEqual(['bot_prod_1', 'bot_prod_sh']);
    expect(await store.listRepositories('elsewhere')).toEqual([]);
  });

  it('reports a bucket retention lock as an immutable refusal, without retrying it', async () => {
    const locked = new AliOssStore({ region: 'cn-hangzhou', bucket: 'locked-hz', endpoint: sim.endpoint, accessKeyId: ACCESS_KEY_ID, accessKeySecret: ACCESS_KEY_SECRET }, { retry: { baseDelayMs: 1, maxDelayMs: 5 } });
    sim.putObject('locked-hz', `${ROOT}/__ss_snap_a/__meta.1`, 'x');
    const before = sim.requests.filter((r) => r.method === 'POST').length;
    const err = await locked.deleteSnapshots({ repositoryRoot: ROOT, snapshotNames: ['snap_a'] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ system: 'oss', kind: 'immutable' });
    expect((err as Error).message).toMatch(/FileImmutable \(HTTP 409\): The object you specified is immutable/);
    expect(sim.requests.filter((r) => r.method === 'POST').length).toBe(before + 1);
    expect(sim.getObject('locked-hz', `${ROOT}/__ss_snap_a/__meta.1`)).toBeDefined();
    // A single DeleteObject is refused the same way.
    const single = await rawClient(sim, { bucket: 'locked-hz' }).delete(`${ROOT}/__ss_snap_a/__meta.1`).catch((e: unknown) => e);
    expect(single).toMatchObject({ code: 'FileImmutable', status: 409 });
  });
});
