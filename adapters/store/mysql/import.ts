// Moves a whole store's content into the MySQL store in one transaction (the migration from the
// embedded store). Every record is checked with the schema reads use; a target that holds records
// is refused unless told to replace them, and a target a replica is leading on is always refused.

import { z } from 'zod';
import type { AuditEvent, BackupSet, RestoreRequest, StoredSettings, Task } from '../../../src/domain/types';
import { checkRunnerValue, isRunnerStateKey, type OutboxItem } from '../../../src/ports';
import { auditEvent, backupSet, checkRecord, delivery, outboxItem, restoreRequest, storedSettings, task } from '../lowdb/schemas';
import { connectMysql } from './database';
import { RECORD_TABLES } from './migrations';
import { insertAuditEvent, insertBackupSet, insertRestore, insertSettings, keyColumn, upsertDelivery, upsertOutboxItem, upsertRunnerValue, upsertTask } from './rows';
import { integer, sqlTime, type Sql } from './sql';
import type { MysqlTarget } from './target';

/** What a store holds (the lowdb document's lists). */
export interface StoreContent {
  leaderEpoch: number;
  settings: StoredSettings[];
  backupSets: BackupSet[];
  restoreRequests: RestoreRequest[];
  tasks: Task[];
  audit: AuditEvent[];
  outbox: OutboxItem[];
  deliveries: { key: string; messages: unknown; at: string }[];
  runnerState: { name: string; value: unknown }[];
  seen: { scope: string; id: string; expiresAt: string }[];
}

export type ImportCounts = Record<'settings' | 'backupSets' | 'restoreRequests' | 'tasks' | 'audit' | 'outbox' | 'deliveries' | 'runnerState' | 'seen', number>;

const TABLE_WORDS: Record<(typeof RECORD_TABLES)[number], string> = {
  settings: 'instance settings',
  backup_sets: 'backup sets',
  restore_requests: 'restore requests',
  tasks: 'tasks',
  audit_events: 'audit events',
  outbox: 'undelivered notifications',
  deliveries: 'delivered progress messages',
  runner_state: 'runner values',
  seen_ids: 'remembered chat request ids',
};

/** The target holds records and was not told to replace them; nothing was changed. */
export class TargetNotEmptyError extends Error {
  override readonly name = 'TargetNotEmptyError';
  constructor(readonly held: Partial<Record<(typeof RECORD_TABLES)[number], number>>) {
    super(`the target already holds ${Object.entries(held).map(([table, n]) => `${n} ${TABLE_WORDS[table as keyof typeof TABLE_WORDS]}`).join(', ')}; nothing was changed.`);
  }
}

const count = z.object({ n: integer });
const lease = z.object({ holder: z.string().nullable(), live: integer.nullable() });

async function heldRecords(db: Sql): Promise<Partial<Record<(typeof RECORD_TABLES)[number], number>>> {
  const held: Partial<Record<(typeof RECORD_TABLES)[number], number>> = {};
  for (const table of RECORD_TABLES) {
    const [row] = await db.rows(count, `SELECT COUNT(*) AS n FROM ${table}`);
    if (row && row.n > 0) held[table] = row.n;
  }
  return held;
}

async function writeAll(db: Sql, content: StoreContent, now: Date): Promise<ImportCounts> {
  for (const s of content.settings) await insertSettings(db, checkRecord(storedSettings, `the settings of ${s.instanceId}`, s) as StoredSettings);
  for (const s of content.backupSets) await insertBackupSet(db, checkRecord(backupSet, `backup set ${s.id}`, s) as BackupSet);
  for (const r of content.restoreRequests) await insertRestore(db, checkRecord(restoreRequest, `restore ${r.id}`, r) as RestoreRequest);
  for (const t of content.tasks) await upsertTask(db, checkRecord(task, `task ${t.id}`, t) as Task);
  for (const e of content.audit) await insertAuditEvent(db, checkRecord(auditEvent, `audit event ${e.id}`, e) as AuditEvent);
  // Claims belonged to the process that delivered before: the new leader may take the items at once.
  for (const o of content.outbox) {
    if (o.deliveredAt !== null) continue;
    await upsertOutboxItem(db, { ...(checkRecord(outboxItem, `notification ${o.id}`, o) as OutboxItem), claimedBy: null, claimedUntil: null });
  }
  for (const d of content.deliveries) await upsertDelivery(db, checkRecord(delivery, `delivery ${d.key}`, d));
  const known = content.runnerState.filter((v) => isRunnerStateKey(v.name));
  for (const v of known) if (isRunnerStateKey(v.name)) await upsertRunnerValue(db, v.name, checkRunnerValue(v.name, v.value));
  const live = content.seen.filter((s) => Date.parse(s.expiresAt) > now.getTime());
  for (const s of live) await db.run('INSERT IGNORE INTO seen_ids (scope, id, expires_at) VALUES (?, ?, ?)', [keyColumn(s.scope), keyColumn(s.id), sqlTime(s.expiresAt)]);
  // Epochs go on from the embedded store's, so a term number is never used twice.
  await db.run("UPDATE leader_lease SET epoch = GREATEST(epoch, ?) WHERE name = 'leader'", [content.leaderEpoch]);
  return {
    settings: content.settings.length,
    backupSets: content.backupSets.length,
    restoreRequests: content.restoreRequests.length,
    tasks: content.tasks.length,
    audit: content.audit.length,
    outbox: content.outbox.filter((o) => o.deliveredAt === null).length,
    deliveries: content.deliveries.length,
    runnerState: known.length,
    seen: live.length,
  };
}

/**
 * Writes `content` into the database of `target` (migrating its schema first), in one transaction.
 * Refuses a target that holds records unless `replace` (then they are deleted first), and always
 * refuses while a replica holds the leader lease.
 */
export async function importIntoMysql(target: MysqlTarget, content: StoreContent, options: { replace: boolean; now?: Date }): Promise<ImportCounts> {
  const database = await connectMysql(target);
  try {
    return await database.access.transaction(async (db) => {
      const [row] = await db.rows(lease, "SELECT holder, expires_at > UTC_TIMESTAMP(3) AS live FROM leader_lease WHERE name = 'leader' FOR UPDATE");
      if (row?.holder && row.live === 1) {
        throw new Error(`a bot replica (${row.holder}) leads on this database now; stop every replica before migrating into it`);
      }
      const held = await heldRecords(db);
      if (Object.keys(held).length > 0) {
        if (!options.replace) throw new TargetNotEmptyError(held);
        for (const table of RECORD_TABLES) await db.run(`DELETE FROM ${table}`);
      }
      return writeAll(db, content, options.now ?? new Date());
    }, false);
  } finally {
    await database.pool.end().catch(() => undefined);
  }
}
