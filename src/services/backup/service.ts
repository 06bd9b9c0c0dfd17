// Starting backups: a manual run now, the scheduled run of a day. Starting one writes the set to
// the store (which enforces one running backup per instance and the once-a-day rule); the backup
// controller, on whichever process leads, picks it up and runs it.

import type { InstanceConfig } from '../../config/types';
import { BackupRunningError, ConflictError, DayTakenError, NotFoundError, UserError } from '../../domain/errors';
import { formatLocal } from '../../domain/format';
import { backupSetId, withCollisionSuffix } from '../../domain/ids';
import type { Actor, BackupSet } from '../../domain/types';
import type { Clock, Logger, Store, StoreRecords } from '../../ports';
import type { Announcer } from '../announcer';
import { SYSTEM_ACTOR, type Auditor } from '../audit';
import type { BackupabilityCheck } from '../backupable';
import type { InstanceDirectory } from '../instances';
import type { SettingsService } from '../settings';
import type { TaskBook } from '../tasks';
import { newBackupSet } from './new-set';

export interface BackupServiceDeps {
  store: Store;
  clock: Clock;
  instances: InstanceDirectory;
  settings: SettingsService;
  announcer: Announcer;
  audit: Auditor;
  tasks: TaskBook;
  /** Refuses an instance that can never be backed up (shared-data), read from the cluster. */
  backupable: BackupabilityCheck;
  log: Logger;
  /** Called after a set was written, so the backup controller looks at once; with who started it. */
  onStarted?: (set: BackupSet, actor: Actor) => void;
  /** Why the instance takes no backups any more (it was released), or null. */
  releasedRefusal?: (instanceId: string) => Promise<string | null>;
}

export class BackupService {
  constructor(private readonly deps: BackupServiceDeps) {}

  get(id: string): Promise<BackupSet | null> {
    return this.deps.store.backupSets.get(id);
  }

  /** The instance a set belongs to (for role checks), or null for an unknown set. */
  async instanceOf(id: string): Promise<string | null> {
    return (await this.get(id))?.instanceId ?? null;
  }

  /** Refuses, naming the running set, while a backup of the instance runs. */
  async assertNoneRunning(instanceId: string): Promise<InstanceConfig> {
    const instance = this.deps.instances.get(instanceId);
    const released = await this.deps.releasedRefusal?.(instanceId);
    if (released) throw new ConflictError(released);
    const [running] = await this.deps.store.backupSets.list({ instanceId, states: ['RUNNING'], limit: 1 });
    if (running) throw this.runningRefusal(instance, running);
    return instance;
  }

  /**
   * What `/backup run` checks before it asks and again before it starts: no backup running, and
   * not a shared-data cluster. A cluster that does not say what it is gives a note, not a refusal
   * (the run's preflight reads it again).
   */
  async assertRunnable(instanceId: string): Promise<{ instance: InstanceConfig; note: string | null }> {
    const instance = await this.assertNoneRunning(instanceId);
    const able = await this.deps.backupable.check(instance, 'Nothing was started.');
    const note = able.kind === 'unknown' ? `The architecture of ${instanceId} could not be read from the cluster (${able.why}); the backup's preflight checks it again.` : null;
    return { instance, note };
  }

  private runningRefusal(instance: InstanceConfig, running: BackupSet): ConflictError {
    return new ConflictError(
      `a backup of ${instance.id} is already running: ${running.id}, started ${formatLocal(new Date(running.startedAt), instance.timezone)}. ` +
        `A started backup cannot be interrupted; wait for it to end (see /backup tasks ${instance.id}).`,
    );
  }

  /** A backup now, outside the schedule. */
  async startManual(actor: Actor, instanceId: string): Promise<BackupSet> {
    const instance = this.deps.instances.get(instanceId);
    const released = await this.deps.releasedRefusal?.(instanceId);
    if (released) throw new ConflictError(released);
    let set: BackupSet;
    try {
      set = await this.create(instance, 'manual', actor, null, false, (created, tx) =>
        this.deps.audit.record({ actor, action: 'backup.run', instanceId, subject: created.id, after: { trigger: 'manual' } }, tx),
      );
    } catch (err) {
      if (err instanceof BackupRunningError) {
        const running = await this.get(err.holder);
        throw running ? this.runningRefusal(instance, running) : err;
      }
      throw err;
    }
    this.started(set, actor);
    return set;
  }

  /** Starts the scheduled set of a local day; null when the day is already held or a backup runs. */
  async startScheduled(instanceId: string, day: string, late: boolean): Promise<BackupSet | null> {
    const instance = this.deps.instances.find(instanceId);
    if (!instance) return null;
    if (await this.deps.releasedRefusal?.(instanceId)) {
      this.deps.log.info({ instanceId, day }, 'scheduled backup skipped: the instance is released');
      return null;
    }
    let set: BackupSet;
    try {
      set = await this.create(instance, 'scheduled', SYSTEM_ACTOR, day, late, (created, tx) =>
        this.deps.audit.record({ actor: SYSTEM_ACTOR, action: 'backup.run', instanceId, subject: created.id, after: { trigger: 'scheduled', day, late } }, tx),
      );
    } catch (err) {
      if (err instanceof DayTakenError) {
        this.deps.log.info({ instanceId, day, holder: err.holder }, 'scheduled backup skipped: the day is taken');
        return null;
      }
      if (err instanceof BackupRunningError) {
        this.deps.log.warn({ instanceId, day, running: err.holder }, 'scheduled backup skipped: a backup is running');
        await this.deps.announcer.announce(instanceId, {
          visibility: 'channel',
          tone: 'warning',
          title: `Scheduled backup of ${instanceId} skipped`,
          text: `The scheduled backup of *${instanceId}* for ${day} did not start: backup ${err.holder} is still running, and an instance runs one backup at a time. It counts for today once it finishes; if it fails, /backup run ${instanceId} takes one now.`,
        });
        return null;
      }
      throw err;
    }
    this.started(set, SYSTEM_ACTOR);
    return set;
  }

  /** A backup cannot be interrupted once started: the answer to `/backup cancel bk-...`. */
  async refuseCancel(id: string): Promise<never> {
    const set = await this.get(id);
    if (!set) throw new NotFoundError(`there is no backup set ${id} (see /backup list <instance>)`);
    if (set.state === 'RUNNING') {
      throw new UserError(`${id} cannot be cancelled: a backup task cannot be interrupted once it has started. It will finish (or fail) by itself; follow it with /backup tasks ${set.instanceId}.`);
    }
    throw new UserError(`${id} is not running (it is ${set.state}), so there is nothing to cancel. A backup task cannot be interrupted once started; to remove a finished backup use /backup delete ${id}.`);
  }

  private started(set: BackupSet, actor: Actor): void {
    this.deps.log.info({ event: 'backup.started', setId: set.id, instanceId: set.instanceId, trigger: set.trigger }, 'backup started');
    this.deps.onStarted?.(set, actor);
  }

  /** Writes the new set and its audit record in one transaction (a duplicate id tries the next). */
  private async create(
    instance: InstanceConfig,
    trigger: BackupSet['trigger'],
    actor: Actor,
    day: string | null,
    late: boolean,
    audit: (set: BackupSet, tx: StoreRecords) => Promise<void>,
  ): Promise<BackupSet> {
    const now = this.deps.clock.now();
    const settings = await this.deps.settings.current(instance.id);
    const base = backupSetId(now, instance.timezone, instance.id);
    for (let n = 1; n < 100; n++) {
      const id = withCollisionSuffix(base, n);
      const set = newBackupSet({ id, instance, trigger, actor, day, late, startedAt: now, retentionDays: settings.retentionDays });
      try {
        return await this.deps.store.atomically(async (tx) => {
          await tx.backupSets.create(set);
          // A task from the start: /backup tasks shows it before the first step has run.
          await this.deps.tasks.backupProgress(set, tx);
          await audit(set, tx);
          return set;
        });
      } catch (err) {
        // Another set has this id (made the same minute, here or by another process): the next one.
        if (err instanceof ConflictError && !(err instanceof DayTakenError) && !(err instanceof BackupRunningError)) continue;
        throw err;
      }
    }
    throw new UserError(`too many backups of ${instance.id} started this minute`);
  }
}
