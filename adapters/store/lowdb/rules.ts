// The Store's rules on plain data, shared by the lowdb operations: each takes the current
// document and returns the next one (never changing the one it was given), or throws.

import { holdsData, holdsItsDay } from '../../../src/domain/backup-set';
import { BackupRunningError, ConflictError, DayTakenError, StaleUpdateError } from '../../../src/domain/errors';
import type { BackupSet, StoredSettings } from '../../../src/domain/types';
import type { NewOutboxItem, OutboxItem } from '../../../src/ports';
import type { StoreDocument } from './document';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Where keyed messages were delivered is kept this long (progress edits happen while work runs). */
export const DELIVERIES_KEPT_MS = 30 * DAY_MS;
/** Finished operation tasks are kept this long (a backup set keeps its own whole story). */
export const TASKS_KEPT_MS = 30 * DAY_MS;
/** Backup sets that ended (FAILED, EXPIRED, DELETED) stay in the document this long, then go to the archive. */
export const ENDED_SETS_KEPT_MS = 90 * DAY_MS;
/** Ended restore requests (decided, withdrawn, expired, finished, failed) are kept this long. */
export const ENDED_RESTORES_KEPT_MS = 90 * DAY_MS;

/**
 * Forgets tasks that finished more than TASKS_KEPT_MS before `now`, except the task of a backup
 * set still running or holding data (its task stays with it, however old).
 */
export function pruneTasksIn(doc: StoreDocument, now: number): StoreDocument {
  const cutoff = now - TASKS_KEPT_MS;
  const live = new Set(doc.backupSets.filter(holdsData).map((s) => s.id));
  const tasks = doc.tasks.filter((t) => t.state === 'RUNNING' || t.finishedAt === null || Date.parse(t.finishedAt) >= cutoff || live.has(t.subject));
  return tasks.length === doc.tasks.length ? doc : { ...doc, tasks };
}

/**
 * Splits off the sets that ended more than ENDED_SETS_KEPT_MS before `now` (failed, or expired
 * or deleted with their data gone): they hold nothing on OSS and no day of the schedule, so
 * they leave the document for the archive file.
 */
export function archiveEndedSetsIn(doc: StoreDocument, now: number): { doc: StoreDocument; archived: BackupSet[] } {
  const cutoff = now - ENDED_SETS_KEPT_MS;
  const old = (s: BackupSet) =>
    (s.state === 'FAILED' || s.state === 'EXPIRED' || s.state === 'DELETED') && Date.parse(s.deletedAt ?? s.finishedAt ?? s.startedAt) < cutoff;
  const archived = doc.backupSets.filter(old);
  return archived.length === 0 ? { doc, archived } : { doc: { ...doc, backupSets: doc.backupSets.filter((s) => !old(s)) }, archived };
}

const ENDED_RESTORE = new Set(['REJECTED', 'WITHDRAWN', 'APPROVAL_EXPIRED', 'FINISHED', 'FAILED']);

/** Forgets restore requests that ended more than ENDED_RESTORES_KEPT_MS before `now`. */
export function pruneRestoresIn(doc: StoreDocument, now: number): StoreDocument {
  const cutoff = now - ENDED_RESTORES_KEPT_MS;
  const ended = (r: StoreDocument['restoreRequests'][number]) => Date.parse(r.finishedAt ?? r.decidedAt ?? r.approvalExpiresAt);
  const restoreRequests = doc.restoreRequests.filter((r) => !ENDED_RESTORE.has(r.state) || ended(r) >= cutoff);
  return restoreRequests.length === doc.restoreRequests.length ? doc : { ...doc, restoreRequests };
}

export function saveSettingsIn(doc: StoreDocument, next: StoredSettings): StoreDocument {
  const stored = doc.settings.find((s) => s.instanceId === next.instanceId) ?? null;
  const expected = (stored?.version ?? 0) + 1;
  if (next.version !== expected) {
    const message = stored
      ? `the settings of ${next.instanceId} were changed by ${stored.updatedBy ?? 'someone'} at ${stored.updatedAt ?? 'an unknown time'} ` +
        `(version ${stored.version}) since you opened them; look at the current values and try again`
      : `the settings of ${next.instanceId} have never been saved, so the first save is version 1, not ${next.version}`;
    // A copy: whoever catches the error must not be able to change the stored settings.
    throw new StaleUpdateError<StoredSettings | null>(message, stored && structuredClone(stored));
  }
  const others = doc.settings.filter((s) => s.instanceId !== next.instanceId);
  return { ...doc, settings: [...others, next] };
}

/** The once-a-day rule and one running backup per instance, for `set` among the others. */
function checkSetRules(doc: StoreDocument, set: BackupSet): void {
  if (set.trigger === 'scheduled' && set.scheduledDay === null) {
    throw new Error(`scheduled backup set ${set.id} has no scheduledDay`);
  }
  const others = doc.backupSets.filter((s) => s.id !== set.id && s.instanceId === set.instanceId);
  // The day first: a scheduled run whose day is held by a set still running is done for the
  // day (DayTakenError), not held back by another backup (BackupRunningError).
  if (holdsItsDay(set)) {
    const holder = others.find((s) => s.scheduledDay === set.scheduledDay && holdsItsDay(s));
    if (holder) {
      throw new DayTakenError(`${set.instanceId} already has a scheduled backup for ${set.scheduledDay}: ${holder.id} (${holder.state})`, holder.id);
    }
  }
  if (set.state === 'RUNNING') {
    const running = others.find((s) => s.state === 'RUNNING');
    if (running) throw new BackupRunningError(`a backup of ${set.instanceId} is already running: ${running.id}`, running.id);
  }
}

export function createBackupSetIn(doc: StoreDocument, set: BackupSet): StoreDocument {
  if (doc.backupSets.some((s) => s.id === set.id)) throw new ConflictError(`backup set ${set.id} already exists`);
  checkSetRules(doc, set);
  return { ...doc, backupSets: [...doc.backupSets, set] };
}

export function replaceBackupSetIn(doc: StoreDocument, current: BackupSet, next: BackupSet): StoreDocument {
  if (next.id !== current.id || next.instanceId !== current.instanceId) {
    throw new Error(`an update of backup set ${current.id} may not change its id or instance`);
  }
  checkSetRules(doc, next);
  return { ...doc, backupSets: doc.backupSets.map((s) => (s.id === current.id ? next : s)) };
}

function sameChannel(a: Pick<OutboxItem, 'channel'>, b: Pick<OutboxItem, 'channel'>): boolean {
  return a.channel.platform === b.channel.platform && a.channel.channelId === b.channel.channelId;
}

/**
 * Queues an item. An undelivered item with the same key for the same channel takes the new reply
 * instead (its place in the queue and its retry schedule stay): progress is one message.
 */
export function enqueueIn(doc: StoreDocument, item: NewOutboxItem): StoreDocument {
  const pending =
    item.key === null
      ? undefined
      : doc.outbox.find((o) => o.key === item.key && o.deliveredAt === null && sameChannel(o, item));
  if (doc.outbox.some((o) => o.id === item.id)) throw new ConflictError(`outbox item ${item.id} already exists`);
  if (pending) {
    // The newer reply takes the new id: a delivery of the old one that is under way when this
    // arrives then marks only the old id, and the newer reply is still delivered afterwards.
    return { ...doc, outbox: doc.outbox.map((o) => (o === pending ? { ...o, id: item.id, reply: item.reply } : o)) };
  }
  const added: OutboxItem = { ...item, attempts: 0, nextAttemptAt: item.createdAt, deliveredAt: null, lastError: null, claimedBy: null, claimedUntil: null };
  return { ...doc, outbox: [...doc.outbox, added] };
}

function claimable(o: OutboxItem, now: number, claimant: string): boolean {
  if (o.deliveredAt !== null || Date.parse(o.nextAttemptAt) > now) return false;
  return o.claimedBy === null || o.claimedBy === claimant || o.claimedUntil === null || Date.parse(o.claimedUntil) <= now;
}

export function claimDueIn(doc: StoreDocument, now: Date, claimant: string, leaseMs: number, limit: number): { doc: StoreDocument; result: OutboxItem[] } {
  const at = now.getTime();
  const due = doc.outbox
    .filter((o) => claimable(o, at, claimant))
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))
    .slice(0, Math.max(0, limit));
  if (due.length === 0) return { doc, result: [] };
  const until = new Date(at + leaseMs).toISOString();
  const claimed = new Map(due.map((o) => [o.id, { ...o, claimedBy: claimant, claimedUntil: until }]));
  const outbox = doc.outbox.map((o) => claimed.get(o.id) ?? o);
  // Oldest first, as they were picked (the queue itself keeps the order items were added in).
  return { doc: { ...doc, outbox }, result: [...claimed.values()] };
}

/**
 * A process taking the folder's lock finds the claims of the one before it, which no longer runs
 * (the lock says so): they are released, so what it was delivering when it died goes out now
 * rather than when its claim would have lapsed.
 */
export function releaseClaimsIn(doc: StoreDocument): StoreDocument {
  if (!doc.outbox.some((o) => o.claimedBy !== null)) return doc;
  return { ...doc, outbox: doc.outbox.map((o) => (o.claimedBy === null ? o : { ...o, claimedBy: null, claimedUntil: null })) };
}

/** Delivered items leave the queue at once (where they went is kept in `deliveries`). */
export function markDeliveredIn(doc: StoreDocument, id: string): StoreDocument {
  if (!doc.outbox.some((o) => o.id === id)) return doc;
  return { ...doc, outbox: doc.outbox.filter((o) => o.id !== id) };
}

/**
 * A failed attempt: counted, the claim released, the next attempt set. A deliverer whose claim
 * lapsed and was taken by another is ignored: releasing the newer claim would let a third
 * deliverer send the item while the second is still sending it.
 */
export function markFailedIn(doc: StoreDocument, id: string, claimant: string, error: string, nextAttemptAt: Date): StoreDocument {
  const item = doc.outbox.find((o) => o.id === id);
  if (!item || (item.claimedBy !== null && item.claimedBy !== claimant)) return doc;
  const outbox = doc.outbox.map((o) =>
    o.id === id ? { ...o, attempts: o.attempts + 1, lastError: error, nextAttemptAt: nextAttemptAt.toISOString(), claimedBy: null, claimedUntil: null } : o,
  );
  return { ...doc, outbox };
}

/** Newest first by the given time; among equal times, the one added last comes first. */
export function newestFirst<T>(items: readonly T[], time: (t: T) => string): T[] {
  return [...items].reverse().sort((a, b) => Date.parse(time(b)) - Date.parse(time(a)));
}
