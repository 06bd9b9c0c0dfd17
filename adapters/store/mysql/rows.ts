// Records as rows: the whole record as JSON in `body` (checked with the schemas the lowdb store
// uses, so both stores accept and refuse exactly the same records), plus the columns the queries
// and the unique keys need. The importer (lowdb → MySQL) writes rows through the same functions.

import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AuditEvent, BackupSet, RestoreRequest, StoredSettings, Task } from '../../../src/domain/types';
import type { OutboxItem } from '../../../src/ports';
import { jsonText, sqlTime, type Sql } from './sql';

export const bodyRow = z.object({ body: jsonText });

/** A record read back: checked with its schema, or an Error naming it (never a half-read record). */
export function readRecord<T>(schema: z.ZodType, what: string, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data as T;
  const issue = parsed.error.issues[0];
  throw new Error(`the store holds ${what} the bot cannot read: ${issue?.path.join('.') || '(record)'}: ${issue?.message ?? 'invalid'}`);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Long ids (a chat platform's, a hashed request) keep a fixed size in a key column. */
export function keyColumn(text: string): string {
  return text.length <= 160 ? text : `sha256:${sha256(text)}`;
}

/** The key that makes an undelivered keyed message one per channel. */
export function pendingKey(item: Pick<OutboxItem, 'key' | 'channel'>): string | null {
  return item.key === null ? null : sha256(`${item.channel.platform}\n${item.channel.channelId}\n${item.key}`);
}

export async function insertSettings(db: Sql, s: StoredSettings): Promise<void> {
  await db.run('INSERT INTO settings (instance_id, version, body) VALUES (?, ?, ?)', [s.instanceId, s.version, JSON.stringify(s)]);
}

export function backupSetColumns(set: BackupSet): unknown[] {
  return [set.instanceId, set.state, set.trigger, set.scheduledDay, sqlTime(set.startedAt), JSON.stringify(set)];
}

export async function insertBackupSet(db: Sql, set: BackupSet): Promise<void> {
  await db.run('INSERT INTO backup_sets (id, instance_id, state, trigger_kind, scheduled_day, started_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)', [set.id, ...backupSetColumns(set)]);
}

export function restoreColumns(r: RestoreRequest): unknown[] {
  return [r.backupSetId, r.sourceInstanceId, r.targetInstanceId, r.state, sqlTime(r.requestedAt), JSON.stringify(r)];
}

export async function insertRestore(db: Sql, r: RestoreRequest): Promise<void> {
  await db.run(
    'INSERT INTO restore_requests (id, backup_set_id, source_instance_id, target_instance_id, state, requested_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [r.id, ...restoreColumns(r)],
  );
}

export async function upsertTask(db: Sql, t: Task): Promise<void> {
  const columns = [t.instanceId, t.state, sqlTime(t.startedAt), JSON.stringify(t)];
  await db.run('INSERT INTO tasks (id, instance_id, state, started_at, body) VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE instance_id = ?, state = ?, started_at = ?, body = ?', [t.id, ...columns, ...columns]);
}

export async function insertAuditEvent(db: Sql, e: AuditEvent): Promise<void> {
  await db.run('INSERT INTO audit_events (id, at, instance_id, body) VALUES (?, ?, ?, ?)', [e.id, sqlTime(e.at), e.instanceId, JSON.stringify(e)]);
}

/** The parts of an item that never change once queued (its id and reply change when it coalesces). */
function itemPart(item: OutboxItem): string {
  const { id: _id, reply: _reply, attempts: _a, nextAttemptAt: _n, deliveredAt: _d, lastError: _l, claimedBy: _c, claimedUntil: _u, ...rest } = item;
  return JSON.stringify(rest);
}

/** Queues an item; an undelivered one with its key and channel takes its id and reply instead. */
export async function upsertOutboxItem(db: Sql, item: OutboxItem): Promise<void> {
  const reply = JSON.stringify(item.reply);
  await db.run(
    `INSERT INTO outbox (id, pending_key, item, reply, created_at, attempts, next_attempt_at, next_attempt_text, last_error, claimed_by, claimed_until)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE id = ?, reply = ?`,
    [
      item.id,
      pendingKey(item),
      itemPart(item),
      reply,
      sqlTime(item.createdAt),
      item.attempts,
      sqlTime(item.nextAttemptAt),
      item.nextAttemptAt,
      item.lastError,
      item.claimedBy,
      item.claimedUntil === null ? null : sqlTime(item.claimedUntil),
      item.id,
      reply,
    ],
  );
}

export async function upsertDelivery(db: Sql, entry: { key: string; messages: unknown; at: string }): Promise<void> {
  const messages = JSON.stringify(entry.messages);
  const at = sqlTime(entry.at);
  await db.run('INSERT INTO deliveries (key_hash, msg_key, messages, at) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE messages = ?, at = ?', [sha256(entry.key), entry.key, messages, at, messages, at]);
}

export async function upsertRunnerValue(db: Sql, name: string, value: unknown): Promise<void> {
  const text = JSON.stringify(value);
  await db.run('INSERT INTO runner_state (name, value) VALUES (?, ?) ON DUPLICATE KEY UPDATE value = ?', [name, text, text]);
}
