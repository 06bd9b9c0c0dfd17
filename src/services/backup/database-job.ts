// One database's BACKUP SNAPSHOT: submit it (recorded first, so a restart never submits twice)
// and follow it with the job tracker until it ends.

import { OutsideError } from '../../domain/errors';
import type { BackupJobState, JobObservation } from '../../domain/jobs';
import type { BackupSet, DatabaseBackup } from '../../domain/types';
import type { Logger, ObjectStore, StarRocksClient } from '../../ports';
import type { JobTracker } from '../jobs/tracker';

export interface JobContext {
  set: BackupSet;
  client: StarRocksClient;
  objects: ObjectStore;
  tracker: JobTracker;
  repositoryRoot: string;
  timeoutSeconds: number;
  now: () => Date;
  invisibleLimitMs: number;
  /** How long a submitted job may be unseen before the bot asks whether the statement ran at all. */
  resendGraceMs: number;
  /**
   * Whether `snapshotName` is a database of an earlier set of this instance that the bot submitted
   * before `before` (its own clock): such a job in the database's slot predates ours.
   */
  submittedEarlier: (snapshotName: string, before: string) => Promise<boolean>;
  log: Logger;
}

/** A lost statement is sent again at most this many times. */
export const MAX_RESENDS = 3;
/** The FE's clock and the bot's may differ by this much. */
const CLOCK_SKEW_MS = 120_000;

export type DbUpdate = (database: string, change: (d: DatabaseBackup) => DatabaseBackup) => Promise<void>;

export function snapshotPrefix(root: string, snapshotName: string): string {
  return `${root}/__ss_${snapshotName}/`;
}

/** The table a StarRocks refusal names, when it names one of ours. */
export function refusedTable(message: string, tables: readonly string[]): string | null {
  const named = /Table '([^']+)' is not a OLAP table/.exec(message)?.[1] ?? /Table: (\S+) can not support backup restore/.exec(message)?.[1] ?? null;
  return named && tables.includes(named) ? named : null;
}

/**
 * Submits one database. The SUBMITTED record is written before the statement is sent. A table
 * StarRocks refuses by name is left out (and reported with StarRocks' text); the rest is
 * submitted again under the same snapshot name (nothing was created by the refused statement).
 */
export async function submitDatabase(
  ctx: JobContext,
  db: DatabaseBackup,
  update: DbUpdate,
  leaveOut: (table: string, reason: string) => Promise<void>,
): Promise<'submitted' | 'busy' | 'failed' | 'retry'> {
  const at = ctx.now().toISOString();
  await update(db.database, (d) => ({ ...d, state: 'SUBMITTED', submittedAt: d.submittedAt ?? at, tracking: 'submitted', waitingFor: null }));
  try {
    await ctx.client.submitBackup({
      database: db.database,
      snapshotName: db.snapshotName,
      repository: ctx.set.repository,
      tables: db.tables,
      timeoutSeconds: ctx.timeoutSeconds,
    });
    return 'submitted';
  } catch (err) {
    if (err instanceof OutsideError) {
      // Our own earlier submission (the bot stopped after sending): follow that job.
      if (err.kind === 'snapshot_exists') return 'submitted';
      // Another backup or restore holds the database's single job slot: try again later.
      if (err.kind === 'job_running') {
        await update(db.database, (d) => ({ ...d, state: 'PENDING', submittedAt: null, tracking: 'not_submitted', waitingFor: err.message }));
        return 'busy';
      }
      // Lost connection while sending: the job may or may not exist. Following it resolves that
      // (visible job, finished snapshot on OSS, or the time limit).
      if (err.kind === 'unreachable' || err.kind === 'timeout') {
        ctx.log.warn({ database: db.database, err: err.message }, 'backup submission outcome unknown; following it');
        return 'submitted';
      }
      const table = err.kind === 'unsupported_table' || err.kind === 'other' ? refusedTable(err.message, db.tables) : null;
      if (table && db.tables.length > 1) {
        await leaveOut(table, `StarRocks refused to back it up: ${err.message}`);
        await update(db.database, (d) => ({ ...d, state: 'PENDING', submittedAt: null, tracking: 'not_submitted', tables: d.tables.filter((t) => t !== table) }));
        return 'retry';
      }
    }
    const message = err instanceof Error ? err.message : String(err);
    await update(db.database, (d) => ({ ...d, state: 'FAILED', error: message, finishedAt: ctx.now().toISOString(), tracking: 'not_submitted' }));
    return 'failed';
  }
}

/** Removes the objects a failed database left on OSS; a failure here is a warning, not fatal. */
export async function cleanFailed(ctx: JobContext, db: DatabaseBackup): Promise<string | null> {
  try {
    await ctx.objects.deletePrefix(snapshotPrefix(ctx.repositoryRoot, db.snapshotName));
    return null;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    ctx.log.warn({ database: db.database, err: message }, 'could not remove the objects of a failed database');
    return `The objects of the failed database ${db.database} could not be removed from OSS (${message}); /backup reconcile ${ctx.set.instanceId} will find them.`;
  }
}

/**
 * Whether SHOW BACKUP and OSS prove the BACKUP statement never ran: the database's slot holds no
 * job, or only one older than the submission, and nothing of the snapshot is on OSS. (A statement
 * that ran leaves its job in the slot at once; a later job taking the slot proves nothing.) A job
 * is older when the FE created it more than the clock skew before, or when it is one the bot
 * itself submitted earlier (its own clock says so, whatever the FE's clock).
 */
async function neverRan(ctx: JobContext, db: DatabaseBackup): Promise<boolean> {
  if (!db.submittedAt) return false;
  const slot = await ctx.client.backupSlot(db.database);
  const older = (job: NonNullable<typeof slot>) =>
    job.snapshotName !== db.snapshotName &&
    (job.createdAt.getTime() < Date.parse(db.submittedAt ?? '') - CLOCK_SKEW_MS || ctx.submittedEarlier(job.snapshotName, db.submittedAt ?? ''));
  if (slot && !(await older(slot))) return false;
  const usage = await ctx.objects.usage(snapshotPrefix(ctx.repositoryRoot, db.snapshotName));
  return usage.objects === 0;
}

function isOutage(err: unknown): err is OutsideError {
  return err instanceof OutsideError && (err.kind === 'unreachable' || err.kind === 'timeout' || err.kind === 'server');
}

/**
 * The cluster did not answer. Past the invisible-job limit the database ends anyway (no set stays
 * RUNNING forever): finished when OSS has the snapshot's `__info_` file, else failed with its
 * fate unknown, its objects left for /backup reconcile (the job may still be running there).
 * Before the limit the error goes up, for the run to count the outage.
 */
async function whenUnanswered(ctx: JobContext, db: DatabaseBackup, err: OutsideError, update: DbUpdate): Promise<boolean> {
  const now = ctx.now();
  const since = db.submittedAt ? now.getTime() - Date.parse(db.submittedAt) : Infinity;
  if (since <= ctx.invisibleLimitMs) throw err;
  const info = await ctx.objects.readSnapshotInfo(ctx.repositoryRoot, db.snapshotName).catch(() => null);
  if (info) return finish(ctx, db, { kind: 'finished', source: 'oss', createdAt: info.backupTime, finishedAt: info.writtenAt }, update);
  const minutes = Math.round(ctx.invisibleLimitMs / 60_000);
  await update(db.database, (d) => ({
    ...d,
    state: 'FAILED',
    error: `${err.system === 'oss' ? 'OSS' : 'StarRocks'} did not answer for more than ${minutes} minutes (${err.message}); the backup job's fate is unknown. Its objects, if any, were left on OSS: /backup reconcile ${ctx.set.instanceId} finds them.`,
    finishedAt: now.toISOString(),
  }));
  return true;
}

async function finish(ctx: JobContext, db: DatabaseBackup, seen: Extract<JobObservation<BackupJobState>, { kind: 'finished' }>, update: DbUpdate): Promise<boolean> {
  const now = ctx.now();
  // The job's own times; the bot's clock only when StarRocks and OSS both say nothing.
  const finishedAt = seen.finishedAt ?? now;
  if (!seen.finishedAt) ctx.log.warn({ database: db.database }, 'finished job without a finish time; using the time it was seen');
  const snapshot = seen.source === 'job' ? await ctx.client.showSnapshot(ctx.set.repository, db.snapshotName) : null;
  const listing = seen.source === 'oss' ? (await ctx.objects.listSnapshots(ctx.repositoryRoot)).find((s) => s.snapshotName === db.snapshotName) : undefined;
  const usage = await ctx.objects.usage(snapshotPrefix(ctx.repositoryRoot, db.snapshotName));
  await update(db.database, (d) => ({
    ...d,
    state: 'FINISHED',
    jobState: seen.source === 'job' ? 'FINISHED' : d.jobState,
    tracking: seen.source === 'job' ? 'visible' : 'resolved_from_oss',
    finishedAt: finishedAt.toISOString(),
    backupTimestamp: snapshot?.timestamps[0] ?? listing?.backupTimestamps[0] ?? null,
    snapshotAt: seen.createdAt ? seen.createdAt.toISOString() : d.snapshotAt,
    sizeBytes: usage.bytes,
    objectCount: usage.objects,
    progress: d.progress && { done: d.progress.total, total: d.progress.total },
  }));
  return true;
}

/** Looks at one submitted database once; returns true when it changed. */
export async function followDatabase(ctx: JobContext, db: DatabaseBackup, update: DbUpdate, warn: (w: string) => Promise<void>): Promise<boolean> {
  let seen: JobObservation<BackupJobState>;
  try {
    seen = await ctx.tracker.backup(db);
  } catch (err) {
    if (isOutage(err)) return whenUnanswered(ctx, db, err, update);
    throw err;
  }
  const now = ctx.now();
  switch (seen.kind) {
    case 'finished':
      return finish(ctx, db, seen, update);
    case 'cancelled': {
      await update(db.database, (d) => ({ ...d, state: 'FAILED', jobState: 'CANCELLED', tracking: 'visible', error: seen.error, finishedAt: (seen.finishedAt ?? now).toISOString() }));
      const problem = await cleanFailed(ctx, db);
      if (problem) await warn(problem);
      return true;
    }
    case 'running': {
      const changed = seen.state !== db.jobState || seen.progress?.done !== db.progress?.done || db.tracking !== 'visible';
      if (changed) await update(db.database, (d) => ({ ...d, jobState: seen.state, tracking: 'visible', progress: seen.progress }));
      return changed;
    }
    case 'not_visible': {
      const since = db.submittedAt ? now.getTime() - new Date(db.submittedAt).getTime() : Infinity;
      // A statement lost on the wire: SHOW BACKUP and OSS prove it never ran, so send it again
      // (same snapshot name: StarRocks refuses a duplicate if it did run after all).
      if (since >= ctx.resendGraceMs && db.resends < MAX_RESENDS && (await neverRan(ctx, db))) {
        ctx.log.warn({ event: 'backup.resend', database: db.database, snapshotName: db.snapshotName, resends: db.resends + 1 }, 'the BACKUP statement never ran; sending it again');
        await update(db.database, (d) => ({ ...d, state: 'PENDING', submittedAt: null, tracking: 'not_submitted', waitingFor: null, resends: d.resends + 1 }));
        return true;
      }
      if (since > ctx.invisibleLimitMs) {
        const minutes = Math.round(ctx.invisibleLimitMs / 60_000);
        await update(db.database, (d) => ({
          ...d,
          state: 'FAILED',
          tracking: 'not_visible',
          error: `the backup job is no longer visible in SHOW BACKUP and OSS has no finished snapshot after ${minutes} minutes`,
          finishedAt: now.toISOString(),
        }));
        const problem = await cleanFailed(ctx, db);
        if (problem) await warn(problem);
        return true;
      }
      if (db.tracking !== 'not_visible') await update(db.database, (d) => ({ ...d, tracking: 'not_visible' }));
      return false;
    }
  }
}
