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
 * The expiry times (ms) of a list of remembered ids, by position, parsed once per list: one is
 * checked per chat request, and parsing thousands of dates each time cost the bot more than
 * the rest of a command's work. The lists are never changed in place, so a list is its key.
 */
const expiries = new WeakMap<SeenIds, number[]>();
function expiryTimes(seen: SeenIds): number[] {
  let times = expiries.get(seen);
  if (times === undefined) {
    times = seen.map((s) => Date.parse(s.expiresAt));
    expiries.set(seen, times);
  }
  return times;
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
        const times = expiryTimes(d.seen);
        let live = d.seen;
        let liveTimes = times;
        if (times.some((t) => !(t > now))) {
          live = d.seen.filter((_, i) => (times[i] ?? Number.NaN) > now);
          liveTimes = times.filter((t) => t > now);
          expiries.set(live, liveTimes);
        }
        if (live.some((s) => s.scope === scope && s.id === id)) return { doc: live === d.seen ? d : { ...d, seen: live }, result: false };
        const expiresAt = now + ttlMs;
        const seen = [...live, { scope, id, expiresAt: new Date(expiresAt).toISOString() }].slice(-SEEN_KEPT);
        expiries.set(seen, [...liveTimes, expiresAt].slice(-SEEN_KEPT));
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
