// Result rows a broken, newer or hostile FE might send (property-based): SHOW BACKUP, SHOW
// RESTORE, SHOW DATABASES and SHOW GRANTS answers with columns missing, cells null, empty, huge,
// of the wrong kind or unicode, read by the real StarRocks adapter (mysql2 over the MySQL
// protocol; the simulator answers the query with the forged result set). Each call gives a
// well-typed value or a typed error (OutsideError / UserError) with a short message; never a
// TypeError. Then, behind the whole bot, garbage SHOW BACKUP answers during a backup leave the
// store whole: it reopens, and the set finishes.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MysqlStarRocksClient } from '../../adapters/starrocks';
import { openLowdbStore } from '../../adapters/store/lowdb';
import { startSandboxSimulators } from '../../sim/sandbox';
import { OutsideError, UserError } from '../../src/domain/errors';
import type { StarRocksClient } from '../../src/ports';
import { endedSet, startBackup } from '../support/backups';
import { startHarness } from '../support/harness';
import { waitFor } from '../support/wait';

let sims: Awaited<ReturnType<typeof startSandboxSimulators>>;
let client: StarRocksClient;
const MAX_MESSAGE = 1_000;

beforeAll(async () => {
  sims = await startSandboxSimulators({ stepMs: 15 });
  const d = sims.description;
  client = new MysqlStarRocksClient({ instanceId: 'prod-1', frontends: [{ host: d.mysql.host, port: d.instances['prod-1']?.mysqlPort ?? 0 }], user: d.mysql.user, password: d.mysql.password });
});
afterAll(async () => {
  await client.close();
  await sims.close();
});

const prod = () => sims.starrocks.instance('prod-1');

const BACKUP_ROW: Record<string, string> = {
  JobId: '10086', SnapshotName: 'snap_1', DbName: 'sales', State: 'UPLOADING', BackupObjs: '[default_cluster:sales.orders]',
  CreateTime: '2026-11-24 02:30:00', SnapshotFinishedTime: '2026-11-24 02:30:05', UploadFinishedTime: 'NULL', FinishedTime: 'NULL',
  UnfinishedTasks: '[12345=10001]', Progress: '[12345: 3/10]', TaskErrMsg: '', Status: '[OK]', Timeout: '86400',
};
const RESTORE_ROW: Record<string, string> = {
  JobId: '20086', Label: 'snap_1', Timestamp: '2026-11-24-02-30-05-123', DbName: 'sales', State: 'DOWNLOADING', AllowLoad: 'false',
  ReplicationNum: '3', RestoreObjs: '[]', CreateTime: '2026-11-24 03:00:00', MetaPreparedTime: 'NULL', SnapshotFinishedTime: 'NULL',
  DownloadFinishedTime: 'NULL', FinishedTime: 'NULL', UnfinishedTasks: '', Progress: '[1: 1/2]', TaskErrMsg: '', Status: '[OK]', Timeout: '86400',
};

/** What a cell may turn into. */
const badCell: fc.Arbitrary<string | null | 'DROP'> = fc.oneof(
  fc.constant<'DROP'>('DROP'),
  fc.constant(null),
  fc.constant(''),
  fc.constant('NULL'),
  fc.constantFrom('x'.repeat(100_000), '9'.repeat(400), '-1', 'NaN', '1e999', '0x10', 'true', '[', '{"a":1}', '2026-13-45 99:99:99', '\u0000', '🦄'.repeat(1000), 'FINISHED ', 'cancelled'),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
);

/** A result set from a template row: some cells broken, some columns dropped, 0-3 rows. */
function resultSets(template: Record<string, string>): fc.Arbitrary<{ columns: string[]; rows: (string | null)[][] }> {
  const names = Object.keys(template);
  return fc
    .tuple(fc.array(fc.tuple(fc.constantFrom(...names), badCell), { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 3 }), fc.array(fc.constantFrom('Extra', 'Mystery'), { maxLength: 2 }))
    .map(([changes, count, extra]) => {
      const row: Record<string, string | null> = { ...template };
      for (const [column, value] of changes) {
        if (value === 'DROP') delete row[column];
        else row[column] = value;
      }
      const columns = [...Object.keys(row), ...extra];
      const values = columns.map((c) => (c in row ? (row[c] ?? null) : 'surprise'));
      return { columns, rows: Array.from({ length: count }, () => values) };
    });
}

async function typedOrTyped<T>(call: () => Promise<T>, check: (value: T) => void): Promise<void> {
  let value: T;
  try {
    value = await call();
  } catch (err) {
    expect(err instanceof OutsideError || err instanceof UserError, `not a typed error: ${String(err)}`).toBe(true);
    const message = (err as Error).message;
    expect(message.length).toBeGreaterThan(0);
    expect(message.length, message.slice(0, 200)).toBeLessThanOrEqual(MAX_MESSAGE);
    return;
  }
  check(value);
}

const isDate = (d: unknown) => d instanceof Date && !Number.isNaN(d.getTime());

describe('forged result rows read by the StarRocks adapter', () => {
  it('SHOW BACKUP: a job with every field typed, nothing, or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(resultSets(BACKUP_ROW), async (rs) => {
        prod().faults.forgeAnswer(/^SHOW BACKUP/i, rs);
        await typedOrTyped(
          () => client.backupSlot('sales'),
          (job) => {
            if (job === null) return expect(rs.rows).toHaveLength(0);
            expect(typeof job.jobId).toBe('string');
            expect(['PENDING', 'SNAPSHOTING', 'UPLOAD_SNAPSHOT', 'UPLOADING', 'SAVE_META', 'UPLOAD_INFO', 'FINISHED', 'CANCELLED']).toContain(job.state);
            expect(isDate(job.createdAt)).toBe(true);
            for (const t of [job.finishedAt, job.snapshotFinishedAt, job.uploadFinishedAt]) expect(t === null || isDate(t)).toBe(true);
            expect(Number.isFinite(job.timeoutSeconds)).toBe(true);
          },
        );
      }),
      { numRuns: 80 },
    );
  });

  it('SHOW RESTORE: a job with every field typed, nothing, or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(resultSets(RESTORE_ROW), async (rs) => {
        prod().faults.forgeAnswer(/^SHOW RESTORE/i, rs);
        await typedOrTyped(
          () => client.findRestoreJob('sales', 'snap_1'),
          (job) => {
            if (job === null) return;
            expect(job.snapshotName).toBe('snap_1');
            expect(['PENDING', 'SNAPSHOTING', 'DOWNLOAD', 'DOWNLOADING', 'COMMIT', 'COMMITTING', 'FINISHED', 'CANCELLED']).toContain(job.state);
            expect(isDate(job.createdAt)).toBe(true);
            expect(job.finishedAt === null || isDate(job.finishedAt)).toBe(true);
          },
        );
      }),
      { numRuns: 80 },
    );
  });

  it('SHOW DATABASES: the inventory, or a typed error', async () => {
    const names = fc.array(fc.oneof(fc.constantFrom('sales', 'web', 'information_schema', '_statistics_', 'x'.repeat(100_000), 'a`b', "a'b", 'a;b', '', '🦄'), fc.string({ maxLength: 12 }), fc.constant(null)), { maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(names, fc.constantFrom('Database', 'Db', 'database'), async (dbs, column) => {
        prod().faults.forgeAnswer(/^SHOW DATABASES/i, { columns: [column], rows: dbs.map((d) => [d]) });
        await typedOrTyped(
          () => client.inventory(),
          (inventory) => {
            for (const db of inventory.databases) expect(dbs).toContain(db.name);
          },
        );
      }),
      { numRuns: 40 },
    );
  });

  it('SHOW GRANTS: a list of strings, or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(resultSets({ UserIdentity: "'root'@'%'", Catalog: 'default', Grants: 'GRANT OPERATE ON SYSTEM TO USER root' }), async (rs) => {
        prod().faults.forgeAnswer(/^SHOW GRANTS/i, rs);
        await typedOrTyped(
          () => client.privileges(),
          (grants) => {
            for (const g of grants) expect(typeof g).toBe('string');
          },
        );
      }),
      { numRuns: 40 },
    );
  });
});

describe('garbage SHOW BACKUP answers during a backup, behind the whole bot', () => {
  it('leave the store whole (it reopens) and the set finishes', async () => {
    const h = await startHarness({ sims: sims.description });
    let closed = false;
    try {
      prod().faults.hold('sales', 'UPLOADING');
      const id = await startBackup(h, 'prod-1');
      await waitFor(async () => (await h.store.backupSets.get(id))?.databases.find((d) => d.database === 'sales')?.jobState === 'UPLOADING', 'sales to upload');
      const garbage = fc.sample(resultSets(BACKUP_ROW).filter((rs) => rs.rows.length > 0), { numRuns: 12, seed: 7 });
      for (const rs of garbage) prod().faults.forgeAnswer(/^SHOW BACKUP FROM `sales`/i, { ...rs, rows: rs.rows.map((r) => r.map((v, i) => (rs.columns[i] === 'SnapshotName' && v === 'snap_1' ? null : v))) });
      await waitFor(() => prod().faults.armedForgeries === 0, 'every forged answer to be read');
      prod().faults.release('sales');
      const set = await endedSet(h, id);
      expect(set.state).toBe('FINISHED');
      expect(h.log.filter((r) => r.message === 'could not read the backup job; will look again').length).toBeGreaterThan(0);
      await h.close({ keepData: true });
      closed = true;
      const reopened = await openLowdbStore(h.dataDir);
      expect((await reopened.backupSets.get(id))?.state).toBe('FINISHED');
      await reopened.close();
    } finally {
      prod().faults.clear();
      if (!closed) await h.close();
    }
  });
});
