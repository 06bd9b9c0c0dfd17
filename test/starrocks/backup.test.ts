// BACKUP through the adapter and the real mysql2 client against the simulator, over sockets.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StarRocksClient } from '../../src/ports';
import { BUCKET, failure, instance, rows, SALES, startFixture, type Fixture } from './helpers';

const BACKUP_COLUMNS = ['JobId', 'SnapshotName', 'DbName', 'State', 'BackupObjs', 'CreateTime', 'SnapshotFinishedTime', 'UploadFinishedTime', 'FinishedTime', 'UnfinishedTasks', 'Progress', 'TaskErrMsg', 'Status', 'Timeout'];

let fx: Fixture;
let client: StarRocksClient;

beforeAll(async () => {
  fx = await startFixture([
    instance({ id: 'prod', databases: [SALES, { name: 'inventory', tables: [{ name: 'stock', kind: 'OLAP', rows: 200 }, { name: 'tmp_t', kind: 'OLAP', rows: 5, tempPartitions: true }] }] }),
    instance({ id: 'lake', runMode: 'shared_data', databases: [{ name: 'lake_db', tables: [{ name: 'clicks', kind: 'OLAP', rows: 10 }] }] }),
  ]);
  client = fx.client('prod');
  expect(await client.ensureRepository(fx.repo('repo1'))).toBe('created');
});
afterAll(() => fx.close());

const sim = () => fx.sr.instance('prod');

describe('a backup job', () => {
  it('walks every state with the 14 columns, times set as states are reached, in the FE zone', async () => {
    await client.submitBackup({ database: 'sales', snapshotName: 's_full', repository: 'repo1', tables: ['orders', 'customers'], timeoutSeconds: 3600 });
    const raw = await fx.raw('prod');
    const [first] = await rows(raw, 'SHOW BACKUP FROM sales');
    expect(Object.keys(first ?? {})).toEqual(BACKUP_COLUMNS);
    expect(first).toMatchObject({ JobId: '-1', SnapshotName: 's_full', DbName: 'sales', State: 'PENDING', CreateTime: '2024-12-09 10:25:58', SnapshotFinishedTime: null, UploadFinishedTime: null, FinishedTime: null, UnfinishedTasks: '', Progress: '', TaskErrMsg: '', Status: '[OK]', Timeout: '3600' });
    expect(first?.BackupObjs).toBe('[sales.orders], [sales.customers]');

    const seen: string[] = [];
    for (let i = 0; i < 6; i++) {
      fx.now.value = new Date(fx.now.value.getTime() + 3000);
      await sim().advance();
      const job = await client.findBackupJob('sales', 's_full');
      seen.push(job?.state ?? 'none');
      expect(job?.jobId).not.toBe('-1');
      if (job?.state === 'SNAPSHOTING') expect((await rows(raw, 'SHOW BACKUP FROM sales'))[0]?.UnfinishedTasks).toMatch(/^\d+=\d+(, \d+=\d+)*$/);
      if (job?.state === 'UPLOADING') expect(job.progress).toEqual({ done: 0, total: 15 });
    }
    expect(seen).toEqual(['SNAPSHOTING', 'UPLOAD_SNAPSHOT', 'UPLOADING', 'SAVE_META', 'UPLOAD_INFO', 'FINISHED']);
    const job = await client.findBackupJob('sales', 's_full');
    expect(job).toMatchObject({ database: 'sales', snapshotName: 's_full', status: '[OK]', taskErrors: '', timeoutSeconds: 3600, progress: { done: 15, total: 15 } });
    expect(job?.createdAt.toISOString()).toBe('2024-12-09T02:25:58.000Z');
    expect(job?.snapshotFinishedAt?.toISOString()).toBe('2024-12-09T02:26:04.000Z');
    expect(job?.uploadFinishedAt?.toISOString()).toBe('2024-12-09T02:26:10.000Z');
    expect(job?.finishedAt?.toISOString()).toBe('2024-12-09T02:26:16.000Z');
  });

  it('wrote the layout of reference §5 and an __info_ file named by the create time', async () => {
    const keys = fx.oss.listKeys(BUCKET, 'backups/__starrocks_repository_repo1/__ss_s_full/');
    const data = keys.filter((k) => k.includes('/__ss_content/'));
    expect(data.length).toBe(30); // (2 partitions × 2 indexes + 1 × 1) × 3 tablets × 2 files
    for (const k of data) expect(k).toMatch(/__ss_content\/__db_\d+\/__tbl_\d+\/__part_\d+\/__idx_\d+\/__\d+\/[^/]+\.[0-9a-f]{32}$/);
    const info = keys.find((k) => /\/__info_2024-12-09-10-25-58-842\.[0-9a-f]{32}$/.test(k));
    expect(keys.some((k) => /\/__meta\.[0-9a-f]{32}$/.test(k))).toBe(true);
    const parsed = JSON.parse(fx.oss.getObject(BUCKET, info ?? '')?.toString() ?? '{}');
    expect(parsed).toMatchObject({ name: 's_full', database: 'sales', backup_time: Date.parse('2024-12-09T02:25:58.842Z'), backup_result: 'succeed' });
    expect(parsed.backup_objects.orders.partitions.p1).toMatchObject({ version: 5, row_count: 600 });
    expect(Object.keys(parsed.backup_objects.orders.partitions.p1.indexes)).toEqual(['orders', 'orders_r1']);
    expect(fx.oss.getObject(BUCKET, 'backups/__starrocks_repository_repo1/__repo_info')?.toString()).toContain('"name":"repo1"');
  });

  it('SHOW SNAPSHOT reads OSS live: 3 columns, 5 with a timestamp, ERROR: no snapshot otherwise', async () => {
    expect(await client.showSnapshot('repo1', 's_full')).toEqual({ snapshotName: 's_full', timestamps: ['2024-12-09-10-25-58-842'], status: 'OK' });
    expect(await client.showSnapshot('repo1', 'nope')).toEqual({ snapshotName: 'nope', timestamps: [], status: 'ERROR: no snapshot' });
    const raw = await fx.raw('prod');
    const [detail] = await rows(raw, "SHOW SNAPSHOT ON repo1 WHERE SNAPSHOT = 's_full' AND TIMESTAMP = '2024-12-09-10-25-58-842'");
    expect(Object.keys(detail ?? {})).toEqual(['Snapshot', 'Timestamp', 'Database', 'Details', 'Status']);
    expect(detail).toMatchObject({ Database: 'sales', Status: 'OK' });
    expect(JSON.parse(String(detail?.Details)).backup_objects.orders.partitions).toEqual({ p1: {}, p2: {} });
    expect(await rows(raw, 'SHOW SNAPSHOT ON repo1')).toEqual([{ Snapshot: 's_full', Timestamp: '2024-12-09-10-25-58-842', Status: 'OK' }]);
  });

  it('refuses at submit with StarRocks text mapped to the kinds', async () => {
    const base = { database: 'sales', repository: 'repo1', tables: ['orders'], timeoutSeconds: 3600 };
    expect(await failure(client.submitBackup({ ...base, database: 'nodb', snapshotName: 'x1' }))).toEqual({ kind: 'unknown_database', message: "Unknown database 'nodb'" });
    expect(await failure(client.submitBackup({ ...base, repository: 'norepo', snapshotName: 'x1' }))).toEqual({ kind: 'repository_missing', message: 'Repository [norepo] does not exist' });
    expect(await failure(client.submitBackup({ ...base, snapshotName: 's_full' }))).toEqual({ kind: 'snapshot_exists', message: "Snapshot with name 's_full' already exist in repository" });
    for (const t of ['v_daily', 'ext_clicks']) {
      expect(await failure(client.submitBackup({ ...base, tables: [t], snapshotName: 'x2' }))).toEqual({ kind: 'unsupported_table', message: `Table '${t}' is not a OLAP table` });
    }
    expect((await failure(client.submitBackup({ ...base, database: 'inventory', tables: ['tmp_t'], snapshotName: 'x3' }))).kind).toBe('unsupported_table');
    expect((await failure(client.submitBackup({ ...base, snapshotName: 'x4', timeoutSeconds: 60 }))).message).toBe('timeout must be at least 10 min');
    const raw = await fx.raw('prod');
    // 2.5-3.3 expand a database backup to views too (§2.1).
    await expect(raw.query('BACKUP SNAPSHOT sales.x5 TO repo1')).rejects.toMatchObject({ errno: 1064, sqlState: 'HY000', message: "Table 'v_daily' is not a OLAP table" });
    await expect(raw.query('SHOW BACKUP FROM nodb')).rejects.toMatchObject({ message: "Getting analyzing error. Detail message: Unknown database 'nodb'." });
    sim().faults.refuseTable('sales', 'customers');
    expect(await failure(client.submitBackup({ ...base, tables: ['customers'], snapshotName: 'x6' }))).toEqual({ kind: 'unsupported_table', message: 'List partition table does not support backup/restore job' });
    sim().faults.clear();
  });

  it('runs one job per database; other databases run in parallel', async () => {
    await client.submitBackup({ database: 'sales', snapshotName: 's_two', repository: 'repo1', tables: ['customers'], timeoutSeconds: 3600 });
    const busy = await failure(client.submitBackup({ database: 'sales', snapshotName: 's_three', repository: 'repo1', tables: ['orders'], timeoutSeconds: 3600 }));
    expect(busy).toEqual({ kind: 'job_running', message: 'Can only run one backup or restore job of a database at same time' });
    await client.submitBackup({ database: 'inventory', snapshotName: 's_inv', repository: 'repo1', tables: ['stock'], timeoutSeconds: 3600 });
    expect(await client.findBackupJob('sales', 's_three')).toBeNull();
    expect(sim().backupSubmissions.get('s_three')).toBe(1);
    await sim().advance(6);
    expect((await client.findBackupJob('sales', 's_two'))?.state).toBe('FINISHED');
    expect((await client.findBackupJob('inventory', 's_inv'))?.state).toBe('FINISHED');
  });

  it('a read-only repository refuses backups; a second cluster attaches to the same objects', async () => {
    expect(await client.ensureRepository(fx.repo('repo1'))).toBe('exists');
    const staging = fx.client('lake');
    expect(await staging.ensureRepository(fx.repo('repo1', { readOnly: true }))).toBe('created');
    const raw = await fx.raw('lake');
    expect((await rows(raw, 'SHOW REPOSITORIES'))[0]).toMatchObject({ RepoName: 'repo1', IsReadOnly: 'true', Location: `oss://${BUCKET}/backups`, Broker: '', ErrMsg: null });
    expect((await staging.showSnapshot('repo1', 's_full')).status).toBe('OK');
    const ro = await failure(staging.submitBackup({ database: 'lake_db', snapshotName: 'y1', repository: 'repo1', tables: ['clicks'], timeoutSeconds: 3600 }));
    expect(ro).toEqual({ kind: 'repository_read_only', message: 'Repository repo1 is read only' });
  });

  it('shared-data: run_mode says so and BACKUP of its tables is refused', async () => {
    const lake = fx.client('lake');
    expect(await lake.runMode()).toBe('shared_data');
    await lake.ensureRepository(fx.repo('repo_lake'));
    const err = await failure(lake.submitBackup({ database: 'lake_db', snapshotName: 'l1', repository: 'repo_lake', tables: ['clicks'], timeoutSeconds: 3600 }));
    expect(err).toEqual({ kind: 'unsupported_table', message: "Table 'clicks' is not a OLAP table" });
  });

  it('wrong OSS credentials fail CREATE REPOSITORY like StarRocks, without echoing the secret', async () => {
    const err = await failure(client.ensureRepository(fx.repo('repo_bad', { accessKeySecret: 'wrong-secret-value' })));
    expect(err.kind).toBe('other');
    expect(err.message).toMatch(/^Failed to create repository: failed to list remote path: .*__repo_info\. msg: /);
    expect(err.message).not.toContain('wrong-secret-value');
  });
});

describe('faults and history', () => {
  it('a failing upload cancels with TaskErrMsg and leaves the uploaded objects', async () => {
    sim().faults.failNextBackup('inventory', 'upload failed: disk quota');
    await client.submitBackup({ database: 'inventory', snapshotName: 's_fail', repository: 'repo1', tables: ['stock'], timeoutSeconds: 3600 });
    await sim().advance(4);
    const job = await client.findBackupJob('inventory', 's_fail');
    expect(job).toMatchObject({ state: 'CANCELLED', status: '[COMMON_ERROR, msg: upload failed: disk quota]' });
    expect(job?.taskErrors).toMatch(/^\[\d+: upload failed: disk quota\]$/);
    expect(job?.finishedAt).not.toBeNull();
    expect(fx.oss.listKeys(BUCKET, 'backups/__starrocks_repository_repo1/__ss_s_fail/').length).toBeGreaterThan(0);
    expect(await client.showSnapshot('repo1', 's_fail')).toMatchObject({ status: 'ERROR: no snapshot', timestamps: [] });
  });

  it('a leader change mid-backup gives a new JobId and the job still finishes', async () => {
    sim().faults.hold('inventory', 'UPLOADING');
    await client.submitBackup({ database: 'inventory', snapshotName: 's_leader', repository: 'repo1', tables: ['stock'], timeoutSeconds: 3600 });
    await sim().advance(5);
    const before = await client.findBackupJob('inventory', 's_leader');
    expect(before?.state).toBe('UPLOADING');
    sim().leaderChange({ dropConnections: true });
    sim().faults.release();
    const after = await client.findBackupJob('inventory', 's_leader');
    expect(after?.jobId).not.toBe(before?.jobId);
    expect(after?.state).toBe('UPLOAD_SNAPSHOT');
    await sim().advance(5);
    expect((await client.findBackupJob('inventory', 's_leader'))?.state).toBe('FINISHED');
  });

  it('CANCEL BACKUP cancels a running job; history aged out empties the slot', async () => {
    await client.submitBackup({ database: 'inventory', snapshotName: 's_cancel', repository: 'repo1', tables: ['stock'], timeoutSeconds: 3600 });
    const raw = await fx.raw('prod');
    await raw.query('CANCEL BACKUP FROM inventory');
    expect(await client.findBackupJob('inventory', 's_cancel')).toMatchObject({ state: 'CANCELLED', status: '[COMMON_ERROR, msg: user cancelled]' });
    await expect(raw.query('CANCEL BACKUP FROM inventory')).rejects.toMatchObject({ message: 'Failed to cancel job: Job with label s_cancel can not be cancelled. state: CANCELLED' });
    sim().ageOutHistory('inventory');
    expect(await client.findBackupJob('inventory', 's_cancel')).toBeNull();
    expect(await rows(raw, 'SHOW BACKUP FROM inventory')).toEqual([]);
  });

  it('times out after the job timeout with [TIMEOUT, msg: ]', async () => {
    await client.submitBackup({ database: 'inventory', snapshotName: 's_slow', repository: 'repo1', tables: ['stock'], timeoutSeconds: 600 });
    fx.now.value = new Date(fx.now.value.getTime() + 601_000);
    await sim().advance();
    expect(await client.findBackupJob('inventory', 's_slow')).toMatchObject({ state: 'CANCELLED', status: '[TIMEOUT, msg: ]' });
  });
});
