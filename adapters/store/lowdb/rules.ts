// The Store's rules on plain data, shared by the lowdb operations: each takes the current
// document and returns the next one (never changing the one it was given), or throws.

import { holdsItsDay } from '../../../src/domain/backup-set';
import { ConflictError, DayTakenError, StaleUpdateError } from '../../../src/domain/errors';
import type { BackupSet, StoredSettings } from '../../../src/domain/types';
import type { OutboxItem } from '../../../src/ports';
import type { StoreDocument } from './document';

/** Delivered notifications are kept this long, then dropped. */
export const DELIVERED_KEPT_MS = 7 * 24 * 60 * 60 * 1000;

export function saveSettingsIn(doc: StoreDocument, next: StoredSettings): StoreDocument {
  const stored = doc.settings.find((s) => s.instanceId === next.instanceId) ?? null;
  const expected = (stored?.version ?? 0) + 1;
  if (next.version !== expected) {
    const message = stored
      ? `the settings of ${next.instanceId} were changed by ${stored.updatedBy ?? 'someone'} at ${stored.updatedAt ?? 'an unknown time'} ` +
        `(version ${stored.version}) since you opened them; look at the current values and try again`
      : `the settings of ${next.instanceId} have never been saved, so the first save is version 1, not ${next.version}`;
    throw new StaleUpdateError<StoredSettings | null>(message, stored);
  }
  const others = doc.settings.filter((s) => s.instanceId !== next.instanceId);
  return { ...doc, settings: [...others, next] };
}

/** The scheduled set that already holds `set`'s day, other than `set` itself. */
function dayHolder(doc: StoreDocument, set: BackupSet): BackupSet | undefined {
  if (!holdsItsDay(set)) return undefined;
  return doc.backupSets.find(
    (s) => s.id !== set.id && s.instanceId === set.instanceId && s.scheduledDay === set.scheduledDay && holdsItsDay(s),
  );
}

function checkDay(doc: StoreDocument, set: BackupSet): void {
  if (set.trigger === 'scheduled' && set.scheduledDay === null) {
    throw new Error(`scheduled backup set ${set.id} has no scheduledDay`);
  }
  const holder = dayHolder(doc, set);
  if (holder) {
    throw new DayTakenError(
      `${set.instanceId} already has a scheduled backup for ${set.scheduledDay}: ${holder.id} (${holder.state})`,
      holder.id,
    );
  }
}

export function createBackupSetIn(doc: StoreDocument, set: BackupSet): StoreDocument {
  if (doc.backupSets.some((s) => s.id === set.id)) throw new ConflictError(`backup set ${set.id} already exists`);
  checkDay(doc, set);
  return { ...doc, backupSets: [...doc.backupSets, set] };
}

export function replaceBackupSetIn(doc: StoreDocument, current: BackupSet, next: BackupSet): StoreDocument {
  if (next.id !== current.id || next.instanceId !== current.instanceId) {
    throw new Error(`an update of backup set ${current.id} may not change its id or instance`);
  }
  checkDay(doc, next);
  return { ...doc, backupSets: doc.backupSets.map((s) => (s.id === current.id ? next : s)) };
}

function sameChannel(a: OutboxItem, b: OutboxItem): boolean {
  return a.channel.platform === b.channel.platform && a.channel.channelId === b.channel.channelId;
}

/**
 * Queues an item. An undelivered item with the same key for the same channel takes the new reply
 * instead (its place in the queue and its retry schedule stay): progress is one message.
 */
export function enqueueIn(doc: StoreDocument, item: OutboxItem): StoreDocument {
  const pending =
    item.key === null
      ? undefined
      : doc.outbox.find((o) => o.key === item.key && o.deliveredAt === null && sameChannel(o, item));
  if (pending) {
    // The newer reply takes the new id: a delivery of the old one that is under way when this
    // arrives then marks only the old id, and the newer reply is still delivered afterwards.
    return { ...doc, outbox: doc.outbox.map((o) => (o === pending ? { ...o, id: item.id, reply: item.reply } : o)) };
  }
  if (doc.outbox.some((o) => o.id === item.id)) throw new ConflictError(`outbox item ${item.id} already exists`);
  return { ...doc, outbox: [...doc.outbox, item] };
}

export function markDeliveredIn(doc: StoreDocument, id: string, at: Date): StoreDocument {
  const cutoff = at.getTime() - DELIVERED_KEPT_MS;
  const outbox = doc.outbox
    .map((o) => (o.id === id ? { ...o, deliveredAt: at.toISOString(), lastError: null } : o))
    .filter((o) => o.deliveredAt === null || Date.parse(o.deliveredAt) >= cutoff);
  return { ...doc, outbox };
}

/** Newest first by the given time; among equal times, the one added last comes first. */
export function newestFirst<T>(items: readonly T[], time: (t: T) => string): T[] {
  return [...items].reverse().sort((a, b) => Date.parse(time(b)) - Date.parse(time(a)));
}
