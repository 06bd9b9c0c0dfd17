// Runs backup sets: manual ones now, scheduled ones when the scheduler says, and the ones a
// restart interrupted (it resumes tracking the same StarRocks jobs; it never submits twice).

import type { BotConfig, InstanceConfig } from '../../config/types';
import { ConflictError, OutsideError, UserError } from '../../domain/errors';
import { backupSetId, withCollisionSuffix } from '../../domain/ids';
import { transitionBackupSet } from '../../domain/backup-set';
import type { Actor, BackupSet, DatabaseBackup, Task } from '../../domain/types';
import type { Clock, Logger, Store } from '../../ports';
import type { Announcer } from '../announcer';
import { SYSTEM_ACTOR } from '../audit';
import type { Auditor } from '../audit';
import type { BackupCatalog } from '../catalog';
import type { Clusters } from '../clusters';
import type { InstanceDirectory } from '../instances';
import type { BackupStarter } from '../services';
import type { SettingsService } from '../settings';
import { followDatabase, submitDatabase } from './database-job';
import type { JobContext } from './database-job';
import { backupTimeoutSeconds, planBackup } from './plan';
import { preflight, PreflightRefusal, repositoryRoot } from './preflight';
import { completionReply, failureAlert, progressReply } from './report';
import { newBackupSet } from './new-set';
import { Semaphore } from './semaphore';

export interface EngineTiming {
  /** First and longest pause between two looks at the running jobs. */
  pollMinMs: number;
  pollMaxMs: number;
}

/** What launched a run in this process: a chat command, the scheduler, or the resume at start-up. */
export interface LaunchedRun {
  setId: string;
  launchedBy: 'command' | 'schedule' | 'resume';
  /** The chat platform of the command's caller; 'system' for the scheduler and the resume. */
  platform: Actor['platform'];
}

export interface BackupEngineDeps {
  config: BotConfig;
  store: Store;
  clock: Clock;
  instances: InstanceDirectory;
  clusters: Clusters;
  catalog: BackupCatalog;
  settings: SettingsService;
  announcer: Announcer;
  audit: Auditor;
  log: Logger;
  sleep: (ms: number) => Promise<void>;
  timing: EngineTiming;
}

export class BackupEngine implements BackupStarter {
  private readonly runs = new Map<string, { run: LaunchedRun; done: Promise<void> }>();
  private readonly slots: Semaphore;
  private readonly starting = new Set<string>();
  /** BACKUP SNAPSHOT statements being sent (recorded as submitted first). */
  private readonly sending = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(private readonly deps: BackupEngineDeps) {
    this.slots = new Semaphore(deps.config.scheduler.concurrency);
  }

  /**
   * Resolves when every run started so far has ended (tests, shutdown); with `only`, every run
   * it picks (a piped terminal session waits for the runs its own commands started, not for
   * ones resumed from a previous process, which may take long).
   */
  async whenIdle(only: (run: LaunchedRun) => boolean = () => true): Promise<void> {
    for (;;) {
      const waiting = [...this.runs.values()].filter((r) => only(r.run)).map((r) => r.done);
      if (waiting.length === 0) return;
      await Promise.allSettled(waiting);
    }
  }

  /**
   * Starts nothing more; resolves once no submission is half-way (recorded, not yet answered),
   * so closing the clients after it never leaves a recorded submission unsent.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.sending]);
  }

  async startManual(actor: Actor, instanceId: string): Promise<BackupSet> {
    const instance = this.deps.instances.get(instanceId);
    if (this.starting.has(instanceId)) throw new ConflictError(`a backup of ${instanceId} is being started right now`);
    this.starting.add(instanceId);
    try {
      const running = await this.deps.catalog.running(instanceId);
      if (running) throw new ConflictError(`a backup of ${instanceId} is already running: ${running.id}. A started backup cannot be interrupted; wait for it to end.`);
      const set = await this.create(instance, 'manual', actor, null, false);
      await this.deps.audit.record({ actor, action: 'backup.run', instanceId, subject: set.id, after: { trigger: 'manual' } });
      this.launch({ setId: set.id, launchedBy: 'command', platform: actor.platform });
      return set;
    } finally {
      this.starting.delete(instanceId);
    }
  }

  /** Starts the scheduled set of a local day; null when the day is already held by another set. */
  async startScheduled(instanceId: string, day: string, late: boolean): Promise<BackupSet | null> {
    const instance = this.deps.instances.find(instanceId);
    if (!instance || this.stopped) return null;
    let set: BackupSet;
    try {
      set = await this.create(instance, 'scheduled', SYSTEM_ACTOR, day, late);
    } catch (err) {
      if (err instanceof ConflictError) {
        this.deps.log.info({ instanceId, day, reason: err.message }, 'scheduled backup skipped: the day is taken');
        return null;
      }
      throw err;
    }
    await this.deps.audit.record({ actor: SYSTEM_ACTOR, action: 'backup.run', instanceId, subject: set.id, after: { trigger: 'scheduled', day, late } });
    this.launch({ setId: set.id, launchedBy: 'schedule', platform: 'system' });
    return set;
  }

  /** On start-up: follow every set a previous run of the bot left RUNNING. */
  async resumeRunning(): Promise<string[]> {
    const running = await this.deps.store.listBackupSets({ states: ['RUNNING'] });
    for (const set of running) this.launch({ setId: set.id, launchedBy: 'resume', platform: 'system' });
    return running.map((s) => s.id);
  }

  private async create(instance: InstanceConfig, trigger: BackupSet['trigger'], actor: Actor, day: string | null, late: boolean): Promise<BackupSet> {
    const now = this.deps.clock.now();
    const settings = await this.deps.settings.current(instance.id);
    const base = backupSetId(now, instance.timezone, instance.id);
    for (let n = 1; n < 100; n++) {
      const id = withCollisionSuffix(base, n);
      if (await this.deps.store.getBackupSet(id)) continue;
      const set = newBackupSet({ id, instance, trigger, actor, day, late, startedAt: now, retentionDays: settings.retentionDays });
      await this.deps.store.createBackupSet(set);
      return set;
    }
    throw new UserError(`too many backups of ${instance.id} started this minute`);
  }

  private launch(run: LaunchedRun): void {
    const { setId } = run;
    if (this.runs.has(setId)) return;
    const done = this.execute(setId)
      .catch((err: unknown) => this.deps.log.error({ setId, err: err instanceof Error ? err.message : String(err) }, 'backup run crashed'))
      .finally(() => this.runs.delete(setId));
    this.runs.set(setId, { run, done });
  }

  private async task(set: BackupSet, patch: Partial<Task>): Promise<void> {
    const now = this.deps.clock.now().toISOString();
    const existing = await this.deps.store.getTask(set.id);
    const done = set.databases.filter((d) => d.state === 'FINISHED' || d.state === 'FAILED').length;
    await this.deps.store.upsertTask({
      id: set.id,
      kind: 'backup',
      instanceId: set.instanceId,
      subject: set.id,
      state: 'RUNNING',
      progress: set.databases.length ? { done, total: set.databases.length, unit: 'databases' } : null,
      detail: '',
      startedAt: existing?.startedAt ?? set.startedAt,
      finishedAt: null,
      ...patch,
      updatedAt: now,
    });
  }

  private async progress(set: BackupSet): Promise<void> {
    const instance = this.deps.instances.find(set.instanceId);
    await this.deps.announcer.announce(set.instanceId, progressReply(set, instance, this.deps.clock.now()), `backup:${set.id}`);
    await this.task(set, { detail: set.databases.map((d) => `${d.database}: ${d.state === 'SUBMITTED' ? (d.jobState ?? 'submitted') : d.state}`).join(', ') });
  }

  private async execute(setId: string): Promise<void> {
    const release = await this.slots.acquire();
    try {
      let set = await this.mustGet(setId);
      const instance = this.deps.instances.find(set.instanceId);
      if (!instance) {
        await this.fail(set, `instance ${set.instanceId} is no longer in the configuration`);
        return;
      }
      await this.progress(set);
      if (set.databases.length === 0) {
        const planned = await this.plan(set, instance);
        if (!planned) return;
        set = planned;
      }
      await this.track(set, instance);
    } finally {
      release();
    }
  }

  private async mustGet(setId: string): Promise<BackupSet> {
    const set = await this.deps.store.getBackupSet(setId);
    if (!set) throw new Error(`backup set ${setId} vanished from the store`);
    return set;
  }

  /** Preflight and inventory; null when the set failed here. */
  private async plan(set: BackupSet, instance: InstanceConfig): Promise<BackupSet | null> {
    const client = this.deps.clusters.client(instance);
    const objects = this.deps.clusters.storeOf(instance);
    try {
      const region = this.deps.instances.region(instance);
      const checked = await preflight(instance, region, client, objects);
      const inventory = await client.inventory();
      const existing = await objects.listSnapshots(repositoryRoot(region, instance));
      const plan = planBackup(set.id, inventory, new Set(existing.map((s) => s.snapshotName)));
      if (plan.databases.length === 0) {
        await this.fail({ ...set, leftOut: plan.leftOut }, `${instance.id} has no tables StarRocks can back up`);
        return null;
      }
      const warnings = [...checked.warnings];
      if (plan.empty.length) warnings.push(`Databases with nothing to back up: ${plan.empty.join(', ')}.`);
      const updated = await this.deps.store.updateBackupSet(set.id, (s) => ({
        ...s,
        databases: plan.databases,
        leftOut: plan.leftOut,
        warnings,
        sourceVersion: checked.version.raw.split(' ')[0] ?? checked.version.raw,
      }));
      await this.progress(updated);
      return updated;
    } catch (err) {
      // Cut short by this process stopping (its clients closed): not the set's failure. It
      // stays RUNNING, and the next start plans it again.
      if (this.stopped) return null;
      if (err instanceof PreflightRefusal) {
        await this.fail(set, err.message);
        return null;
      }
      if (err instanceof OutsideError) {
        await this.fail(set, `preflight failed: ${err.system === 'oss' ? 'OSS' : 'StarRocks'} answered: ${err.message}`);
        return null;
      }
      throw err;
    }
  }

  private async track(initial: BackupSet, instance: InstanceConfig): Promise<void> {
    const { store, clock, config, log, sleep, timing } = this.deps;
    const region = this.deps.instances.region(instance);
    const cap = config.scheduler.databaseConcurrency;
    let delay = timing.pollMinMs;
    let set = initial;
    const update = async (database: string, change: (d: DatabaseBackup) => DatabaseBackup): Promise<void> => {
      set = await store.updateBackupSet(set.id, (s) => ({ ...s, databases: s.databases.map((d) => (d.database === database ? change(d) : d)) }));
    };
    const leaveOut = async (database: string, table: string, reason: string): Promise<void> => {
      set = await store.updateBackupSet(set.id, (s) => ({
        ...s,
        leftOut: { ...s.leftOut, unsupportedTables: [...s.leftOut.unsupportedTables, { database, table, reason }] },
      }));
    };
    const warn = async (warning: string): Promise<void> => {
      set = await store.updateBackupSet(set.id, (s) => ({ ...s, warnings: [...s.warnings, warning] }));
    };
    const ctx: JobContext = {
      set,
      client: this.deps.clusters.client(instance),
      objects: this.deps.clusters.storeOf(instance),
      repositoryRoot: repositoryRoot(region, instance),
      // Sized to the data: the last good backup of this instance says how much there is.
      timeoutSeconds: backupTimeoutSeconds((await this.deps.catalog.lastGood(instance.id))?.sizeBytes ?? null),
      now: () => clock.now(),
      invisibleLimitMs: config.scheduler.invisibleJobLimitMinutes * 60_000,
      log: log.child({ setId: set.id }),
      stopping: () => this.stopped,
    };
    for (;;) {
      if (this.stopped) return;
      let changed = false;
      const submitted = set.databases.filter((d) => d.state === 'SUBMITTED');
      const pending = set.databases.filter((d) => d.state === 'PENDING');
      if (submitted.length === 0 && pending.length === 0) break;
      for (const db of pending.slice(0, Math.max(0, cap - submitted.length))) {
        const sending = submitDatabase({ ...ctx, set }, db, update, (table, reason) => leaveOut(db.database, table, reason));
        this.sending.add(sending);
        const outcome = await sending.finally(() => this.sending.delete(sending));
        changed = changed || outcome !== 'busy';
      }
      for (const db of set.databases.filter((d) => d.state === 'SUBMITTED')) {
        try {
          changed = (await followDatabase({ ...ctx, set }, db, update, warn)) || changed;
        } catch (err) {
          // Lost connections, FE leader changes: keep following; the invisible-job limit ends it.
          log.warn({ setId: set.id, database: db.database, err: err instanceof Error ? err.message : String(err) }, 'could not read the backup job; will look again');
        }
      }
      if (changed) {
        await this.progress(set);
        delay = timing.pollMinMs;
      } else {
        delay = Math.min(timing.pollMaxMs, Math.round(delay * 1.5));
      }
      if (set.databases.some((d) => d.state === 'SUBMITTED' || d.state === 'PENDING')) await sleep(delay);
    }
    await this.finish(set);
  }

  private async finish(set: BackupSet): Promise<void> {
    const now = this.deps.clock.now();
    const ok = set.databases.filter((d) => d.state === 'FINISHED');
    const state = ok.length === set.databases.length ? 'FINISHED' : ok.length > 0 ? 'PARTIAL' : 'FAILED';
    const done = await this.deps.store.updateBackupSet(set.id, (s) =>
      transitionBackupSet(
        {
          ...s,
          sizeBytes: ok.reduce((n, d) => n + (d.sizeBytes ?? 0), 0),
          objectCount: ok.reduce((n, d) => n + (d.objectCount ?? 0), 0),
          error: state === 'FAILED' ? 'every database failed' : null,
        },
        state,
        now,
      ),
    );
    await this.conclude(done);
  }

  private async fail(set: BackupSet, reason: string): Promise<void> {
    const now = this.deps.clock.now();
    const done = await this.deps.store.updateBackupSet(set.id, (s) => transitionBackupSet({ ...s, leftOut: set.leftOut, error: reason }, 'FAILED', now));
    await this.conclude(done);
  }

  private async conclude(set: BackupSet): Promise<void> {
    const instance = this.deps.instances.find(set.instanceId);
    await this.deps.announcer.announce(set.instanceId, completionReply(set, instance), `backup:${set.id}`);
    if (set.state !== 'FINISHED') await this.deps.announcer.announce(set.instanceId, failureAlert(set));
    await this.task(set, { state: set.state === 'FAILED' ? 'FAILED' : 'FINISHED', finishedAt: set.finishedAt, detail: set.state === 'FAILED' ? (set.error ?? 'failed') : `${set.state}, ${set.databases.filter((d) => d.state === 'FINISHED').length}/${set.databases.length} databases` });
    await this.deps.audit.record({ actor: SYSTEM_ACTOR, action: 'backup.finish', instanceId: set.instanceId, subject: set.id, after: { state: set.state, sizeBytes: set.sizeBytes, error: set.error } });
  }
}
