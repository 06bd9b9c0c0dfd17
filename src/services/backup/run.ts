// One step of a running backup set, safe to run again after a crash at any line: it reads what
// the store says was done, looks at the cluster and OSS, and moves the set one step on: plan
// (preflight, inventory), submit what is pending (recorded before it is sent), follow what was
// submitted, and finish when every database ended.

import type { InstanceConfig } from '../../config/types';
import { withEvents } from '../../domain/backup-events';
import { transitionBackupSet } from '../../domain/backup-set';
import { OutsideError } from '../../domain/errors';
import type { BackupSet, DatabaseBackup } from '../../domain/types';
import type { Clock, Logger, Store, StoreRecords } from '../../ports';
import type { Announcer } from '../announcer';
import { SYSTEM_ACTOR, type Auditor } from '../audit';
import type { BackupCatalog } from '../catalog';
import type { Clusters } from '../clusters';
import type { InstanceDirectory } from '../instances';
import { JobTracker } from '../jobs/tracker';
import type { TaskBook } from '../tasks';
import { followDatabase, submitDatabase, type JobContext } from './database-job';
import { noteOutage } from './outage';
import { backupTimeoutSeconds, planBackup } from './plan';
import { preflight, PreflightRefusal, repositoryRoot } from './preflight';
import { completionReply, failureAlert, progressReply } from './report';

export interface BackupRunDeps {
  store: Store;
  clock: Clock;
  instances: InstanceDirectory;
  clusters: Clusters;
  catalog: BackupCatalog;
  announcer: Announcer;
  audit: Auditor;
  tasks: TaskBook;
  log: Logger;
  databaseConcurrency: number;
  invisibleJobLimitMinutes: number;
  /** A cluster or OSS silent this long during a run is announced. */
  outageNoticeMinutes: number;
  /** How long a submitted job may be unseen before the bot asks whether the statement ran at all. */
  resendGraceMs?: number;
  /** Told when a set ends (metrics, structured log). */
  onEnded?: (set: BackupSet) => void;
}

/** What a step did: the set moved (look again soon), nothing changed (back off), or it ended. */
export type StepOutcome = 'changed' | 'unchanged' | 'ended';

export class BackupRuns {
  constructor(private readonly deps: BackupRunDeps) {}

  async step(setId: string): Promise<StepOutcome> {
    const set = await this.deps.store.backupSets.get(setId);
    if (!set || set.state !== 'RUNNING') return 'ended';
    const instance = this.deps.instances.find(set.instanceId);
    if (!instance) {
      await this.fail(set, `instance ${set.instanceId} is no longer in the configuration`);
      return 'ended';
    }
    if (set.databases.length === 0) {
      await this.progress(set);
      if (!(await this.plan(set, instance))) return 'ended';
      // Planned: the first databases are sent in this step, not a poll later.
      const planned = await this.deps.store.backupSets.get(setId);
      if (!planned || planned.state !== 'RUNNING') return 'ended';
      return this.advance(planned, instance);
    }
    return this.advance(set, instance);
  }

  private async progress(set: BackupSet): Promise<void> {
    const instance = this.deps.instances.find(set.instanceId);
    const reply = progressReply(set, instance, this.deps.clock.now());
    await this.deps.store.atomically(async (tx) => {
      await this.deps.announcer.announce(set.instanceId, reply, `backup:${set.id}`, tx);
      await this.deps.tasks.backupProgress(set, tx);
    });
  }

  /** Preflight and inventory; false when the set failed here. */
  private async plan(set: BackupSet, instance: InstanceConfig): Promise<boolean> {
    const client = this.deps.clusters.client(instance);
    const objects = this.deps.clusters.storeOf(instance);
    try {
      const region = this.deps.instances.region(instance);
      const checked = await preflight(instance, region, client, objects);
      const inventory = await client.inventory();
      const existing = await objects.listSnapshots(repositoryRoot(region, instance));
      const plan = planBackup(set.id, inventory, new Set(existing.map((s) => s.snapshotName)));
      if (plan.databases.length === 0) {
        await this.fail({ ...set, leftOut: plan.leftOut }, `${instance.id} has no tables StarRocks can back up`, true);
        return false;
      }
      const warnings = [...checked.warnings];
      if (plan.empty.length) warnings.push(`Databases with nothing to back up: ${plan.empty.join(', ')}.`);
      const updated = await this.deps.store.backupSets.update(
        set.id,
        this.logged((s) => ({
          ...s,
          databases: plan.databases,
          leftOut: plan.leftOut,
          warnings,
          sourceVersion: checked.version.raw.split(' ')[0] ?? checked.version.raw,
        })),
      );
      await this.progress(updated);
      return true;
    } catch (err) {
      if (err instanceof PreflightRefusal) {
        await this.fail(set, err.message, true);
        return false;
      }
      if (err instanceof OutsideError) {
        await this.fail(set, `preflight failed: ${err.system === 'oss' ? 'OSS' : 'StarRocks'} answered: ${err.message}`);
        return false;
      }
      throw err;
    }
  }

  private async advance(initial: BackupSet, instance: InstanceConfig): Promise<StepOutcome> {
    const { store, clock, log } = this.deps;
    let set = initial;
    const update = async (database: string, change: (d: DatabaseBackup) => DatabaseBackup): Promise<void> => {
      set = await store.backupSets.update(set.id, this.logged((s) => ({ ...s, databases: s.databases.map((d) => (d.database === database ? change(d) : d)) })));
    };
    const leaveOut = async (database: string, table: string, reason: string): Promise<void> => {
      set = await store.backupSets.update(set.id, (s) => ({
        ...s,
        leftOut: { ...s.leftOut, unsupportedTables: [...s.leftOut.unsupportedTables, { database, table, reason }] },
      }));
    };
    const warn = async (warning: string): Promise<void> => {
      set = await store.backupSets.update(set.id, (s) => ({ ...s, warnings: [...s.warnings, warning] }));
    };
    const region = this.deps.instances.region(instance);
    const client = this.deps.clusters.client(instance);
    const objects = this.deps.clusters.storeOf(instance);
    const root = repositoryRoot(region, instance);
    const ctx = (): JobContext => ({
      set,
      client,
      objects,
      tracker: new JobTracker({ client, objects, repositoryRoot: root }),
      repositoryRoot: root,
      timeoutSeconds: timeout,
      now: () => clock.now(),
      invisibleLimitMs: this.deps.invisibleJobLimitMinutes * 60_000,
      resendGraceMs: this.deps.resendGraceMs ?? 30_000,
      submittedEarlier: async (snapshotName, before) =>
        (await store.backupSets.list({ instanceId: set.instanceId })).some((s) =>
          s.id !== set.id && s.databases.some((d) => d.snapshotName === snapshotName && d.submittedAt !== null && d.submittedAt < before),
        ),
      log: log.child({ setId: set.id }),
    });
    // Sized to the data: the last good backup of this instance says how much there is.
    const timeout = backupTimeoutSeconds((await this.deps.catalog.lastGood(instance.id))?.sizeBytes ?? null);

    let changed = false;
    const submitPending = async (): Promise<void> => {
      const submitted = set.databases.filter((d) => d.state === 'SUBMITTED').length;
      const pending = set.databases.filter((d) => d.state === 'PENDING');
      for (const db of pending.slice(0, Math.max(0, this.deps.databaseConcurrency - submitted))) {
        const outcome = await submitDatabase(ctx(), db, update, (table, reason) => leaveOut(db.database, table, reason));
        changed = changed || outcome !== 'busy';
      }
    };
    await submitPending();
    const endedBefore = set.databases.filter((d) => d.state === 'FINISHED' || d.state === 'FAILED').length;
    const failures: string[] = [];
    let answered = 0;
    for (const db of set.databases.filter((d) => d.state === 'SUBMITTED')) {
      try {
        changed = (await followDatabase(ctx(), db, update, warn)) || changed;
        answered++;
      } catch (err) {
        // Lost connections, FE leader changes: keep following; the invisible-job limit ends it.
        const message = err instanceof OutsideError ? `${err.system === 'oss' ? 'OSS' : 'StarRocks'}: ${err.message}` : err instanceof Error ? err.message : String(err);
        failures.push(message);
        log.warn({ setId: set.id, database: db.database, err: message }, 'could not read the backup job; will look again');
      }
    }
    // A database that ended just now frees its slot: the next one is sent now, not a poll later.
    const ended = set.databases.filter((d) => d.state === 'FINISHED' || d.state === 'FAILED').length;
    if (ended > endedBefore && set.databases.some((d) => d.state === 'PENDING')) await submitPending();
    set = await noteOutage(
      { store, clock, announcer: this.deps.announcer, noticeMs: this.deps.outageNoticeMinutes * 60_000, invisibleLimitMs: this.deps.invisibleJobLimitMinutes * 60_000, zone: instance.timezone },
      set,
      failures,
      answered,
    );
    if (set.databases.every((d) => d.state === 'FINISHED' || d.state === 'FAILED')) {
      await this.finish(set);
      return 'ended';
    }
    if (changed) await this.progress(set);
    return changed ? 'changed' : 'unchanged';
  }

  private async finish(set: BackupSet): Promise<void> {
    const ok = set.databases.filter((d) => d.state === 'FINISHED');
    const state = ok.length === set.databases.length ? 'FINISHED' : ok.length > 0 ? 'PARTIAL' : 'FAILED';
    // The set finished when its last job did, by the jobs' own times: expiry counts from there.
    const times = set.databases.map((d) => (d.finishedAt ? Date.parse(d.finishedAt) : NaN)).filter((t) => !Number.isNaN(t));
    const finishedAt = times.length ? new Date(Math.max(...times)) : this.deps.clock.now();
    await this.end(set.id, (s) =>
      transitionBackupSet(
        {
          ...s,
          finishedAt: finishedAt.toISOString(),
          sizeBytes: ok.reduce((n, d) => n + (d.sizeBytes ?? 0), 0),
          objectCount: ok.reduce((n, d) => n + (d.objectCount ?? 0), 0),
          error: state === 'FAILED' ? 'every database failed' : null,
        },
        state,
        finishedAt,
      ),
    );
  }

  /** A `refused` failure cannot be helped by trying again (shared-data, another region, nothing to back up). */
  private async fail(set: BackupSet, reason: string, refused = false): Promise<void> {
    const now = this.deps.clock.now();
    await this.end(set.id, (s) => transitionBackupSet({ ...s, leftOut: set.leftOut, error: reason, refused }, 'FAILED', now));
  }

  /** A change of the set with the timeline lines it makes (same update, so same fate on a crash). */
  private logged(change: (s: BackupSet) => BackupSet): (s: BackupSet) => BackupSet {
    return (s) => withEvents(s, change(s), this.deps.clock.now());
  }

  /** The set's end, its announcements, its task and its audit record land together. */
  private async end(setId: string, transition: (s: BackupSet) => BackupSet): Promise<void> {
    const done = await this.deps.store.atomically(async (tx) => {
      const ended = await tx.backupSets.update(setId, this.logged(transition));
      await this.conclude(ended, tx);
      return ended;
    });
    this.deps.onEnded?.(done);
  }

  private async conclude(set: BackupSet, tx: StoreRecords): Promise<void> {
    const instance = this.deps.instances.find(set.instanceId);
    await this.deps.announcer.announce(set.instanceId, completionReply(set, instance), `backup:${set.id}`, tx);
    if (set.state !== 'FINISHED') await this.deps.announcer.announce(set.instanceId, failureAlert(set), null, tx);
    await this.deps.tasks.backupEnded(set, tx);
    await this.deps.audit.record({ actor: SYSTEM_ACTOR, action: 'backup.finish', instanceId: set.instanceId, subject: set.id, after: { state: set.state, sizeBytes: set.sizeBytes, error: set.error } }, tx);
  }
}
