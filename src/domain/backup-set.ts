// A backup set's life cycle, expiry and what it means for the once-a-day rule and the sweep.

import { TransitionError } from './errors';
import type {
  BackupSet,
  BackupSetState,
  DatabaseBackup,
  DisplayedBackupSetState,
  RestoreRequest,
} from './types';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Allowed moves. A deletion that fails half-way stays EXPIRING / DELETING and resumes. A MISSING
 * set (objects gone from OSS) comes back when reconcile finds its objects again, and may still
 * be expired or deleted so that its record ends and any leftovers are cleaned.
 */
const TRANSITIONS: Readonly<Record<BackupSetState, readonly BackupSetState[]>> = {
  RUNNING: ['FINISHED', 'PARTIAL', 'FAILED'],
  FINISHED: ['EXPIRING', 'DELETING', 'MISSING'],
  PARTIAL: ['EXPIRING', 'DELETING', 'MISSING'],
  EXPIRING: ['EXPIRED'],
  DELETING: ['DELETED'],
  MISSING: ['FINISHED', 'PARTIAL', 'EXPIRING', 'DELETING'],
  FAILED: [],
  EXPIRED: [],
  DELETED: [],
};

export function canTransitionBackupSet(from: BackupSetState, to: BackupSetState): boolean {
  return TRANSITIONS[from].includes(to);
}

/**
 * Moves a set to `to`, or throws `TransitionError`. Leaving RUNNING sets `finishedAt` (and, for a
 * good set, `expiresAt`) unless already set; EXPIRED / DELETED set `deletedAt`.
 */
export function transitionBackupSet(set: BackupSet, to: BackupSetState, at: Date): BackupSet {
  if (!canTransitionBackupSet(set.state, to)) {
    throw new TransitionError(`backup set ${set.id} cannot go from ${set.state} to ${to}`);
  }
  let next: BackupSet = { ...set, state: to };
  if (set.state === 'RUNNING') {
    const finishedAt = set.finishedAt ?? at.toISOString();
    next = { ...next, finishedAt };
    if (to !== 'FAILED' && next.expiresAt === null) {
      next = { ...next, expiresAt: expiresAt(new Date(finishedAt), set.retentionDays).toISOString() };
    }
  }
  if (to === 'EXPIRED' || to === 'DELETED') next = { ...next, deletedAt: at.toISOString() };
  return next;
}

/** Finish time plus the retention, in whole 24-hour days. */
export function expiresAt(finishedAt: Date, retentionDays: number): Date {
  return new Date(finishedAt.getTime() + retentionDays * DAY_MS);
}

/**
 * Records the finish time and the expiry from the set's own `retentionDays` (the retention in
 * force when it started): a later settings change never shortens it.
 */
export function withExpiry(set: BackupSet, finishedAt: Date): BackupSet {
  return {
    ...set,
    finishedAt: finishedAt.toISOString(),
    expiresAt: expiresAt(finishedAt, set.retentionDays).toISOString(),
  };
}

/** The once-a-day rule: a scheduled set holds its day unless it FAILED; others never do. */
export function holdsItsDay(set: BackupSet): boolean {
  return set.trigger === 'scheduled' && set.state !== 'FAILED';
}

/** Finished, fully or partly: it has restorable data. */
export function isGood(set: BackupSet): boolean {
  return GOOD.includes(set.state);
}

function isPastExpiry(set: BackupSet, now: Date): boolean {
  return set.expiresAt !== null && Date.parse(set.expiresAt) <= now.getTime();
}

/** Good, not expired by time, and at least one database finished. */
export function isRestorable(set: BackupSet, now: Date): boolean {
  return isGood(set) && !isPastExpiry(set, now) && restorableDatabases(set).length > 0;
}

/** Nothing will happen to it any more. */
export function isTerminal(set: BackupSet): boolean {
  return set.state === 'FAILED' || set.state === 'EXPIRED' || set.state === 'DELETED';
}

/** A deletion (expiry or delete) was started and has not finished: resume it. */
export function isDeletionUnfinished(set: BackupSet): boolean {
  return set.state === 'EXPIRING' || set.state === 'DELETING';
}

/** Past its expiry and not yet being expired (a MISSING set too, to end its record). */
export function isExpiryDue(set: BackupSet, now: Date): boolean {
  return (isGood(set) || set.state === 'MISSING') && isPastExpiry(set, now);
}

/** Not warned yet, and expires within the next `leadHours` (but has not expired). */
export function needsExpiryWarning(set: BackupSet, now: Date, leadHours: number): boolean {
  if (!isGood(set) || set.expiryWarnedAt !== null || set.expiresAt === null) return false;
  const left = Date.parse(set.expiresAt) - now.getTime();
  return left > 0 && left <= leadHours * HOUR_MS;
}

/** States of a set whose objects are (or may still be) on OSS, costing storage. */
export const HOLDING_DATA: readonly BackupSetState[] = ['RUNNING', 'FINISHED', 'PARTIAL', 'EXPIRING', 'DELETING', 'MISSING'];
/** Finished, fully or partly. */
export const GOOD: readonly BackupSetState[] = ['FINISHED', 'PARTIAL'];
/** Every state, in life-cycle order (metrics list them all, zero included). */
export const BACKUP_SET_STATES: readonly BackupSetState[] = ['RUNNING', 'FINISHED', 'PARTIAL', 'FAILED', 'EXPIRING', 'DELETING', 'EXPIRED', 'DELETED', 'MISSING'];

/** Its objects are (or may still be) on OSS. */
export function holdsData(set: BackupSet): boolean {
  return HOLDING_DATA.includes(set.state);
}

/** ORPHANED when its instance is gone from the configuration and the set still holds restorable data. */
export function displayState(set: BackupSet, knownInstanceIds: ReadonlySet<string>): DisplayedBackupSetState {
  if (!knownInstanceIds.has(set.instanceId) && (set.state === 'RUNNING' || isGood(set))) return 'ORPHANED';
  return set.state;
}

/** A restore that still reads the set: approved, waiting for approval, or running. */
export function isBeingRestored(set: BackupSet, restores: readonly RestoreRequest[]): boolean {
  return restores.some(
    (r) => r.backupSetId === set.id && (r.state === 'PENDING_APPROVAL' || r.state === 'APPROVED' || r.state === 'RUNNING'),
  );
}

/**
 * The retention sweep may expire the set: expiry due, its instance still configured (orphaned
 * sets may be the only copy after a decommission), and no restore reading it.
 */
export function sweepMayExpire(
  set: BackupSet,
  knownInstanceIds: ReadonlySet<string>,
  now: Date,
  restores: readonly RestoreRequest[] = [],
): boolean {
  return knownInstanceIds.has(set.instanceId) && isExpiryDue(set, now) && !isBeingRestored(set, restores);
}

/** The databases that can be restored: those whose snapshot finished. */
export function restorableDatabases(set: BackupSet): DatabaseBackup[] {
  return set.databases.filter((d) => d.state === 'FINISHED');
}
