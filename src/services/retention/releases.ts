// `/backup release <instance>`: after the admin types the instance id, the bot stops scheduling
// and running its backups and deletes every backup set of it that holds data (a task with its
// progress in sets). A running backup or a restore from or into the instance blocks it. The
// configuration still names the instance afterwards: it stays released (recorded in the store)
// until it is removed from the file, and the bot says so at every start.

import { holdsData, transitionBackupSet } from '../../domain/backup-set';
import { ConflictError, UserError } from '../../domain/errors';
import { RESTORE_READING } from '../../domain/retention';
import { quoteInput } from '../../domain/text';
import type { Actor, BackupSet, InstanceRelease } from '../../domain/types';
import type { StoreRecords } from '../../ports';
import { SYSTEM_ACTOR } from '../audit';
import { deletionTaskId, type RetentionDeps } from './deletions';
import { releaseDone, releaseStarted, stillReleasedText } from './messages';
import { recordedName, shownName, type ReleasedInstances } from './released';

export interface ReleasePreview {
  instanceId: string;
  /** The sets the release deletes (everything holding data, newest first). */
  sets: BackupSet[];
  bytes: number;
  zone: string;
}

export class ReleaseService {
  /** Called after a release started, so the retention controller deletes at once. */
  onReleased: () => void = () => {};

  constructor(
    private readonly deps: RetentionDeps,
    readonly released: ReleasedInstances,
  ) {}

  private async blockers(instanceId: string, records: StoreRecords): Promise<string | null> {
    const [running] = await records.backupSets.list({ instanceId, states: ['RUNNING'], limit: 1 });
    if (running) return `backup ${running.id} of ${instanceId} is running; a started backup cannot be interrupted. Release ${instanceId} once it has ended (see /backup tasks ${instanceId}).`;
    const restores = await records.restores.list({ instanceId, states: RESTORE_READING });
    const restore = restores[0];
    if (restore) {
      const way = restore.targetInstanceId === instanceId ? `into ${instanceId}` : `of ${restore.backupSetId}`;
      return `restore ${restore.id} (${way}) is ${restore.state === 'PENDING_APPROVAL' ? 'awaiting approval' : restore.state === 'APPROVED' ? 'approved' : 'running'}; release ${instanceId} once it has ended (or withdraw it with /backup cancel ${restore.id}).`;
    }
    return null;
  }

  /** What a release of the instance would delete; refuses at once what would be refused after typing. */
  async preview(instanceId: string): Promise<ReleasePreview> {
    const instance = this.deps.instances.get(instanceId);
    const already = await this.released.get(instanceId);
    if (already) throw new ConflictError(`${instanceId} was already released on ${already.releasedAt.slice(0, 10)} by ${already.releasedBy}${already.finishedAt ? '' : '; its backups are still being deleted (see /backup tasks)'}.`);
    const blocker = await this.blockers(instanceId, this.deps.store);
    if (blocker) throw new ConflictError(`${instanceId} cannot be released now: ${blocker}`);
    const sets = (await this.deps.store.backupSets.list({ instanceId })).filter(holdsData);
    return { instanceId, sets, bytes: sets.reduce((n, s) => n + (s.sizeBytes ?? 0), 0), zone: instance.timezone };
  }

  /** Releases the instance once `typed` is exactly its id. */
  async release(actor: Actor, instanceId: string, typed: string): Promise<{ release: InstanceRelease; sets: BackupSet[] }> {
    const { store, clock, tasks, audit, announcer } = this.deps;
    this.deps.instances.get(instanceId);
    if (typed !== instanceId) {
      throw new UserError(`the confirmation does not match: you typed ${quoteInput(typed)}, but releasing needs the instance id ${instanceId} exactly. Nothing was deleted.`);
    }
    const now = clock.now();
    const taskId = `rel-${instanceId}-${now.getTime()}`;
    const result = await store.atomically(async (tx) => {
      if (await this.released.get(instanceId, tx)) throw new ConflictError(`${instanceId} was already released.`);
      const blocker = await this.blockers(instanceId, tx);
      if (blocker) throw new ConflictError(`${instanceId} cannot be released now: ${blocker}`);
      const sets = (await tx.backupSets.list({ instanceId })).filter(holdsData);
      const release: InstanceRelease = {
        instanceId,
        releasedAt: now.toISOString(),
        releasedBy: recordedName(actor),
        setIds: sets.map((s) => s.id),
        bytes: sets.reduce((n, s) => n + (s.sizeBytes ?? 0), 0),
        taskId,
        finishedAt: null,
      };
      await this.released.save(release, tx);
      for (const set of sets) {
        if (set.state === 'EXPIRING' || set.state === 'DELETING') continue;
        await tx.backupSets.update(set.id, (s) => ({ ...transitionBackupSet(s, 'DELETING', now), deletedBy: recordedName(actor), retentionHold: null }));
        await tasks.record({ id: deletionTaskId(set.id), kind: 'delete', instanceId, subject: set.id, state: 'RUNNING', startedAt: now.toISOString(), finishedAt: null, progress: { done: 0, total: set.objectCount ?? 0, unit: 'objects' }, detail: `deleting: ${instanceId} was released` }, tx);
      }
      await tasks.record({ id: taskId, kind: 'release', instanceId, subject: instanceId, state: 'RUNNING', startedAt: now.toISOString(), finishedAt: null, progress: { done: 0, total: sets.length, unit: 'sets' }, detail: `deleting ${sets.length} backup sets` }, tx);
      await audit.record({ actor, action: 'instance.release', instanceId, subject: instanceId, before: { sets: release.setIds }, after: { released: true, bytes: release.bytes } }, tx);
      await announcer.announce(instanceId, releaseStarted(release, sets, shownName(actor)), null, tx);
      return { release, sets };
    });
    this.deps.log.warn({ event: 'instance.released', instanceId, by: recordedName(actor), sets: result.release.setIds.length }, 'instance released');
    this.onReleased();
    return result;
  }

  /** Moves each unfinished release on: its task's progress, and its end once every set is gone. */
  async advance(): Promise<void> {
    for (const release of Object.values(await this.released.all())) {
      if (release.finishedAt !== null) continue;
      const sets = await Promise.all(release.setIds.map((id) => this.deps.store.backupSets.get(id)));
      const done = sets.filter((s) => s === null || !holdsData(s)).length;
      if (done < release.setIds.length) {
        await this.deps.tasks.record({ id: release.taskId, kind: 'release', instanceId: release.instanceId, subject: release.instanceId, progress: { done, total: release.setIds.length, unit: 'sets' } });
        continue;
      }
      await this.finish(release);
    }
  }

  private async finish(release: InstanceRelease): Promise<void> {
    const { store, clock, tasks, audit, announcer } = this.deps;
    const now = clock.now().toISOString();
    await store.atomically(async (tx) => {
      const current = await this.released.get(release.instanceId, tx);
      if (!current || current.finishedAt !== null) return;
      const finished = { ...current, finishedAt: now };
      await this.released.save(finished, tx);
      await tasks.record({ id: current.taskId, kind: 'release', instanceId: current.instanceId, subject: current.instanceId, state: 'FINISHED', finishedAt: now, progress: { done: current.setIds.length, total: current.setIds.length, unit: 'sets' }, detail: `released: ${current.setIds.length} backup sets deleted` }, tx);
      await audit.record({ actor: SYSTEM_ACTOR, action: 'instance.released', instanceId: current.instanceId, subject: current.instanceId, after: { sets: current.setIds, bytes: current.bytes } }, tx);
      await announcer.announce(current.instanceId, releaseDone(finished), null, tx);
    });
  }

  /**
   * At start: names each released instance still in the configuration (the log, and the returned
   * lines for the terminal); forgets the releases of instances removed from it (added back, they
   * start afresh).
   */
  async atStart(): Promise<string[]> {
    const all = await this.released.all();
    const gone = Object.keys(all).filter((id) => !this.deps.instances.has(id) && all[id]?.finishedAt !== null);
    await this.released.forget(gone);
    for (const id of gone) this.deps.log.info({ event: 'instance.release_forgotten', instanceId: id }, 'a released instance left the configuration; its release record is dropped');
    const lines: string[] = [];
    for (const release of Object.values(all)) {
      const instance = this.deps.instances.find(release.instanceId);
      if (!instance) continue;
      const text = stillReleasedText(release, instance.timezone);
      lines.push(text);
      this.deps.log.warn({ event: 'instance.still_released', instanceId: release.instanceId, releasedAt: release.releasedAt, releasedBy: release.releasedBy }, text);
    }
    return lines;
  }
}
