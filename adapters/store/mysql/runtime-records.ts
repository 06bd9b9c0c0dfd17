// The runtime ports (audit log, outbox, runner state) on MySQL. Outbox claims are one conditional
// UPDATE that marks the due, unclaimed rows with a token of this call, so two deliverers never get
// one item; a keyed message is one row per channel until delivered (a unique key), so progress
// coalesces also when replicas queue it at once; a remembered id is an upsert that only an expired
// row lets through.

import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ConflictError } from '../../../src/domain/errors';
import type { AuditEvent } from '../../../src/domain/types';
import type { Reply } from '../../../src/reply';
import { checkRunnerValue, isRunnerStateKey } from '../../../src/ports';
import type { AuditLog, DeliveredMessage, Outbox, OutboxItem, RunnerState } from '../../../src/ports';
import { DELIVERIES_KEPT_MS } from '../lowdb/rules';
import { auditEvent, checkRecord, delivery, outboxItem } from '../lowdb/schemas';
import type { SqlAccess } from './access';
import { bodyRow, insertAuditEvent, keyColumn, readRecord, sha256, upsertDelivery, upsertOutboxItem, upsertRunnerValue } from './rows';
import { duplicateKey, fromSqlTime, integer, jsonText, limitClause, sqlTime, sqlTimeText, Where } from './sql';

/** Expired rows (remembered ids, old deliveries) are pruned every this many writes of a handle. */
const PRUNE_EVERY = 200;

export function auditLog(access: SqlAccess): AuditLog {
  return {
    async append(event: AuditEvent) {
      const added = checkRecord(auditEvent, `audit event ${event.id}`, event) as AuditEvent;
      await access.write(async (db) => {
        try {
          await insertAuditEvent(db, added);
        } catch (err) {
          if (duplicateKey(err) === null) throw err;
          throw new ConflictError(`audit event ${added.id} already exists`);
        }
      });
    },
    async list(filter = {}) {
      const where = new Where();
      if (filter.instanceId !== undefined) where.add('instance_id = ?', filter.instanceId);
      const limit = limitClause(filter.limit);
      const rows = await access.read((db) =>
        db.rows(bodyRow.extend({ id: z.string() }), `SELECT id, body FROM audit_events${where.sql} ORDER BY at DESC, seq DESC${limit.sql}`, [...where.params, ...limit.params]),
      );
      return rows.map((r) => readRecord<AuditEvent>(auditEvent, `audit event ${r.id}`, r.body));
    },
  };
}

const outboxRow = z.object({
  id: z.string(),
  item: jsonText,
  reply: jsonText,
  attempts: integer,
  next_attempt_text: z.string(),
  last_error: z.string().nullable(),
  claimed_by: z.string().nullable(),
  claimed_until: sqlTimeText.nullable(),
});

function readItem(row: z.output<typeof outboxRow>): OutboxItem {
  const fixed = typeof row.item === 'object' && row.item !== null ? row.item : {};
  return readRecord<OutboxItem>(outboxItem, `notification ${row.id}`, {
    ...fixed,
    id: row.id,
    reply: row.reply,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_text,
    deliveredAt: null,
    lastError: row.last_error,
    claimedBy: row.claimed_by,
    claimedUntil: row.claimed_until === null ? null : fromSqlTime(row.claimed_until).toISOString(),
  });
}

const newItem = outboxItem.pick({ id: true, key: true, channel: true, reply: true, createdAt: true });
const deliveredMessages = delivery.shape.messages;

export function outbox(access: SqlAccess): Outbox {
  let writes = 0;
  return {
    async enqueue(item) {
      const checked = checkRecord(newItem, `notification ${item.id}`, item);
      const added: OutboxItem = {
        ...item,
        ...checked,
        reply: checked.reply as Reply,
        attempts: 0,
        nextAttemptAt: checked.createdAt,
        deliveredAt: null,
        lastError: null,
        claimedBy: null,
        claimedUntil: null,
      };
      await access.write(async (db) => {
        if ((await db.rows(z.object({ id: z.string() }), 'SELECT id FROM outbox WHERE id = ?', [added.id])).length) {
          throw new ConflictError(`outbox item ${added.id} already exists`);
        }
        await upsertOutboxItem(db, added);
      });
    },
    claimDue(now, claim) {
      const token = randomUUID();
      const at = sqlTime(now);
      const until = new Date(now.getTime() + claim.leaseMs);
      return access.write(async (db) => {
        const limit = limitClause(claim.limit);
        await db.run(
          `UPDATE outbox SET claimed_by = ?, claimed_until = ?, claim_token = ?
           WHERE next_attempt_at <= ? AND (claimed_by IS NULL OR claimed_by = ? OR claimed_until <= ?)
           ORDER BY created_at, seq${limit.sql}`,
          [claim.claimant, sqlTime(until), token, at, claim.claimant, at, ...limit.params],
        );
        const rows = await db.rows(
          outboxRow,
          'SELECT id, item, reply, attempts, next_attempt_text, last_error, claimed_by, claimed_until FROM outbox WHERE claim_token = ? ORDER BY created_at, seq',
          [token],
        );
        return rows.map(readItem);
      });
    },
    async markDelivered(id) {
      await access.write((db) => db.run('DELETE FROM outbox WHERE id = ?', [id]));
    },
    async markFailed(id, claimant, error, nextAttemptAt) {
      // A deliverer whose claim lapsed and was taken by another is ignored (see the port).
      await access.write((db) =>
        db.run(
          `UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, next_attempt_text = ?, claimed_by = NULL, claimed_until = NULL, claim_token = NULL
           WHERE id = ? AND (claimed_by IS NULL OR claimed_by = ?)`,
          [error.slice(0, 500), sqlTime(nextAttemptAt), nextAttemptAt.toISOString(), id, claimant],
        ),
      );
    },
    async depth() {
      const [row] = await access.read((db) => db.rows(z.object({ n: integer }), 'SELECT COUNT(*) AS n FROM outbox'));
      return row?.n ?? 0;
    },
    async getDelivery(key) {
      const [row] = await access.read((db) => db.rows(z.object({ messages: jsonText }), 'SELECT messages FROM deliveries WHERE key_hash = ?', [sha256(key)]));
      return row ? readRecord<DeliveredMessage[]>(deliveredMessages, `delivery ${key}`, row.messages) : [];
    },
    async setDelivery(key: string, messages: DeliveredMessage[]) {
      const at = new Date();
      const entry = checkRecord(delivery, `delivery ${key}`, { key, messages, at: at.toISOString() });
      await access.write(async (db) => {
        await upsertDelivery(db, entry);
        if (++writes % PRUNE_EVERY === 0) await db.run('DELETE FROM deliveries WHERE at < ? LIMIT 500', [sqlTime(new Date(at.getTime() - DELIVERIES_KEPT_MS))]);
      });
    },
  };
}

/** A key the bot does not know (a caller that cast its way past the types) is refused, not looked up. */
function knownKey(key: string): void {
  if (!isRunnerStateKey(key)) throw new Error(`runner state ${key}: no such value`);
}

export function runnerState(access: SqlAccess): RunnerState {
  let writes = 0;
  const valueRow = z.object({ value: jsonText });
  return {
    async get(key) {
      knownKey(key);
      const [row] = await access.read((db) => db.rows(valueRow, 'SELECT value FROM runner_state WHERE name = ?', [key]));
      return row ? checkRunnerValue(key, row.value) : null;
    },
    async set(key, value) {
      knownKey(key);
      const checked = checkRunnerValue(key, value);
      await access.write((db) => upsertRunnerValue(db, key, checked));
    },
    async setIfAbsent(key, value) {
      knownKey(key);
      const checked = checkRunnerValue(key, value);
      return access.write(async (db) => {
        await db.run('INSERT IGNORE INTO runner_state (name, value) VALUES (?, ?)', [key, JSON.stringify(checked)]);
        const [row] = await db.rows(valueRow, 'SELECT value FROM runner_state WHERE name = ?', [key]);
        return checkRunnerValue(key, row?.value);
      });
    },
    firstSeen(scope, id, at, ttlMs) {
      const now = sqlTime(at);
      const until = sqlTime(new Date(at.getTime() + ttlMs));
      return access.write(async (db) => {
        // Inserted (1) or an expired row renewed (2): the first time; an unexpired row is left as is (0).
        const changed = await db.run('INSERT INTO seen_ids (scope, id, expires_at) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE expires_at = IF(expires_at <= ?, ?, expires_at)', [
          keyColumn(scope),
          keyColumn(id),
          until,
          now,
          until,
        ]);
        if (++writes % PRUNE_EVERY === 0) await db.run('DELETE FROM seen_ids WHERE expires_at <= ? LIMIT 1000', [now]);
        return changed > 0;
      });
    },
    async forget(scope, id) {
      await access.write((db) => db.run('DELETE FROM seen_ids WHERE scope = ? AND id = ?', [keyColumn(scope), keyColumn(id)]));
    },
  };
}
