// Finishing the deletion of one EXPIRING or DELETING set, safe to run again after a crash at any
// line: the set stays EXPIRING / DELETING until a listing of every snapshot directory finds
// nothing, so a resumed run simply deletes what is left. The end (EXPIRED / DELETED), its task,
// audit record and announcement land in one transaction. A refusal that retrying will not cure
// soon (a retention lock, a record outside its repository) is said once and tried again daily.

import { isDeletionUnfinished, transitionBackupSet } from '../../domain/backup-set';
import { OutsideError, UserError } from '../../domain/errors';
import { formatBytes } from '../../domain/format';
import type { BackupSet } from '../../domain/types';
import type { Clock, Logger, Store } from '../../ports';
import type { Announcer } from '../announcer';
import { SYSTEM_ACTOR, type Auditor } from '../audit';
import type { Clusters } from '../clusters';
import type { InstanceDirectory } from '../instances';
import type { TaskBook } from '../tasks';
import { deletionBlockedNotice, deletionDone } from './messages';
import { deletionScope, ScopeRefusal, type DeletionScope } from './scope';

const DAY_MS = 24 * 3600_000;
const PROGRESS_EVERY_MS = 1000;

export interface RetentionDeps {
  store: Store;
  clock: Clock;
  instances: InstanceDirectory;
  clusters: Pick<Clusters, 'objectStore'>;
  announcer: Announcer;
  audit: Auditor;
  tasks: TaskBook;
  log: Logger;
}

/** The operation task of a set's deletion (kind `delete`). */
export function deletionTaskId(setId: string): string {
  return `del-${setId}`;
}

export type DeletionOutcome = 'ended' | 'blocked';

export class SetDeletions {
  constructor(private readonly deps: RetentionDeps) {}

  private zone(set: BackupSet): string {
    return this.deps.instances.find(set.instanceId)?.timezone ?? 'UTC';
  }

  /** Unfinished deletions to work on now, oldest first (a blocked one once its retry is due). */
  async due(): Promise<BackupSet[]> {
    const now = this.deps.clock.now().getTime();
    const sets = await this.deps.store.backupSets.list({ states: ['EXPIRING', 'DELETING'] });
    return sets.filter((s) => s.deletionBlocked === null || Date.parse(s.deletionBlocked.retryAt) <= now).reverse();
  }

  /**
   * One attempt to finish a set's deletion. Throws on a failure worth retrying soon (OSS
   * unreachable, 5xx after the adapter's own retries, objects still listed).
   */
  async run(setId: string): Promise<DeletionOutcome> {
    const { store, log } = this.deps;
    const set = await store.backupSets.get(setId);
    if (!set || !isDeletionUnfinished(set)) return 'ended';
    let scope: DeletionScope;
    try {
      scope = deletionScope(set, await store.backupSets.list(), this.deps.instances, this.deps.clusters);
    } catch (err) {
      if (err instanceof ScopeRefusal) return this.block(set, err.message);
      throw err;
    }
    const taskId = deletionTaskId(set.id);
    const before = (await store.tasks.get(taskId))?.progress?.done ?? 0;
    const versioning = await this.versioningNote(scope);
    let deleted = 0;
    try {
      if (scope.snapshotNames.length > 0) {
        const progress = this.progressWriter(set, before);
        try {
          deleted = (await scope.objects.deleteSnapshots({ repositoryRoot: scope.repositoryRoot, snapshotNames: scope.snapshotNames }, (p) => progress.report(p.deleted))).deleted;
        } finally {
          await progress.flush();
        }
        await this.assertGone(scope);
      }
    } catch (err) {
      if (err instanceof UserError) return this.block(set, err.message);
      if (err instanceof OutsideError && err.kind === 'immutable') {
        return this.block(set, `the bucket of ${set.region} has a retention lock (WORM), and OSS refuses to delete objects still within its retention period (${err.message}).`);
      }
      const message = err instanceof Error ? err.message : String(err);
      await this.deps.tasks.record({ id: taskId, kind: 'delete', instanceId: set.instanceId, subject: set.id, detail: `will try again: ${message}` }).catch(() => undefined);
      throw err;
    }
    await this.conclude(set.id, before + deleted, versioning);
    log.info({ event: set.state === 'EXPIRING' ? 'backup.expired' : 'backup.deleted', setId: set.id, instanceId: set.instanceId, objects: before + deleted }, 'backup set deleted from OSS');
    return 'ended';
  }

  /** A final listing of each snapshot directory: nothing may remain. */
  private async assertGone(scope: DeletionScope): Promise<void> {
    for (const name of scope.snapshotNames) {
      const prefix = `${scope.repositoryRoot}/__ss_${name}/`;
      const left = await scope.objects.usage(prefix);
      if (left.objects > 0) throw new OutsideError('oss', 'other', `${left.objects} objects are still listed under '${prefix}' after the deletion; trying again`);
    }
  }

  private async versioningNote(scope: DeletionScope): Promise<string | null> {
    try {
      const safety = await scope.objects.bucketSafety(`${scope.repositoryRoot}/`);
      if (safety.versioning === 'Off') return null;
      return `Bucket ${scope.region.bucket} has versioning ${safety.versioning.toLowerCase()}: deleting leaves the old versions behind, so it frees no storage until a lifecycle rule removes them.`;
    } catch {
      return null;
    }
  }

  /** Writes the task's progress at most once a second while objects are deleted. */
  private progressWriter(set: BackupSet, before: number): { report(deleted: number): void; flush(): Promise<void> } {
    let last = 0;
    let pending: Promise<void> = Promise.resolve();
    let latest = before;
    const write = (): void => {
      const done = latest;
      pending = pending
        .then(() =>
          this.deps.tasks.record({ id: deletionTaskId(set.id), kind: 'delete', instanceId: set.instanceId, subject: set.id, progress: { done, total: Math.max(set.objectCount ?? 0, done), unit: 'objects' } }),
        )
        .catch((err: unknown) => this.deps.log.warn({ setId: set.id, err: err instanceof Error ? err.message : String(err) }, 'could not record deletion progress'));
    };
    return {
      report(deleted) {
        latest = before + deleted;
        if (performance.now() - last < PROGRESS_EVERY_MS) return;
        last = performance.now();
        write();
      },
      async flush() {
        write();
        await pending;
      },
    };
  }

  /** EXPIRED / DELETED with its task, audit record and announcement, in one transaction. */
  private async conclude(setId: string, objects: number, versioning: string | null): Promise<void> {
    const { store, clock, tasks, audit, announcer } = this.deps;
    await store.atomically(async (tx) => {
      const current = await tx.backupSets.get(setId);
      if (!current || !isDeletionUnfinished(current)) return;
      const now = clock.now();
      const to = current.state === 'EXPIRING' ? 'EXPIRED' : 'DELETED';
      const done = await tx.backupSets.update(setId, (s) => ({ ...transitionBackupSet(s, to, now), deletionBlocked: null, retentionHold: null }));
      const bytes = current.sizeBytes;
      await tasks.record(
        {
          id: deletionTaskId(setId),
          kind: 'delete',
          instanceId: current.instanceId,
          subject: setId,
          state: 'FINISHED',
          finishedAt: now.toISOString(),
          progress: { done: objects, total: objects, unit: 'objects' },
          detail: `${to}: ${objects} objects deleted${bytes === null ? '' : `, ${formatBytes(bytes)} freed`}`,
        },
        tx,
      );
      await audit.record({ actor: SYSTEM_ACTOR, action: to === 'EXPIRED' ? 'backup.expired' : 'backup.deleted', instanceId: current.instanceId, subject: setId, before: { state: current.state }, after: { state: to, objects, bytes } }, tx);
      const release = (await tx.runnerState.get('releasedInstances'))?.[current.instanceId];
      // A release announces its sets together when the last one is gone.
      if (!(release && release.finishedAt === null && release.setIds.includes(setId))) {
        await announcer.announce(current.instanceId, deletionDone(done, objects, this.zone(current), versioning), null, tx);
      }
    });
  }

  /** Said once (announced and audited); the deletion is tried again a day later. */
  private async block(set: BackupSet, reason: string): Promise<DeletionOutcome> {
    const { store, clock, tasks, audit, announcer, log } = this.deps;
    const now = clock.now();
    await store.atomically(async (tx) => {
      const current = await tx.backupSets.get(set.id);
      if (!current || !isDeletionUnfinished(current)) return;
      const first = current.deletionBlocked === null;
      const blocked = await tx.backupSets.update(set.id, (s) => ({
        ...s,
        deletionBlocked: { reason, since: s.deletionBlocked?.since ?? now.toISOString(), retryAt: new Date(now.getTime() + DAY_MS).toISOString() },
      }));
      await tasks.record({ id: deletionTaskId(set.id), kind: 'delete', instanceId: set.instanceId, subject: set.id, detail: `blocked, tried again daily: ${reason}` }, tx);
      if (first) {
        await audit.record({ actor: SYSTEM_ACTOR, action: 'backup.delete_blocked', instanceId: set.instanceId, subject: set.id, after: { reason } }, tx);
        await announcer.announce(set.instanceId, deletionBlockedNotice(blocked, reason), null, tx);
      }
    });
    log.warn({ event: 'backup.delete_blocked', setId: set.id, instanceId: set.instanceId, reason }, 'the deletion of a backup set is blocked');
    return 'blocked';
  }
}
