// The runtime ports (audit log, outbox, runner state, leadership) on the shared document.

import { ConflictError } from '../../../src/domain/errors';
import type { AuditEvent } from '../../../src/domain/types';
import { checkRunnerValue, isRunnerStateKey } from '../../../src/ports';
import type { AuditLog, DeliveredMessage, Leadership, Outbox, RunnerState } from '../../../src/ports';
import { AUDIT_KEPT_IN_DOCUMENT, type StoreDocument } from './document';
import { DELIVERIES_KEPT_MS, claimDueIn, enqueueIn, markDeliveredIn, markFailedIn, newestFirst } from './rules';
import { auditEvent, checkRecord, delivery, outboxItem } from './schemas';
import { copy, type DocumentAccess, type SharedDocument } from './shared-document';

/** Remembered ids (chat requests, messages) are pruned once expired; at most this many are kept. */
const SEEN_KEPT = 20_000;

type SeenIds = StoreDocument['seen'];

/**
 * What is known of one list of remembered ids: their expiry times (ms) by position, the
 * earliest, and how often each id is in it. One id is checked per chat request; scanning and
 * parsing thousands of entries each time cost the bot more than the rest of a command's work.
 * Lists are never changed in place, so a list is known by its identity.
 */
interface SeenIndex {
  list: SeenIds;
  times: number[];
  /** The earliest expiry; -Infinity when a time could not be read (the next check prunes it). */
  earliest: number;
  ids: Map<string, number>;
}

const seenKey = (scope: string, id: string): string => `${scope.length}:${scope}${id}`;

function indexOf(list: SeenIds): SeenIndex {
  const times = list.map((s) => Date.parse(s.expiresAt));
  let earliest = Infinity;
  for (const t of times) earliest = Number.isNaN(t) ? -Infinity : Math.min(earliest, t);
  const ids = new Map<string, number>();
  for (const s of list) ids.set(seenKey(s.scope, s.id), (ids.get(seenKey(s.scope, s.id)) ?? 0) + 1);
  return { list, times, earliest, ids };
}

export function auditLog(doc: DocumentAccess): AuditLog {
  return {
    async append(event: AuditEvent) {
      const added = copy(checkRecord(auditEvent, `audit event ${event.id}`, event)) as AuditEvent;
      await doc.write(
        (d) => {
          if (d.audit.some((a) => a.id === added.id)) throw new ConflictError(`audit event ${added.id} already exists`);
          return { doc: { ...d, audit: [...d.audit, added].slice(-AUDIT_KEPT_IN_DOCUMENT) }, result: undefined };
        },
        () => doc.appendAudit(added),
      );
    },
    list(filter = {}) {
      return doc.read((d) => {
        const events = newestFirst(d.audit.filter((a) => filter.instanceId === undefined || a.instanceId === filter.instanceId), (a) => a.at);
        return filter.limit === undefined ? events : events.slice(0, Math.max(0, filter.limit));
      });
    },
  };
}

export function outbox(doc: DocumentAccess): Outbox {
  return {
    async enqueue(item) {
      const checked = checkRecord(outboxItem.pick({ id: true, key: true, channel: true, reply: true, createdAt: true }), `notification ${item.id}`, item);
      const added = copy({ ...item, ...checked });
      await doc.write((d) => ({ doc: enqueueIn(d, added), result: undefined }));
    },
    claimDue(now, claim) {
      return doc.write((d) => claimDueIn(d, now, claim.claimant, claim.leaseMs, claim.limit));
    },
    async markDelivered(id) {
      await doc.write((d) => ({ doc: markDeliveredIn(d, id), result: undefined }));
    },
    async markFailed(id, claimant, error, nextAttemptAt) {
      await doc.write((d) => ({ doc: markFailedIn(d, id, claimant, error.slice(0, 500), nextAttemptAt), result: undefined }));
    },
    depth: () => doc.read((d) => d.outbox.filter((o) => o.deliveredAt === null).length),
    getDelivery: (key) => doc.read((d) => d.deliveries.find((x) => x.key === key)?.messages ?? []),
    async setDelivery(key: string, messages: DeliveredMessage[]) {
      const at = new Date();
      const entry = checkRecord(delivery, `delivery ${key}`, { key, messages: copy(messages), at: at.toISOString() });
      const cutoff = at.getTime() - DELIVERIES_KEPT_MS;
      await doc.write((d) => ({
        doc: { ...d, deliveries: [...d.deliveries.filter((x) => x.key !== key && Date.parse(x.at) >= cutoff), entry] },
        result: undefined,
      }));
    },
  };
}

/** A key the bot does not know (a caller that cast its way past the types) is refused, not looked up. */
function knownKey(key: string): void {
  if (!isRunnerStateKey(key)) throw new Error(`runner state ${key}: no such value`);
}

export function runnerState(doc: DocumentAccess): RunnerState {
  /** The index of the last list of remembered ids this handle checked or made. */
  let known: SeenIndex | null = null;
  return {
    async get(key) {
      knownKey(key);
      return doc.read((d) => {
        const found = d.runnerState.find((v) => v.name === key);
        return found === undefined ? null : checkRunnerValue(key, found.value);
      });
    },
    async set(key, value) {
      knownKey(key);
      const checked = checkRunnerValue(key, value);
      await doc.write((d) => ({ doc: { ...d, runnerState: [...d.runnerState.filter((v) => v.name !== key), { name: key, value: copy(checked) }] }, result: undefined }));
    },
    async setIfAbsent(key, value) {
      knownKey(key);
      const checked = checkRunnerValue(key, value);
      return doc.write((d) => {
        const found = d.runnerState.find((v) => v.name === key);
        if (found !== undefined) return { doc: d, result: checkRunnerValue(key, found.value) };
        return { doc: { ...d, runnerState: [...d.runnerState, { name: key, value: copy(checked) }] }, result: checked };
      });
    },
    firstSeen(scope, id, at, ttlMs) {
      return doc.write((d) => {
        const now = at.getTime();
        let index = known !== null && known.list === d.seen ? known : indexOf(d.seen);
        let live = d.seen;
        if (!(index.earliest > now)) {
          const times = index.times;
          live = d.seen.filter((_, i) => (times[i] ?? Number.NaN) > now);
          index = indexOf(live);
        }
        known = index;
        const key = seenKey(scope, id);
        if (index.ids.has(key)) return { doc: live === d.seen ? d : { ...d, seen: live }, result: false };
        const expiresAt = now + ttlMs;
        const seen = [...live, { scope, id, expiresAt: new Date(expiresAt).toISOString() }];
        // The index moves on to the new list (the old one, if it comes back after a failed
        // save, is indexed again from scratch).
        const { times, ids } = index;
        times.push(expiresAt);
        ids.set(key, 1);
        const over = seen.length - SEEN_KEPT;
        for (const dropped of over > 0 ? seen.slice(0, over) : []) {
          const k = seenKey(dropped.scope, dropped.id);
          const n = (ids.get(k) ?? 1) - 1;
          if (n > 0) ids.set(k, n);
          else ids.delete(k);
        }
        if (over > 0) {
          seen.splice(0, over);
          times.splice(0, over);
        }
        // Still a lower bound after the oldest were dropped: at worst the next check prunes nothing.
        known = { list: seen, times, earliest: Math.min(index.earliest, expiresAt), ids };
        return { doc: { ...d, seen }, result: true };
      });
    },
    async forget(scope, id) {
      await doc.write((d) => {
        const seen = d.seen.filter((s) => !(s.scope === scope && s.id === id));
        return { doc: seen.length === d.seen.length ? d : { ...d, seen }, result: undefined };
      });
    },
  };
}

/** With the embedded store, the lock file is leadership: held from open to close. */
export function lockFileLeadership(doc: SharedDocument): Leadership {
  const acquiredAt = doc.openedAt;
  return {
    description: `lock file ${doc.lock.path}`,
    renewEveryMs: null,
    acquire: async () => ({ holder: doc.lock.holder, epoch: doc.epoch, acquiredAt, expiresAt: null }),
    current: async () => ({ holder: doc.lock.holder, epoch: doc.epoch, acquiredAt, expiresAt: null }),
    release: async () => undefined,
  };
}
