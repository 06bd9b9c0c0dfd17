// One database's BACKUP SNAPSHOT: submit it (recorded first, so a restart never submits twice)
// and follow it by (database, snapshot name) until it ends.

import { OutsideError } from '../../domain/errors';
import type { BackupSet, DatabaseBackup } from '../../domain/types';
import type { Logger, ObjectStore, StarRocksClient } from '../../ports';

export interface JobContext {
  set: BackupSet;
  client: StarRocksClient;
  objects: ObjectStore;
  repositoryRoot: string;
  timeoutSeconds: number;
  now: () => Date;
  invisibleLimitMs: number;
  log: Logger;
  /** True once this process is stopping (its clients may be closed under the run). */
  stopping: () => boolean;
}

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
  await update(db.database, (d) => ({ ...d, state: 'SUBMITTED', submittedAt: d.submittedAt ?? at, jobState: 'SUBMITTING' }));
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
        await update(db.database, (d) => ({ ...d, state: 'PENDING', submittedAt: null, jobState: `waiting: ${err.message}` }));
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
        await update(db.database, (d) => ({ ...d, state: 'PENDING', submittedAt: null, tables: d.tables.filter((t) => t !== table), jobState: null }));
        return 'retry';
      }
    }
    // Refused while this process stops (its client closed before sending): not the database's
    // failure. It waits, and the next start submits it (a job it finds is followed, not redone).
    if (ctx.stopping()) {
      await update(db.database, (d) => ({ ...d, state: 'PENDING', submittedAt: null, jobState: null }));
      return 'busy';
    }
    const message = err instanceof Error ? err.message : String(err);
    await update(db.database, (d) => ({ ...d, state: 'FAILED', error: message, finishedAt: ctx.now().toISOString(), jobState: 'REFUSED' }));
    return 'failed';
  }
}

function statusText(status: string, taskErrors: string): string {
  const msg = /msg:\s*(.*)\]$/.exec(status)?.[1]?.trim();
  const parts = [msg && msg.length ? msg : status, taskErrors].filter((p) => p && p.length > 0);
  return parts.join('; ');
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

/** Looks at one submitted database once; returns true when it changed. */
export async function followDatabase(ctx: JobContext, db: DatabaseBackup, update: DbUpdate, warn: (w: string) => Promise<void>): Promise<boolean> {
  const job = await ctx.client.findBackupJob(db.database, db.snapshotName);
  const now = ctx.now();
  if (job) {
    if (job.state === 'FINISHED') {
      const snapshot = await ctx.client.showSnapshot(ctx.set.repository, db.snapshotName);
      const usage = await ctx.objects.usage(snapshotPrefix(ctx.repositoryRoot, db.snapshotName));
      await update(db.database, (d) => ({
        ...d,
        state: 'FINISHED',
        jobState: 'FINISHED',
        finishedAt: (job.finishedAt ?? now).toISOString(),
        backupTimestamp: snapshot.timestamps[0] ?? null,
        snapshotAt: job.createdAt.toISOString(),
        sizeBytes: usage.bytes,
        objectCount: usage.objects,
        progress: d.progress && { done: d.progress.total, total: d.progress.total },
      }));
      return true;
    }
    if (job.state === 'CANCELLED') {
      await update(db.database, (d) => ({ ...d, state: 'FAILED', jobState: 'CANCELLED', error: statusText(job.status, job.taskErrors), finishedAt: (job.finishedAt ?? now).toISOString() }));
      const problem = await cleanFailed(ctx, db);
      if (problem) await warn(problem);
      return true;
    }
    const changed = job.state !== db.jobState || job.progress?.done !== db.progress?.done;
    if (changed) await update(db.database, (d) => ({ ...d, jobState: job.state, progress: job.progress }));
    return changed;
  }
  // Not visible: the database's slot shows another job or none (taken by a later job, history
  // aged out, FE restarted). OSS is the truth: an __info_ file means the backup finished.
  const info = await ctx.objects.readSnapshotInfo(ctx.repositoryRoot, db.snapshotName);
  if (info) {
    const listing = (await ctx.objects.listSnapshots(ctx.repositoryRoot)).find((s) => s.snapshotName === db.snapshotName);
    const usage = await ctx.objects.usage(snapshotPrefix(ctx.repositoryRoot, db.snapshotName));
    await update(db.database, (d) => ({
      ...d,
      state: 'FINISHED',
      jobState: 'FINISHED (from OSS)',
      finishedAt: now.toISOString(),
      backupTimestamp: listing?.backupTimestamps[0] ?? null,
      snapshotAt: info.backupTime.toISOString(),
      sizeBytes: usage.bytes,
      objectCount: usage.objects,
    }));
    return true;
  }
  const since = db.submittedAt ? now.getTime() - new Date(db.submittedAt).getTime() : Infinity;
  if (since > ctx.invisibleLimitMs) {
    const minutes = Math.round(ctx.invisibleLimitMs / 60_000);
    await update(db.database, (d) => ({
      ...d,
      state: 'FAILED',
      jobState: 'NOT VISIBLE',
      error: `the backup job is no longer visible in SHOW BACKUP and OSS has no finished snapshot after ${minutes} minutes`,
      finishedAt: now.toISOString(),
    }));
    const problem = await cleanFailed(ctx, db);
    if (problem) await warn(problem);
    return true;
  }
  if (db.jobState !== 'NOT VISIBLE YET') await update(db.database, (d) => ({ ...d, jobState: 'NOT VISIBLE YET' }));
  return false;
}
