// RESTORE through the adapter against the simulator: it reads the snapshot back from OSS.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StarRocksClient } from '../../src/ports';
import { BUCKET, failure, instance, rows, SALES, startFixture, type Fixture } from './helpers';

const RESTORE_COLUMNS = ['JobId', 'Label', 'Timestamp', 'DbName', 'State', 'AllowLoad', 'ReplicationNum', 'RestoreObjs', 'CreateTime', 'MetaPreparedTime', 'SnapshotFinishedTime', 'DownloadFinishedTime', 'FinishedTime', 'UnfinishedTasks', 'Progress', 'TaskErrMsg', 'Status', 'Timeout'];

let fx: Fixture;
let prod: StarRocksClient;
let staging: StarRocksClient;
let ts = '';

beforeAll(async () => {
  fx = await startFixture([instance({ id: 'prod', databases: [SALES] }), instance({ id: 'staging' })]);
  prod = fx.client('prod');
  staging = fx.client('staging');
  await prod.ensureRepository(fx.repo('repo1'));
  await prod.submitBackup({ database: 'sales', snapshotName: 'snap1', repository: 'repo1', tables: ['orders', 'customers'], timeoutSeconds: 3600 });
  await fx.sr.instance('prod').advance(6);
  ts = (await prod.showSnapshot('repo1', 'snap1')).timestamps[0] ?? '';
  await staging.ensureRepository(fx.repo('repo1', { readOnly: true }));
});
afterAll(() => fx.close());

const stagingSim = () => fx.sr.instance('staging');
const restoreReq = (database: string, over: Partial<{ tables: string[]; backupTimestamp: string }> = {}) => ({
  database, snapshotName: 'snap1', repository: 'repo1', backupTimestamp: ts, tables: ['orders', 'customers'], replicationNum: 1, timeoutSeconds: 3600, ...over,
});

describe('a restore job', () => {
  it('needs the target database before 3.4 and the exact timestamp', async () => {
    expect(await failure(staging.submitRestore(restoreReq('sales')))).toEqual({ kind: 'unknown_database', message: "Unknown database 'sales'" });
    await staging.createDatabase('sales');
    const wrong = await failure(staging.submitRestore(restoreReq('sales', { backupTimestamp: ts.slice(0, 19) })));
    expect(wrong.message).toBe("Failed to get info of snapshot 'snap1' because: File does not exist. Maybe specified wrong backup timestamp");
    const missing = await failure(staging.submitRestore(restoreReq('sales', { tables: ['nope'] })));
    expect(missing.message).toBe('Table nope does not exist in snapshot snap1');
  });

  it('walks every state with the 18 columns, reads every object back and creates the tables', async () => {
    await staging.submitRestore(restoreReq('sales'));
    const raw = await fx.raw('staging');
    const [first] = await rows(raw, 'SHOW RESTORE FROM sales');
    expect(Object.keys(first ?? {})).toEqual(RESTORE_COLUMNS);
    expect(first).toMatchObject({ JobId: '-1', Label: 'snap1', Timestamp: ts, DbName: 'sales', State: 'PENDING', AllowLoad: 'false', ReplicationNum: '1', RestoreObjs: 'orders PARTITIONS [p1, p2], customers', MetaPreparedTime: null, FinishedTime: null, Status: '[OK]', Timeout: '3600' });
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) {
      await stagingSim().advance();
      seen.push((await staging.findRestoreJob('sales', 'snap1'))?.state ?? 'none');
    }
    expect(seen).toEqual(['SNAPSHOTING', 'DOWNLOAD', 'DOWNLOADING', 'COMMIT', 'COMMITTING', 'FINISHED']);
    const [done] = await rows(raw, 'SHOW RESTORE FROM sales');
    for (const c of ['MetaPreparedTime', 'SnapshotFinishedTime', 'DownloadFinishedTime', 'FinishedTime']) expect(done?.[c]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(await staging.partitions('sales', 'orders')).toEqual([
      { name: 'p1', visibleVersion: 5, rowCount: 600 },
      { name: 'p2', visibleVersion: 3, rowCount: 400 },
    ]);
    expect(await staging.countRows('sales', 'customers')).toBe(50);
    expect(stagingSim().catalog.table('sales', 'orders')?.indexes.map((i) => i.name)).toEqual(['orders', 'orders_r1']);
    // The slot now holds a restore: SHOW BACKUP is empty there.
    expect(await rows(raw, 'SHOW BACKUP FROM sales')).toEqual([]);
  });

  it('SHOW BACKUP is empty when the slot holds a restore: findBackupJob gives null', async () => {
    await prod.createDatabase('sales_copy');
    await prod.submitRestore(restoreReq('sales_copy', { tables: ['customers'] }));
    expect(await prod.findBackupJob('sales_copy', 'snap1')).toBeNull();
    expect((await prod.findRestoreJob('sales_copy', 'snap1'))?.state).toBe('PENDING');
    expect(await prod.findRestoreJob('sales_copy', 'another')).toBeNull();
    expect(await prod.findRestoreJob('sales', 'snap1')).toBeNull();
  });

  it('an existing table with another schema cancels it asynchronously (§4.4)', async () => {
    await staging.createDatabase('clash');
    stagingSim().catalog.addTable('clash', { name: 'orders', kind: 'OLAP', rows: 1, schemaHash: 42 });
    await staging.submitRestore(restoreReq('clash'));
    await stagingSim().advance();
    expect(await staging.findRestoreJob('clash', 'snap1')).toMatchObject({
      state: 'CANCELLED',
      status: '[COMMON_ERROR, msg: Table orders already exist but with different schema, errMsg: ]',
    });
  });

  it('a deleted or corrupted object on OSS cancels it in DOWNLOADING', async () => {
    const data = fx.oss.listKeys(BUCKET, 'backups/__starrocks_repository_repo1/__ss_snap1/__ss_content/');
    const victim = data.find((k) => k.endsWith('.dat.' + (k.split('.').pop() ?? ''))) ?? '';
    const body = fx.oss.getObject(BUCKET, victim) ?? Buffer.alloc(0);

    fx.oss.deleteObject(BUCKET, victim);
    await staging.createDatabase('gone');
    await staging.submitRestore(restoreReq('gone'));
    await stagingSim().advance(4);
    const gone = await staging.findRestoreJob('gone', 'snap1');
    expect(gone?.state).toBe('CANCELLED');
    expect(gone?.status).toBe(`[NOT_FOUND, msg: remote file not found: ${victim}]`);
    expect(stagingSim().catalog.table('gone', 'orders')).toBeUndefined();

    fx.oss.putObject(BUCKET, victim, Buffer.concat([body, Buffer.from('x')]));
    await staging.createDatabase('bad');
    await staging.submitRestore(restoreReq('bad'));
    await stagingSim().advance(4);
    expect((await staging.findRestoreJob('bad', 'snap1'))?.status).toBe(`[BAD_FILE, msg: checksum mismatch of remote file: ${victim}]`);
    fx.oss.putObject(BUCKET, victim, body);
  });

  it('CANCEL RESTORE says the state it was cancelled in', async () => {
    await staging.createDatabase('cancelme');
    await staging.submitRestore(restoreReq('cancelme'));
    const raw = await fx.raw('staging');
    await raw.query('CANCEL RESTORE FROM cancelme');
    expect((await staging.findRestoreJob('cancelme', 'snap1'))?.status).toBe('[COMMON_ERROR, msg: user cancelled, current state: PENDING]');
    await expect(raw.query('CANCEL RESTORE FROM gone')).rejects.toMatchObject({ message: 'Failed to cancel job: Job with label snap1 can not be cancelled. state: CANCELLED' });
    await expect(raw.query('CANCEL BACKUP FROM cancelme')).rejects.toMatchObject({ message: 'No backup job is currently running' });
  });
});
