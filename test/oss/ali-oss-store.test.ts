// The ObjectStore adapter (ali-oss) against the OSS simulator over real sockets: reading the
// repository layout, sizes, bucket checks and error mapping.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AliOssStore, type AliOssStoreOptions } from '../../adapters/oss/ali-oss-store';
import { normalizeEndpoint } from '../../adapters/oss/oss-client';
import { OutsideError } from '../../src/domain/errors';
import type { ObjectStoreConnection } from '../../src/ports';
import type { OssSimulator } from '../../sim/oss/server';
import { ACCESS_KEY_ID, ACCESS_KEY_SECRET, BUCKET, startSimulator } from './helpers';
import { ROOT, seedFinishedSnapshot, seedSnapshotData } from './store-fixtures';

let sim: OssSimulator;

beforeEach(async () => {
  sim = await startSimulator([
    {
      name: 'guarded-sh',
      region: 'cn-shanghai',
      versioning: 'Enabled',
      worm: { state: 'Locked', days: 30 },
      lifecycle: [
        { id: 'whole-bucket', prefix: '', status: 'Disabled', expirationDays: 365 },
        { id: 'backups', prefix: 'starrocks-backups/', status: 'Enabled', expirationDays: 14 },
        { id: 'one-snapshot', prefix: `${ROOT}/__ss_daily/`, status: 'Enabled' },
        { id: 'logs', prefix: 'logs/', status: 'Enabled', expirationDays: 7 },
      ],
    },
  ]);
});

afterEach(async () => {
  await sim.close();
});

function storeFor(conn: Partial<ObjectStoreConnection> = {}, options: AliOssStoreOptions = {}): AliOssStore {
  const connection: ObjectStoreConnection = {
    region: 'cn-hangzhou',
    bucket: BUCKET,
    endpoint: sim.endpoint,
    accessKeyId: ACCESS_KEY_ID,
    accessKeySecret: ACCESS_KEY_SECRET,
    ...conn,
  };
  return new AliOssStore(connection, { retry: { sleep: async () => undefined }, ...options });
}

async function failure(promise: Promise<unknown>): Promise<OutsideError> {
  const error: unknown = await promise.then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  );
  if (!(error instanceof OutsideError)) throw error;
  return error;
}

describe('bucket region and safety', () => {
  it('reads the region without the oss- prefix', async () => {
    expect(await storeFor().bucketRegion()).toBe('cn-hangzhou');
    expect(await storeFor({ bucket: 'guarded-sh', region: 'cn-shanghai' }).bucketRegion()).toBe('cn-shanghai');
  });

  it('reports versioning, the retention lock and the lifecycle rules that can reach the prefix', async () => {
    const safety = await storeFor({ bucket: 'guarded-sh', region: 'cn-shanghai' }).bucketSafety(`${ROOT}/`);
    expect(safety).toEqual({
      versioning: 'Enabled',
      retentionLock: { state: 'Locked', days: 30 },
      lifecycleRules: [
        { id: 'whole-bucket', prefix: '', status: 'Disabled', expirationDays: 365 },
        { id: 'backups', prefix: 'starrocks-backups/', status: 'Enabled', expirationDays: 14 },
        { id: 'one-snapshot', prefix: `${ROOT}/__ss_daily/`, status: 'Enabled', expirationDays: null },
      ],
    });
  });

  it('reports a bucket without any of them as safe', async () => {
    expect(await storeFor().bucketSafety(`${ROOT}/`)).toEqual({ versioning: 'Off', retentionLock: null, lifecycleRules: [] });
  });
});

describe('sizes and snapshots', () => {
  it('sums sizes and counts across pages of 1000', async () => {
    let bytes = 0;
    for (let i = 0; i < 2500; i += 1) {
      const body = 'x'.repeat(i % 7);
      bytes += body.length;
      sim.putObject(BUCKET, `${ROOT}/__ss_big/__ss_content/${String(i).padStart(4, '0')}.dat`, body);
    }
    sim.putObject(BUCKET, `${ROOT}/__ss_bigger/elsewhere.dat`, 'not counted');
    expect(await storeFor().usage(`${ROOT}/__ss_big/`)).toEqual({ bytes, objects: 2500 });
    expect(sim.requests.filter((r) => r.query['list-type'] === '2')).toHaveLength(3);
  });

  it('lists finished and unfinished snapshots with their backup timestamps', async () => {
    sim.putObject(BUCKET, `${ROOT}/__repo_info`, '{"name":"prod_1"}');
    seedFinishedSnapshot(sim, 'daily_20241209', '2024-12-09-10-25-58-842');
    seedFinishedSnapshot(sim, 'twice', '2024-12-08-01-00-00-000');
    seedFinishedSnapshot(sim, 'twice', '2024-12-10-01-00-00-000');
    seedSnapshotData(sim, 'running', 4);
    sim.putObject(BUCKET, `${ROOT}/__ss_running/__info_2024-12-11-01-00-00-000.part`, '{}');
    expect(await storeFor().listSnapshots(ROOT)).toEqual([
      { snapshotName: 'daily_20241209', complete: true, backupTimestamps: ['2024-12-09-10-25-58-842'] },
      { snapshotName: 'running', complete: false, backupTimestamps: [] },
      { snapshotName: 'twice', complete: true, backupTimestamps: ['2024-12-08-01-00-00-000', '2024-12-10-01-00-00-000'] },
    ]);
  });

  it('reads the info file: tables, partition versions, row counts when recorded', async () => {
    const before = Date.now();
    seedFinishedSnapshot(sim, 'with_rows', '2024-12-09-10-25-58-842', { withRowCounts: true });
    const info = await storeFor().readSnapshotInfo(ROOT, 'with_rows');
    // When the __info_ file was written (its Last-Modified): the moment the backup finished.
    expect(info?.writtenAt?.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(info?.writtenAt?.getTime()).toBeLessThanOrEqual(Date.now());
    expect(info).toEqual({
      writtenAt: expect.any(Date),
      snapshotName: 'with_rows',
      database: 'sales',
      backupTime: new Date(Date.UTC(2024, 11, 9, 2, 25, 58, 842)),
      tables: [
        {
          name: 'orders',
          partitions: [
            { name: 'p20241208', version: 5, rowCount: 1234 },
            { name: 'p20241209', version: 3, rowCount: 99 },
          ],
        },
        { name: 'customers', partitions: [{ name: 'customers', version: 2, rowCount: 10 }] },
      ],
    });
  });

  it('reads real StarRocks info files (no row_count) and picks the newest of several', async () => {
    seedFinishedSnapshot(sim, 'twice', '2024-12-08-01-00-00-000', { database: 'old' });
    seedFinishedSnapshot(sim, 'twice', '2024-12-10-01-00-00-000', { database: 'new' });
    const info = await storeFor().readSnapshotInfo(ROOT, 'twice');
    expect(info?.database).toBe('new');
    expect(info?.tables[0]?.partitions[0]).toEqual({ name: 'p20241208', version: 5, rowCount: null });
  });

  it('answers null for a snapshot without an info file, and a protocol error for a broken one', async () => {
    seedSnapshotData(sim, 'running', 2);
    expect(await storeFor().readSnapshotInfo(ROOT, 'running')).toBeNull();
    sim.putObject(BUCKET, `${ROOT}/__ss_broken/__info_2024-12-09-10-25-58-842.${'0'.repeat(32)}`, '{"name":"broken","database":7}');
    const error = await failure(storeFor().readSnapshotInfo(ROOT, 'broken'));
    expect(error.kind).toBe('protocol');
    expect(error.message).toContain('database');
  });
});

describe('errors', () => {
  it('maps a wrong secret to auth, keeps OSS code and message, never the secret, and does not retry', async () => {
    const secret = 'definitely-wrong-secret-42';
    const error = await failure(storeFor({ accessKeySecret: secret }).usage(`${ROOT}/`));
    expect([error.system, error.kind]).toEqual(['oss', 'auth']);
    expect(error.message).toContain('SignatureDoesNotMatch (HTTP 403): The request signature we calculated does not match');
    expect(error.message).not.toContain(secret);
    expect(JSON.stringify(error.cause)).not.toContain(secret);
    expect(sim.requests).toHaveLength(1);
  });

  it('maps an unknown bucket to not_found without retrying', async () => {
    const error = await failure(storeFor({ bucket: 'no-such-bucket' }).listSnapshots(ROOT));
    expect([error.kind, error.message.includes('NoSuchBucket')]).toEqual(['not_found', true]);
    expect(sim.requests).toHaveLength(1);
  });

  it('tidies endpoints: adds https to bare hostnames and drops a bucket label already present', () => {
    expect(normalizeEndpoint('oss-cn-hangzhou-internal.aliyuncs.com', 'b')).toBe('https://oss-cn-hangzhou-internal.aliyuncs.com');
    expect(normalizeEndpoint('https://b.oss-cn-hangzhou.aliyuncs.com/', 'b')).toBe('https://oss-cn-hangzhou.aliyuncs.com');
    expect(normalizeEndpoint('http://127.0.0.1:9000', 'b')).toBe('http://127.0.0.1:9000');
  });
});
