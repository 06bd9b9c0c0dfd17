// Retention rules: which sets the sweep expires and which it keeps past their expiry (the last
// good backup of an instance, a set a restore reads, an orphaned set), why a delete is refused,
// and how a snapshot name the bot made leads back to its set. (Why a restore is refused, deleted
// and expired sets included, is `whyNotRestorable` in restore-rules.ts.) Pure: the caller reads
// the store and the clock, these decide.

import { DateTime } from 'luxon';
import { isBackupSetId } from './ids';
import { isExpiryDue } from './backup-set';
import type { BackupSet, RestoreRequest, RestoreState, RetentionHold } from './types';

/** Restore states that still read their backup set (requested, approved or running). */
export const RESTORE_READING: readonly RestoreState[] = ['PENDING_APPROVAL', 'APPROVED', 'RUNNING'];

/** The calendar day of an instant in a zone: `2026-11-20`. */
export function localDate(at: string | Date, zone: string): string {
  const local = DateTime.fromJSDate(new Date(at), { zone });
  return (local.isValid ? local : DateTime.fromJSDate(new Date(at), { zone: 'utc' })).toFormat('yyyy-LL-dd');
}

function newestFirst(sets: readonly BackupSet[]): BackupSet[] {
  return [...sets].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
}

/**
 * The sets kept as an instance's last good backups: its newest `keep` FINISHED sets (its newest
 * PARTIAL ones when it has no FINISHED set at all). Give it the sets of one instance.
 */
export function lastGoodSets(sets: readonly BackupSet[], keep: number): Set<string> {
  if (keep <= 0) return new Set();
  const finished = newestFirst(sets.filter((s) => s.state === 'FINISHED'));
  const pool = finished.length > 0 ? finished : newestFirst(sets.filter((s) => s.state === 'PARTIAL'));
  return new Set(pool.slice(0, keep).map((s) => s.id));
}

/** Restores that read this set now. */
export function restoresReading(set: BackupSet, restores: readonly RestoreRequest[]): RestoreRequest[] {
  return restores.filter((r) => r.backupSetId === set.id && RESTORE_READING.includes(r.state));
}

export type SweepDecision =
  /** Past its expiry and nothing keeps it: delete its objects, mark it EXPIRED. */
  | { kind: 'expire' }
  /** Past its expiry but kept, for this reason. */
  | { kind: 'hold'; hold: Omit<RetentionHold, 'since'> }
  /** Its instance is gone from the configuration: never swept (after a decommission it may be the only copy). */
  | { kind: 'orphaned' };

export interface SweepContext {
  now: Date;
  /** The set's instance is in the configuration. */
  configured: boolean;
  /** Ids of the instance's last good sets (`lastGoodSets`). */
  lastGood: ReadonlySet<string>;
  /** Restore requests of the set (any state). */
  restores: readonly RestoreRequest[];
}

/** What the sweep does with a set now; null when its expiry has not come. */
export function sweepDecision(set: BackupSet, ctx: SweepContext): SweepDecision | null {
  if (!isExpiryDue(set, ctx.now)) return null;
  if (!ctx.configured) return { kind: 'orphaned' };
  const reading = restoresReading(set, ctx.restores);
  if (reading.length > 0) return { kind: 'hold', hold: { reason: 'restore', restoreIds: reading.map((r) => r.id).sort() } };
  if (ctx.lastGood.has(set.id)) return { kind: 'hold', hold: { reason: 'last_good', restoreIds: [] } };
  return { kind: 'expire' };
}

/** The same hold, so it is not announced again. */
export function sameHold(a: Omit<RetentionHold, 'since'> | null, b: Omit<RetentionHold, 'since'> | null): boolean {
  if (a === null || b === null) return a === b;
  return a.reason === b.reason && a.restoreIds.join(',') === b.restoreIds.join(',');
}

/** Why `/backup delete` must refuse this set now, or null when it may be deleted. */
export function deletionRefusal(set: BackupSet, restores: readonly RestoreRequest[], zone: string): string | null {
  const where = `/backup tasks ${set.instanceId}`;
  switch (set.state) {
    case 'RUNNING':
      return `${set.id} is still running, and a started backup cannot be interrupted; delete it after it ends (follow it with ${where}).`;
    case 'DELETING':
    case 'EXPIRING':
      return `${set.id} is already being deleted (${set.state === 'EXPIRING' ? 'it expired' : `requested by ${set.deletedBy ?? 'someone'}`}); follow it with ${where}.`;
    case 'EXPIRED':
      return `${set.id} already expired on ${localDate(set.deletedAt ?? set.expiresAt ?? set.startedAt, zone)} and its data was deleted; there is nothing left to delete.`;
    case 'DELETED':
      return `${set.id} was already deleted on ${localDate(set.deletedAt ?? set.startedAt, zone)}; there is nothing left to delete.`;
    case 'FAILED':
      return `${set.id} failed and holds no backup data (the objects of its failed databases were removed); there is nothing to delete.`;
    default:
      break;
  }
  const reading = restoresReading(set, restores);
  if (reading.length > 0) {
    const names = reading.map((r) => `${r.id} (${r.state === 'PENDING_APPROVAL' ? 'awaiting approval' : r.state === 'APPROVED' ? 'approved' : 'running'})`).join(', ');
    return `${set.id} is used by restore ${names}; it can be deleted once that restore ends.`;
  }
  return null;
}

/** What a snapshot name the bot made says about its set (readable names only; `bkh_` names say nothing). */
export interface SnapshotOrigin {
  setId: string;
  database: string;
  attempt: number;
}

const READABLE_SNAPSHOT = /^bk_(\d{8})_(\d{4})_([a-z0-9_]+?)__([A-Za-z0-9_]+?)(?:_a([1-9]\d*))?$/;

/**
 * The set, database and attempt a readable snapshot name (`bk_20261124_0230_prod_1__sales_a2`)
 * was made for, given the instance it belongs to; null for any other name.
 */
export function snapshotOrigin(snapshotName: string, instanceId: string): SnapshotOrigin | null {
  const m = READABLE_SNAPSHOT.exec(snapshotName);
  if (!m) return null;
  const [, day, time, instancePart, database, attempt] = m as unknown as [string, string, string, string, string, string | undefined];
  if (instancePart !== instanceId.replace(/-/g, '_')) return null;
  const setId = `bk-${day}-${time}-${instanceId}`;
  if (!isBackupSetId(setId)) return null;
  return { setId, database, attempt: attempt === undefined ? 1 : Number(attempt) };
}
