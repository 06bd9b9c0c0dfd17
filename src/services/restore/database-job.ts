// One database's RESTORE SNAPSHOT on the target: its database made ready (created where the
// target's version needs it, recorded before the CREATE is sent), the statement submitted
// (recorded as SUBMITTED before it is sent, so a restart never submits twice), then followed with
// the shared job tracker until it ends. A database whose restore failed before any data was
// committed is dropped again.

import { OutsideError } from '../../domain/errors';
import { isCommitState } from '../../domain/restore';
import type { DatabaseRestore, RestoreRequest } from '../../domain/types';
import type { Logger, StarRocksClient } from '../../ports';
import type { JobTracker } from '../jobs/tracker';

export interface RestoreJobContext {
  /** The request as last written (each update replaces it). */
  request: () => RestoreRequest;
  client: StarRocksClient;
  tracker: JobTracker;
  /** StarRocks creates the target database itself (3.4+). */
  createsDatabase: boolean;
  timeoutSeconds: (job: DatabaseRestore) => number;
  now: () => Date;
  invisibleLimitMs: number;
  /** How long a submitted job may be unseen before the bot asks whether the statement ran at all. */
  resendGraceMs: number;
  log: Logger;
  /** Read-modify-write of the request in the store. */
  update: (change: (r: RestoreRequest) => RestoreRequest) => Promise<void>;
}

/** A lost statement is sent again at most this many times. */
const MAX_RESENDS = 3;

const withJob = (database: string, change: (j: DatabaseRestore) => DatabaseRestore) => (r: RestoreRequest): RestoreRequest => ({
  ...r,
  jobs: r.jobs.map((j) => (j.database === database ? change(j) : j)),
});

async function failJob(ctx: RestoreJobContext, job: DatabaseRestore, error: string, committed: boolean): Promise<void> {
  const at = ctx.now().toISOString();
  await ctx.update(withJob(job.database, (j) => ({ ...j, state: 'FAILED', error, finishedAt: j.finishedAt ?? at, committed: j.committed || committed })));
  await dropIfUnwritten(ctx, job.database);
}

/** Drops a database this restore brought into existence, unless data may have been committed to it. */
export async function dropIfUnwritten(ctx: RestoreJobContext, database: string): Promise<void> {
  const request = ctx.request();
  const job = request.jobs.find((j) => j.database === database);
  if (!request.createdDatabases.includes(database) || request.droppedDatabases.includes(database) || job?.committed) return;
  try {
    if (await ctx.client.databaseExists(database)) await ctx.client.dropDatabase(database);
    await ctx.update((r) => ({ ...r, droppedDatabases: [...r.droppedDatabases, database] }));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    ctx.log.warn({ database, err: message }, 'could not drop the database of a failed restore');
    await ctx.update((r) => ({ ...r, warnings: [...r.warnings, `The empty database ${database} could not be dropped on ${r.targetInstanceId} (${message}); drop it by hand.`] }));
  }
}

/**
 * Makes the target database ready (recording first that this restore brings it into existence),
 * then submits. 'busy' when another job holds the database's single slot.
 */
export async function submitRestoreJob(ctx: RestoreJobContext, job: DatabaseRestore): Promise<'submitted' | 'busy' | 'failed'> {
  const { client } = ctx;
  const db = job.database;
  try {
    if (!ctx.request().createdDatabases.includes(db)) {
      if (await client.databaseExists(db)) {
        await failJob(ctx, job, `${ctx.request().targetInstanceId} already has a database ${db} (created since the checks); it was left untouched`, false);
        return 'failed';
      }
      await ctx.update((r) => ({ ...r, createdDatabases: [...r.createdDatabases, db] }));
    }
    if (!ctx.createsDatabase && !(await client.databaseExists(db))) await client.createDatabase(db);
  } catch (err) {
    if (err instanceof OutsideError && (err.kind === 'unreachable' || err.kind === 'timeout')) return 'busy';
    await failJob(ctx, job, err instanceof Error ? err.message : String(err), false);
    return 'failed';
  }
  await ctx.update(withJob(db, (j) => ({ ...j, state: 'SUBMITTED', submittedAt: j.submittedAt ?? ctx.now().toISOString(), tracking: 'submitted', waitingFor: null })));
  try {
    await client.submitRestore({
      database: db,
      snapshotName: job.snapshotName,
      repository: ctx.request().repository,
      backupTimestamp: job.backupTimestamp,
      tables: job.tables,
      replicationNum: ctx.request().replicationNum,
      timeoutSeconds: ctx.timeoutSeconds(job),
    });
    return 'submitted';
  } catch (err) {
    if (err instanceof OutsideError) {
      if (err.kind === 'job_running') {
        await ctx.update(withJob(db, (j) => ({ ...j, state: 'PENDING', submittedAt: null, tracking: 'not_submitted', waitingFor: err.message })));
        return 'busy';
      }
      // Lost while sending: the job may or may not exist; following it tells (or the time limit).
      if (err.kind === 'unreachable' || err.kind === 'timeout') {
        ctx.log.warn({ database: db, err: err.message }, 'restore submission outcome unknown; following it');
        return 'submitted';
      }
    }
    await failJob(ctx, { ...job, state: 'SUBMITTED' }, err instanceof Error ? err.message : String(err), false);
    return 'failed';
  }
}

/** SHOW RESTORE FROM the database shows no job at all (on 3.4+ the database may not exist yet). */
async function neverRan(ctx: RestoreJobContext, job: DatabaseRestore): Promise<boolean> {
  try {
    return !(await ctx.client.restoreSlotTaken(job.database));
  } catch (err) {
    if (err instanceof OutsideError && err.kind === 'unknown_database') return true;
    throw err;
  }
}

/** Looks at one submitted restore job once; true when something changed. */
export async function followRestoreJob(ctx: RestoreJobContext, job: DatabaseRestore): Promise<boolean> {
  let seen;
  try {
    seen = await ctx.tracker.restore(job);
  } catch (err) {
    // 3.4+ creates the database with the job: before that, SHOW RESTORE FROM it is refused.
    if (err instanceof OutsideError && err.kind === 'unknown_database') seen = { kind: 'not_visible' as const };
    else throw err;
  }
  const now = ctx.now();
  switch (seen.kind) {
    case 'finished':
      await ctx.update(withJob(job.database, (j) => ({
        ...j,
        state: 'FINISHED',
        jobState: 'FINISHED',
        tracking: 'visible',
        committed: true,
        finishedAt: (seen.finishedAt ?? now).toISOString(),
        progress: j.progress && { done: j.progress.total, total: j.progress.total },
      })));
      return true;
    case 'cancelled':
      await ctx.update(withJob(job.database, (j) => ({ ...j, jobState: 'CANCELLED', tracking: 'visible' })));
      await failJob(ctx, job, seen.error, isCommitState(job.jobState));
      return true;
    case 'running': {
      const changed = seen.state !== job.jobState || seen.progress?.done !== job.progress?.done || job.tracking !== 'visible';
      if (changed) {
        await ctx.update(withJob(job.database, (j) => ({ ...j, jobState: seen.state, tracking: 'visible', progress: seen.progress, committed: j.committed || isCommitState(seen.state) })));
      }
      return changed;
    }
    case 'not_visible': {
      const since = job.submittedAt ? now.getTime() - Date.parse(job.submittedAt) : Infinity;
      // A statement lost on the wire (or the bot stopped before it reached StarRocks): the
      // database's restore slot is empty, so it never ran. Sent again, at most a few times.
      if (since >= ctx.resendGraceMs && job.resends < MAX_RESENDS && (await neverRan(ctx, job))) {
        ctx.log.warn({ event: 'restore.resend', database: job.database, snapshotName: job.snapshotName, resends: job.resends + 1 }, 'the RESTORE statement never ran; sending it again');
        await ctx.update(withJob(job.database, (j) => ({ ...j, state: 'PENDING', submittedAt: null, tracking: 'not_submitted', waitingFor: null, resends: j.resends + 1 })));
        return true;
      }
      if (since > ctx.invisibleLimitMs) {
        const minutes = Math.round(ctx.invisibleLimitMs / 60_000);
        await failJob(ctx, job, `the restore job is not visible in SHOW RESTORE FROM ${job.database} after ${minutes} minutes`, job.committed);
        return true;
      }
      if (job.tracking !== 'not_visible' && job.tracking !== 'submitted') await ctx.update(withJob(job.database, (j) => ({ ...j, tracking: 'not_visible' })));
      return false;
    }
  }
}
