// `/backup delete bk-...`: what the confirm dialog names (the set, its time and size, whether it
// is the instance's last good backup), and the request itself: the set becomes DELETING with a
// task, an audit record and an announcement in one transaction; the retention controller then
// deletes its objects. Refused, with the reason, for a set that runs, is being deleted, is gone,
// or is read by a restore.

import { transitionBackupSet } from '../../domain/backup-set';
import { ConflictError, NotFoundError } from '../../domain/errors';
import { deletionRefusal, lastGoodSets, RESTORE_READING } from '../../domain/retention';
import type { Actor, BackupSet } from '../../domain/types';
import { deletionTaskId, type RetentionDeps } from './deletions';
import { deletionStarted } from './messages';
import { recordedName, shownName } from './released';
import { deletionScope } from './scope';

export interface DeletePreview {
  set: BackupSet;
  /** Zone to show its times in. */
  zone: string;
  /** It is the newest good backup of its instance (deleting it leaves an older one, or none). */
  lastGood: boolean;
  /** Other good sets of the instance that would remain. */
  othersGood: number;
}

export class DeleteService {
  /** Called after a deletion was requested, so the retention controller starts at once. */
  onRequested: () => void = () => {};

  constructor(private readonly deps: RetentionDeps) {}

  private zone(instanceId: string): string {
    return this.deps.instances.find(instanceId)?.timezone ?? 'UTC';
  }

  private async find(id: string): Promise<BackupSet> {
    const set = await this.deps.store.backupSets.get(id);
    if (!set) throw new NotFoundError(`there is no backup set ${id} (see /backup list <instance>)`);
    return set;
  }

  /** What the confirm dialog shows; refuses at once what would be refused after it. */
  async preview(id: string): Promise<DeletePreview> {
    const set = await this.find(id);
    const zone = this.zone(set.instanceId);
    const restores = await this.deps.store.restores.list({ backupSetId: id, states: RESTORE_READING });
    const refusal = deletionRefusal(set, restores, zone);
    if (refusal) throw new ConflictError(refusal);
    const good = (await this.deps.store.backupSets.list({ instanceId: set.instanceId, states: ['FINISHED', 'PARTIAL'] })).filter((s) => s.id !== id);
    return { set, zone, lastGood: lastGoodSets([set, ...good], 1).has(id), othersGood: good.length };
  }

  /** Starts the deletion; the set is DELETING when this returns. */
  async request(actor: Actor, id: string): Promise<BackupSet> {
    const { store, clock, tasks, audit, announcer } = this.deps;
    const set = await this.find(id);
    // A record pointing outside its instance's repository is refused before anything changes.
    deletionScope(set, await store.backupSets.list(), this.deps.instances, this.deps.clusters);
    const zone = this.zone(set.instanceId);
    const now = clock.now();
    const started = await store.atomically(async (tx) => {
      const current = await tx.backupSets.get(id);
      if (!current) throw new NotFoundError(`there is no backup set ${id}`);
      const refusal = deletionRefusal(current, await tx.restores.list({ backupSetId: id, states: RESTORE_READING }), zone);
      if (refusal) throw new ConflictError(refusal);
      const next = await tx.backupSets.update(id, (s) => ({ ...transitionBackupSet(s, 'DELETING', now), deletedBy: recordedName(actor), retentionHold: null }));
      await tasks.record(
        {
          id: deletionTaskId(id),
          kind: 'delete',
          instanceId: set.instanceId,
          subject: id,
          state: 'RUNNING',
          startedAt: now.toISOString(),
          finishedAt: null,
          progress: { done: 0, total: current.objectCount ?? 0, unit: 'objects' },
          detail: `deleting, requested by ${shownName(actor)}`,
        },
        tx,
      );
      await audit.record({ actor, action: 'backup.delete', instanceId: set.instanceId, subject: id, before: { state: current.state }, after: { state: 'DELETING' } }, tx);
      await announcer.announce(set.instanceId, deletionStarted(next, shownName(actor), zone), null, tx);
      return next;
    });
    this.deps.log.info({ event: 'backup.delete_requested', setId: id, instanceId: set.instanceId, by: recordedName(actor) }, 'backup set deletion requested');
    this.onRequested();
    return started;
  }
}
