// A store file written by version 1 of the bot opens, is migrated, and reads back typed.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_LOG_NAME, openLowdbStore, STORE_FILE_NAME } from '../../adapters/store/lowdb';
import type { DatabaseBackup } from '../../src/domain/types';
import type { Store } from '../../src/ports';
import { aVersion1Document, v1AuditEvent } from './lowdb-files';

describe('lowdb: a version-1 store file', () => {
  let dir: string;
  let file: string;
  const stores: Store[] = [];
  const open = async () => {
    const store = await openLowdbStore(dir);
    stores.push(store);
    return store;
  };
  const auditLines = async () => (await readFile(join(dir, AUDIT_LOG_NAME), 'utf8')).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { id: string });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lowdb-v1-'));
    file = join(dir, STORE_FILE_NAME);
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('reads back its free-text job states as typed job states and how the bot knew them', async () => {
    await writeFile(file, JSON.stringify(aVersion1Document()));
    const store = await open();
    const set = await store.backupSets.get('bk-20261124-0230-prod-1');
    const jobs = Object.fromEntries((set?.databases ?? []).map((d) => [d.database, [d.state, d.jobState, d.tracking, d.waitingFor]]));
    const expected: Record<string, [DatabaseBackup['state'], DatabaseBackup['jobState'], DatabaseBackup['tracking'], string | null]> = {
      uploading: ['SUBMITTED', 'UPLOADING', 'visible', null],
      hidden: ['SUBMITTED', null, 'not_visible', null],
      from_oss: ['FINISHED', null, 'resolved_from_oss', null],
      queued: ['PENDING', null, 'not_submitted', 'a RESTORE job of queued is running'],
      sending: ['SUBMITTED', null, 'submitted', null],
      refused: ['FAILED', null, 'not_submitted', null],
      cancelled: ['FAILED', 'CANCELLED', 'visible', null],
      lost: ['FAILED', null, 'not_visible', null],
      fresh: ['PENDING', null, 'not_submitted', null],
    };
    expect(jobs).toEqual(expected);
    expect(set?.databases.find((d) => d.database === 'uploading')).toMatchObject({ progress: { done: 3, total: 10 }, snapshotName: 'bk_20261124_0230_prod_1__uploading' });
  });

  it('reads back its named values as typed runner state', async () => {
    await writeFile(file, JSON.stringify(aVersion1Document()));
    const store = await open();
    expect(await store.runnerState.get('signingKey')).toBe('a1b2c3d4'.repeat(8));
    expect(await store.runnerState.get('schedulerLastSeen')).toBe('2026-11-23T18:30:00.000Z');
    expect(await store.runnerState.get('watchdogAlerts')).toEqual({ 'prod-1': '2026-11-22T09:00:00.000Z' });
  });

  it('keeps the records the bot reads, drops delivered notifications, keeps the waiting one unclaimed', async () => {
    const v1 = aVersion1Document();
    await writeFile(file, JSON.stringify(v1));
    const store = await open();
    expect(await store.settings.get('prod-1')).toEqual(v1.settings[0]);
    // Fields added with restores (issue 11) read as their defaults from an older file.
    const restoreDefaults = { version: 1, replicationNum: 3, sizeBytes: null, selfApproved: false, repository: '', repositoryOwned: null, repositoryDropped: false, createdDatabases: [], droppedDatabases: [], warnings: [] };
    expect(await store.restores.list()).toEqual(v1.restoreRequests.map((r: object) => ({ ...r, ...restoreDefaults })));
    expect(await store.outbox.depth()).toBe(1);
    const [waiting] = await store.outbox.claimDue(new Date('2026-11-24T00:00:00Z'), { claimant: 'deliverer-a', leaseMs: 60_000, limit: 10 });
    expect(waiting).toMatchObject({ id: 'ob-waiting', attempts: 2, lastError: 'dingtalk: 502', reply: { text: '3 of 9 databases' }, claimedBy: 'deliverer-a' });
    expect(await store.outbox.getDelivery('progress:bk-20261124-0230-prod-1')).toEqual([{ platform: 'dingtalk', channelId: 'cid1', messageId: 'msg-1' }]);
  });

  it('keeps the version-1 file as it was beside the migrated one, and migrates once', async () => {
    const text = JSON.stringify(aVersion1Document());
    await writeFile(file, text);
    const store = await open();
    expect(await readFile(`${file}.v1`, 'utf8')).toBe(text);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ version: 2, leaderEpoch: 1, runnerState: expect.any(Array) as unknown });
    expect(JSON.parse(await readFile(file, 'utf8'))).not.toHaveProperty('values');
    await store.close();
    const again = await open();
    expect(await again.runnerState.get('signingKey')).toBe('a1b2c3d4'.repeat(8));
    expect(await readFile(`${file}.v1`, 'utf8')).toBe(text);
    expect(await auditLines()).toHaveLength(3);
  });

  it('moves its audit events to the audit log, the document keeping the last 1000', async () => {
    await writeFile(file, JSON.stringify(aVersion1Document(1003)));
    const store = await open();
    expect((await auditLines()).map((e) => e.id)).toEqual(Array.from({ length: 1003 }, (_, i) => `ev-${i}`));
    const kept = await store.audit.list();
    expect(kept).toHaveLength(1000);
    expect(kept[0]).toEqual(v1AuditEvent(1002));
    expect(kept.at(-1)?.id).toBe('ev-3');
  });

  it('appends no audit event twice when a migration that crashed half-way runs again', async () => {
    await writeFile(file, JSON.stringify(aVersion1Document(5)));
    await writeFile(join(dir, AUDIT_LOG_NAME), [0, 1].map((i) => `${JSON.stringify(v1AuditEvent(i))}\n`).join('') + '{"id":"ev-2","at":');
    await open();
    const ids = (await readFile(join(dir, AUDIT_LOG_NAME), 'utf8')).split('\n').filter((l) => l.startsWith('{"id"')).map((l) => /"id":"([^"]+)"/.exec(l)?.[1]);
    expect(ids).toEqual(['ev-0', 'ev-1', 'ev-2', 'ev-2', 'ev-3', 'ev-4']);
  });

  it('is refused naming the record when one of its records is broken beyond migration', async () => {
    const v1 = aVersion1Document();
    const broken = { ...v1, backupSets: [{ ...v1.backupSets[0], databases: [{ ...v1.backupSets[0]!.databases[0], snapshotName: '' }] }] };
    await writeFile(file, JSON.stringify(broken));
    const error = await openLowdbStore(dir).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/backupSets\[0\] \(bk-20261124-0230-prod-1\) databases\.0\.snapshotName/);
    expect(await readFile(file, 'utf8')).toBe(JSON.stringify(broken));
  });
});
