// One step of an approved or running restore, safe to run again after a crash at any line: it
// reads what the store says was done, looks at the target cluster, and moves the restore one step
// on. APPROVED: the preflight again (approval may come hours later), then RUNNING with one job
// per database. RUNNING: the read-only repository (recorded as ours before it is created), the
// pending databases submitted under the database cap, the submitted ones followed, and the end:
// the repository dropped, the checklist posted. A started restore is never cancelled.

import { isCommitState, transitionRestore } from '../../domain/restore';
import { parseVersionText, restoreCreatesDatabase } from '../../domain/restore-rules';
import { OutsideError } from '../../domain/errors';
import type { DatabaseRestore, RestoreRequest } from '../../domain/types';
import type { StarRocksClient } from '../../ports';
import { SYSTEM_ACTOR } from '../audit';
import { backupTimeoutSeconds } from '../backup/plan';
import type { StepOutcome } from '../backup/run';
import { JobTracker } from '../jobs/tracker';
import { type RestoreDeps, setOf } from './deps';
import { followRestoreJob, submitRestoreJob, type RestoreJobContext } from './database-job';
import { progressKey } from './messages';
import { RestorePreflight, RestoreRefusal } from './preflight';
import { completionReply, failureAlert, progressReply, taskDetail } from './report';
import { snapshotSource, zoneOf, type SnapshotSource } from './source';

const VERIFY_BUTTON_TTL_SECONDS = 30 * 24 * 3600;

export class RestoreRuns {
  private readonly preflight: RestorePreflight;

  constructor(private readonly deps: RestoreDeps) {
    this.preflight = new RestorePreflight(deps);
  }

  async step(id: string): Promise<StepOutcome> {
    const request = await this.deps.store.restores.get(id);
    if (!request || (request.state !== 'APPROVED' && request.state !== 'RUNNING')) return 'ended';
    return request.state === 'APPROVED' ? this.start(request) : this.advance(request);
  }

  private zone(request: RestoreRequest): string {
    return zoneOf(request.targetInstanceId, this.deps.instances);
  }

  /** Progress message and task, together. */
  private async progress(request: RestoreRequest): Promise<void> {
    const reply = progressReply(request, this.zone(request), this.deps.clock.now());
    await this.deps.store.atomically(async (tx) => {
      await this.deps.announcer.announce(request.targetInstanceId, reply, progressKey(request.id), tx);
      await this.deps.tasks.record(this.task(request), tx);
    });
  }

  private task(request: RestoreRequest) {
    const done = request.jobs.filter((j) => j.state === 'FINISHED' || j.state === 'FAILED').length;
    const ended = request.state === 'FINISHED' || request.state === 'FAILED';
    return {
      id: request.id,
      kind: 'restore' as const,
      instanceId: request.targetInstanceId,
      subject: request.id,
      state: request.state === 'FINISHED' ? ('FINISHED' as const) : request.state === 'FAILED' ? ('FAILED' as const) : ('RUNNING' as const),
      startedAt: request.startedAt ?? request.decidedAt ?? request.requestedAt,
      finishedAt: ended ? request.finishedAt : null,
      progress: request.jobs.length ? { done, total: request.jobs.length, unit: 'databases' } : null,
      detail: taskDetail(request),
    };
  }

  /** The checks again, then RUNNING with one job per database; one restore into a target at a time. */
  private async start(request: RestoreRequest): Promise<StepOutcome> {
    const busy = (await this.deps.store.restores.list({ instanceId: request.targetInstanceId, states: ['RUNNING'] })).find(
      (r) => r.id !== request.id && r.targetInstanceId === request.targetInstanceId,
    );
    if (busy) {
      // Restores into one instance share its read-only repository: one at a time, said once.
      const note = `Waiting for restore ${busy.id} into ${busy.targetInstanceId} to end: restores into one instance run one at a time.`;
      if (!request.warnings.includes(note)) {
        const waiting = await this.deps.store.restores.update(request.id, (r) => ({ ...r, warnings: [...r.warnings, note] }));
        await this.progress(waiting);
      }
      return 'unchanged';
    }
    const set = await setOf(this.deps.store, request);
    let warnings: string[];
    try {
      warnings = (await this.preflight.check({ set, targetId: request.targetInstanceId, databases: request.databases, replicas: request.replicationNum })).warnings;
    } catch (err) {
      if (!(err instanceof RestoreRefusal)) throw err;
      await this.end(request.id, (r) => ({ ...transitionRestore(r, 'FAILED', this.deps.clock.now()), error: `the checks after approval refused it: ${err.message}` }));
      return 'ended';
    }
    const jobs: DatabaseRestore[] = request.databases.map((name) => {
      const db = set.databases.find((d) => d.database === name);
      return {
        database: name,
        snapshotName: db?.snapshotName ?? '',
        backupTimestamp: db?.backupTimestamp ?? '',
        tables: db?.tables ?? [],
        state: 'PENDING',
        jobState: null,
        tracking: 'not_submitted',
        waitingFor: null,
        progress: null,
        submittedAt: null,
        finishedAt: null,
        error: null,
        committed: false,
        resends: 0,
      };
    });
    const now = this.deps.clock.now();
    const running = await this.deps.store.atomically(async (tx) => {
      const next = await tx.restores.update(request.id, (r) => ({
        ...transitionRestore(r, 'RUNNING', now),
        jobs,
        warnings: [...new Set([...r.warnings.filter((w) => !w.startsWith('Waiting for restore ')), ...warnings])],
      }));
      await this.deps.audit.record({ actor: SYSTEM_ACTOR, action: 'restore.start', instanceId: next.targetInstanceId, subject: next.id, after: { databases: next.databases, replicationNum: next.replicationNum } }, tx);
      return next;
    });
    this.deps.log.info({ event: 'restore.started', restoreId: request.id, target: request.targetInstanceId }, 'restore started');
    await this.progress(running);
    return 'changed';
  }

  private async advance(initial: RestoreRequest): Promise<StepOutcome> {
    let request = initial;
    const update = async (change: (r: RestoreRequest) => RestoreRequest): Promise<void> => {
      request = await this.deps.store.restores.update(request.id, change);
    };
    const target = this.deps.instances.find(request.targetInstanceId);
    if (!target) {
      await this.end(request.id, (r) => ({ ...transitionRestore(r, 'FAILED', this.deps.clock.now()), error: `${r.targetInstanceId} is no longer in the configuration` }));
      return 'ended';
    }
    const set = await setOf(this.deps.store, request);
    const source = snapshotSource(set, this.deps.instances, this.deps.clusters);
    const client = this.deps.clusters.client(target);
    const version = parseVersionText((await client.version()).raw) ?? [0, 0, 0];
    const pending = request.jobs.filter((j) => j.state === 'PENDING');
    if (pending.length > 0) {
      const problem = await this.readyRepository(client, source, () => request, update);
      if (problem) {
        await this.end(request.id, (r) => ({ ...transitionRestore(r, 'FAILED', this.deps.clock.now()), error: problem }));
        return 'ended';
      }
    }
    const ctx: RestoreJobContext = {
      request: () => request,
      client,
      tracker: new JobTracker({ client, objects: source.objects, repositoryRoot: source.root }),
      createsDatabase: restoreCreatesDatabase(version),
      timeoutSeconds: (job) => backupTimeoutSeconds(set.databases.find((d) => d.database === job.database)?.sizeBytes ?? null),
      now: () => this.deps.clock.now(),
      invisibleLimitMs: this.deps.invisibleJobLimitMinutes * 60_000,
      resendGraceMs: this.deps.resendGraceMs ?? 30_000,
      log: this.deps.log.child({ restoreId: request.id }),
      update,
    };
    let changed = false;
    const submitted = request.jobs.filter((j) => j.state === 'SUBMITTED').length;
    for (const job of pending.slice(0, Math.max(0, this.deps.databaseConcurrency - submitted))) {
      changed = (await submitRestoreJob(ctx, job)) !== 'busy' || changed;
    }
    for (const job of request.jobs.filter((j) => j.state === 'SUBMITTED')) {
      try {
        changed = (await followRestoreJob(ctx, job)) || changed;
      } catch (err) {
        // Lost connections, FE leader changes: keep following; the invisible-job limit ends it.
        ctx.log.warn({ database: job.database, err: err instanceof Error ? err.message : String(err) }, 'could not read the restore job; will look again');
      }
    }
    if (request.jobs.every((j) => j.state === 'FINISHED' || j.state === 'FAILED')) {
      await this.finish(request, client);
      return 'ended';
    }
    if (changed) await this.progress(request);
    return changed ? 'changed' : 'unchanged';
  }

  /**
   * The read-only repository with the source's exact name and location. Whether this restore owns
   * it is recorded before it is created, so the end drops exactly what the restore made.
   */
  private async readyRepository(client: StarRocksClient, source: SnapshotSource, request: () => RestoreRequest, update: (c: (r: RestoreRequest) => RestoreRequest) => Promise<void>): Promise<string | null> {
    if (request().repositoryOwned === null) {
      const found = (await client.repositories()).find((r) => r.name === source.spec.name);
      if (found && found.location !== source.spec.location) {
        return `${request().targetInstanceId} has a repository ${found.name} pointing at ${found.location}, not at ${source.spec.location} where the backup is`;
      }
      await update((r) => ({ ...r, repositoryOwned: found === undefined }));
    }
    if (request().repositoryOwned) await client.ensureRepository(source.spec);
    return null;
  }

  private async finish(request: RestoreRequest, client: StarRocksClient): Promise<void> {
    let warning: string | null = null;
    if (request.repositoryOwned && !request.repositoryDropped) {
      try {
        await client.dropRepository(request.repository);
      } catch (err) {
        if (err instanceof OutsideError && (err.kind === 'unreachable' || err.kind === 'timeout')) throw err;
        if (!(err instanceof OutsideError && err.kind === 'repository_missing')) {
          warning = `The read-only repository ${request.repository} could not be dropped on ${request.targetInstanceId} (${err instanceof Error ? err.message : String(err)}); drop it by hand: DROP REPOSITORY ${request.repository} (its objects stay on OSS).`;
        }
      }
    }
    const failed = request.jobs.filter((j) => j.state === 'FAILED');
    const state = failed.length === 0 ? 'FINISHED' : 'FAILED';
    const times = request.jobs.map((j) => (j.finishedAt ? Date.parse(j.finishedAt) : NaN)).filter((t) => !Number.isNaN(t));
    const at = times.length ? new Date(Math.max(...times)) : this.deps.clock.now();
    await this.end(request.id, (r) => ({
      ...transitionRestore(r, state, at),
      repositoryDropped: r.repositoryOwned === true && warning === null,
      warnings: warning ? [...r.warnings, warning] : r.warnings,
      error: state === 'FAILED' ? failed.map((j) => `${j.database}: ${j.error ?? 'failed'}${isCommitState(j.jobState) ? ' (during commit)' : ''}`).join('; ') : null,
    }));
  }

  /** The end, its messages, its task and its audit record land together. */
  private async end(id: string, transition: (r: RestoreRequest) => RestoreRequest): Promise<void> {
    const request = await this.deps.store.restores.get(id);
    if (!request) return;
    const set = await setOf(this.deps.store, request);
    const zone = this.zone(request);
    const now = this.deps.clock.now();
    const ended = await this.deps.store.atomically(async (tx) => {
      const next = await tx.restores.update(id, transition);
      const verify = next.jobs.some((j) => j.state === 'FINISHED')
        ? { label: 'Verify', action: 'verify', subject: next.id, value: this.deps.signer.action(`verify ${next.id}`, VERIFY_BUTTON_TTL_SECONDS, now) }
        : null;
      await this.deps.announcer.announce(next.targetInstanceId, completionReply(next, set, zone, verify), progressKey(next.id), tx);
      if (next.state === 'FAILED') await this.deps.announcer.announce(next.targetInstanceId, failureAlert(next), null, tx);
      await this.deps.tasks.record(this.task(next), tx);
      await this.deps.audit.record({ actor: SYSTEM_ACTOR, action: 'restore.finish', instanceId: next.targetInstanceId, subject: next.id, after: { state: next.state, error: next.error, droppedDatabases: next.droppedDatabases } }, tx);
      return next;
    });
    const fields = { event: ended.state === 'FINISHED' ? 'restore.finished' : 'restore.failed', restoreId: ended.id, target: ended.targetInstanceId, state: ended.state, error: ended.error };
    if (ended.state === 'FINISHED') this.deps.log.info(fields, 'restore finished');
    else this.deps.log.warn(fields, 'restore failed');
    this.deps.onEnded?.(ended);
  }
}
