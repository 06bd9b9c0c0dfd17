// The record ports (settings, backup sets, restores, tasks) on MySQL. Every write is checked with
// the schema reads use, then left to the database's rules: a conditional UPDATE for settings
// versions, unique keys for the once-a-day rule and one running backup per instance, a row lock
// (SELECT ... FOR UPDATE) for read-modify-write updates such as a restore decision.

import { z } from 'zod';
import { holdsItsDay } from '../../../src/domain/backup-set';
import { BackupRunningError, ConflictError, DayTakenError, NotFoundError, StaleUpdateError } from '../../../src/domain/errors';
import type { BackupSet, RestoreRequest, StoredSettings, Task } from '../../../src/domain/types';
import type { BackupSetRecords, RestoreRecords, SettingsRecords, TaskRecords } from '../../../src/ports';
import { backupSet, checkRecord, restoreRequest, storedSettings, task } from '../lowdb/schemas';
import type { SqlAccess } from './access';
import { backupSetColumns, bodyRow, insertBackupSet, insertRestore, insertSettings, readRecord, restoreColumns, upsertTask } from './rows';
import { duplicateKey, limitClause, Where, type Sql } from './sql';

const idBody = bodyRow.extend({ id: z.string() });

/** Rows of a table with instance_id, state and started_at columns, newest first, by the ports' filter. */
async function listNewestFirst<T>(
  access: SqlAccess,
  table: 'backup_sets' | 'tasks',
  filter: { instanceId?: string; states?: readonly string[]; limit?: number },
  read: (body: unknown, id: string) => T,
): Promise<T[]> {
  if (filter.states?.length === 0) return [];
  const where = new Where();
  if (filter.instanceId !== undefined) where.add('instance_id = ?', filter.instanceId);
  if (filter.states !== undefined) where.add('state IN (?)', [...filter.states]);
  const limit = limitClause(filter.limit);
  const sql = `SELECT id, body FROM ${table}${where.sql} ORDER BY started_at DESC, seq DESC${limit.sql}`;
  const rows = await access.read((db) => db.rows(idBody, sql, [...where.params, ...limit.params]));
  return rows.map((r) => read(r.body, r.id));
}

function staleSettings(next: StoredSettings, stored: StoredSettings | null): StaleUpdateError<StoredSettings | null> {
  const message = stored
    ? `the settings of ${next.instanceId} were changed by ${stored.updatedBy ?? 'someone'} at ${stored.updatedAt ?? 'an unknown time'} ` +
      `(version ${stored.version}) since you opened them; look at the current values and try again`
    : `the settings of ${next.instanceId} have never been saved, so the first save is version 1, not ${next.version}`;
  return new StaleUpdateError<StoredSettings | null>(message, stored);
}

export function settingsRecords(access: SqlAccess): SettingsRecords {
  const read = async (db: Sql, instanceId: string): Promise<StoredSettings | null> => {
    const [row] = await db.rows(bodyRow, 'SELECT body FROM settings WHERE instance_id = ?', [instanceId]);
    return row ? readRecord<StoredSettings>(storedSettings, `the settings of ${instanceId}`, row.body) : null;
  };
  return {
    get: (instanceId) => access.read((db) => read(db, instanceId)),
    save(next) {
      const saved = checkRecord(storedSettings, `the settings of ${next.instanceId}`, next) as StoredSettings;
      return access.write(async (db) => {
        if (saved.version === 1) {
          try {
            await insertSettings(db, saved);
            return saved;
          } catch (err) {
            if (duplicateKey(err) === null) throw err;
          }
        } else if (saved.version > 1) {
          const changed = await db.run('UPDATE settings SET version = ?, body = ? WHERE instance_id = ? AND version = ?', [saved.version, JSON.stringify(saved), saved.instanceId, saved.version - 1]);
          if (changed === 1) return saved;
        }
        throw staleSettings(saved, await read(db, saved.instanceId));
      });
    },
    async list() {
      const rows = await access.read((db) => db.rows(bodyRow, 'SELECT body FROM settings'));
      return rows
        .map((r) => readRecord<StoredSettings>(storedSettings, 'settings', r.body))
        .sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
    },
  };
}

const idState = z.object({ id: z.string(), state: z.string() });

/** Which rule refused `set` (in the lowdb order: duplicate id, the day, the running backup); null if none now. */
async function refusal(db: Sql, set: BackupSet, isNew: boolean): Promise<Error | null> {
  if (isNew && (await db.rows(idState, 'SELECT id, state FROM backup_sets WHERE id = ?', [set.id])).length) {
    return new ConflictError(`backup set ${set.id} already exists`);
  }
  if (holdsItsDay(set)) {
    const [holder] = await db.rows(
      idState,
      "SELECT id, state FROM backup_sets WHERE instance_id = ? AND trigger_kind = 'scheduled' AND scheduled_day = ? AND state <> 'FAILED' AND id <> ?",
      [set.instanceId, set.scheduledDay, set.id],
    );
    if (holder) return new DayTakenError(`${set.instanceId} already has a scheduled backup for ${set.scheduledDay}: ${holder.id} (${holder.state})`, holder.id);
  }
  if (set.state === 'RUNNING') {
    const [running] = await db.rows(idState, "SELECT id, state FROM backup_sets WHERE instance_id = ? AND state = 'RUNNING' AND id <> ?", [set.instanceId, set.id]);
    if (running) return new BackupRunningError(`a backup of ${set.instanceId} is already running: ${running.id}`, running.id);
  }
  return null;
}

/** Runs a write the unique keys may refuse; a refusal is named by the rule it broke. */
async function underRules(db: Sql, set: BackupSet, isNew: boolean, write: () => Promise<unknown>): Promise<void> {
  if (set.trigger === 'scheduled' && set.scheduledDay === null) throw new Error(`scheduled backup set ${set.id} has no scheduledDay`);
  for (let attempt = 0; ; attempt++) {
    try {
      await write();
      return;
    } catch (err) {
      if (duplicateKey(err) === null) throw err;
      const why = await refusal(db, set, isNew);
      if (why) throw why;
      // The holder ended between the refusal and the look: try once more, then give up clearly.
      if (attempt >= 2) throw new ConflictError(`backup set ${set.id} could not be saved: another set of ${set.instanceId} was changing at the same time; try again`);
    }
  }
}

const readSet = (body: unknown, id: string) => readRecord<BackupSet>(backupSet, `backup set ${id}`, body);

export function backupSetRecords(access: SqlAccess): BackupSetRecords {
  return {
    async create(set) {
      const added = checkRecord(backupSet, `backup set ${set.id}`, set) as BackupSet;
      await access.write((db) => underRules(db, added, true, () => insertBackupSet(db, added)));
    },
    get: (id) =>
      access.read(async (db) => {
        const [row] = await db.rows(bodyRow, 'SELECT body FROM backup_sets WHERE id = ?', [id]);
        return row ? readSet(row.body, id) : null;
      }),
    update(id, mutate) {
      return access.write(async (db) => {
        const [row] = await db.rows(bodyRow, 'SELECT body FROM backup_sets WHERE id = ? FOR UPDATE', [id]);
        if (!row) throw new NotFoundError(`no backup set ${id}`);
        const current = readSet(row.body, id);
        const next = checkRecord(backupSet, `backup set ${id}`, mutate(structuredClone(current))) as BackupSet;
        if (next.id !== current.id || next.instanceId !== current.instanceId) {
          throw new Error(`an update of backup set ${current.id} may not change its id or instance`);
        }
        const [, ...columns] = backupSetColumns(next);
        await underRules(db, next, false, () =>
          db.run('UPDATE backup_sets SET state = ?, trigger_kind = ?, scheduled_day = ?, started_at = ?, body = ? WHERE id = ?', [...columns, id]),
        );
        return next;
      });
    },
    list: (filter = {}) => listNewestFirst(access, 'backup_sets', filter, readSet),
  };
}

const readRestore = (body: unknown, id: string) => readRecord<RestoreRequest>(restoreRequest, `restore ${id}`, body);

export function restoreRecords(access: SqlAccess): RestoreRecords {
  return {
    async create(request) {
      const added = checkRecord(restoreRequest, `restore ${request.id}`, request) as RestoreRequest;
      await access.write(async (db) => {
        try {
          await insertRestore(db, added);
        } catch (err) {
          if (duplicateKey(err) === null) throw err;
          throw new ConflictError(`restore ${added.id} already exists`);
        }
      });
    },
    get: (id) =>
      access.read(async (db) => {
        const [row] = await db.rows(bodyRow, 'SELECT body FROM restore_requests WHERE id = ?', [id]);
        return row ? readRestore(row.body, id) : null;
      }),
    update(id, mutate) {
      // The row lock makes a decision (approve, reject, withdraw) see the latest state: two
      // approvers racing are one after the other, and the second sees the first's decision.
      return access.write(async (db) => {
        const [row] = await db.rows(bodyRow, 'SELECT body FROM restore_requests WHERE id = ? FOR UPDATE', [id]);
        if (!row) throw new NotFoundError(`no restore ${id}`);
        const next = checkRecord(restoreRequest, `restore ${id}`, mutate(readRestore(row.body, id))) as RestoreRequest;
        if (next.id !== id) throw new Error(`an update of restore ${id} may not change its id`);
        await db.run('UPDATE restore_requests SET backup_set_id = ?, source_instance_id = ?, target_instance_id = ?, state = ?, requested_at = ?, body = ? WHERE id = ?', [...restoreColumns(next), id]);
        return next;
      });
    },
    async list(filter = {}) {
      if (filter.states?.length === 0) return [];
      const where = new Where();
      if (filter.instanceId !== undefined) where.add('(source_instance_id = ? OR target_instance_id = ?)', filter.instanceId, filter.instanceId);
      if (filter.backupSetId !== undefined) where.add('backup_set_id = ?', filter.backupSetId);
      if (filter.states !== undefined) where.add('state IN (?)', [...filter.states]);
      const sql = `SELECT id, body FROM restore_requests${where.sql} ORDER BY requested_at DESC, seq DESC`;
      const rows = await access.read((db) => db.rows(idBody, sql, where.params));
      return rows.map((r) => readRestore(r.body, r.id));
    },
  };
}

export function taskRecords(access: SqlAccess): TaskRecords {
  const readTask = (body: unknown, id: string) => readRecord<Task>(task, `task ${id}`, body);
  return {
    async upsert(next) {
      const saved = checkRecord(task, `task ${next.id}`, next) as Task;
      await access.write((db) => upsertTask(db, saved));
    },
    get: (id) =>
      access.read(async (db) => {
        const [row] = await db.rows(bodyRow, 'SELECT body FROM tasks WHERE id = ?', [id]);
        return row ? readTask(row.body, id) : null;
      }),
    list: (filter = {}) => listNewestFirst(access, 'tasks', filter, readTask),
  };
}
