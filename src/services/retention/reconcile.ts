// Reconciliation (SPEC section 3): the store is the bot's memory, OSS is the truth. Lists the
// instance's repository: snapshots the store does not know are reported (with `adopt`, the
// complete ones become sets); good sets whose snapshots are gone are marked MISSING, and MISSING
// sets whose snapshots are back are good again. Every change lands with its audit record and
// announcement in one transaction.

import { transitionBackupSet } from '../../domain/backup-set';
import { ConflictError, TransitionError } from '../../domain/errors';
import { formatBytes } from '../../domain/format';
import { joinAnd, plural } from '../../domain/text';
import type { Actor, BackupSet } from '../../domain/types';
import type { Reply } from '../../reply';
import { repositoryRoot } from '../backup/preflight';
import type { Clusters } from '../clusters';
import type { SettingsService } from '../settings';
import { adoptableSets, type UnknownSnapshot } from './adopt';
import type { RetentionDeps } from './deletions';
import type { ReleasedInstances } from './released';

export type { UnknownSnapshot } from './adopt';

export interface ReconcileReport {
  instanceId: string;
  bucket: string;
  repositoryRoot: string;
  zone: string;
  /** Good sets whose snapshots are all on OSS. */
  matched: number;
  unknown: UnknownSnapshot[];
  /** Sets marked MISSING now: none of their snapshots is on OSS any more. */
  missing: string[];
  /** Good sets some of whose databases' snapshots are gone (named). */
  partlyMissing: { setId: string; databases: string[] }[];
  /** MISSING sets whose snapshots are back. */
  found: string[];
  adopted: BackupSet[];
}

const SAYS_GOOD: readonly BackupSet['state'][] = ['FINISHED', 'PARTIAL'];

export class Reconciler {
  constructor(
    private readonly deps: RetentionDeps & { clusters: Pick<Clusters, 'objectStore' | 'storeOf'>; settings: Pick<SettingsService, 'current'> },
    private readonly released: ReleasedInstances,
  ) {}

  async reconcile(actor: Actor, instanceId: string, options: { adopt: boolean }): Promise<ReconcileReport> {
    const { store, instances, clusters } = this.deps;
    const instance = instances.get(instanceId);
    if (options.adopt && (await this.released.get(instanceId))) throw new ConflictError(`${instanceId} is released: the bot adopts no backups for it.`);
    const region = instances.region(instance);
    const objects = clusters.storeOf(instance);
    const root = repositoryRoot(region, instance);
    const listing = new Map((await objects.listSnapshots(root)).map((s) => [s.snapshotName, s]));
    const sets = await store.backupSets.list({ instanceId });
    const report: ReconcileReport = { instanceId, bucket: region.bucket, repositoryRoot: root, zone: instance.timezone, matched: 0, unknown: [], missing: [], partlyMissing: [], found: [], adopted: [] };

    const onOss = (name: string): boolean => listing.get(name)?.complete === true;
    const owner = new Map<string, { set: BackupSet; live: boolean }>();
    for (const set of sets) {
      for (const db of set.databases) {
        const live = set.state !== 'FAILED' && set.state !== 'EXPIRED' && set.state !== 'DELETED' && db.state !== 'FAILED';
        if (live || !owner.has(db.snapshotName)) owner.set(db.snapshotName, { set, live });
      }
      const finished = set.databases.filter((d) => d.state === 'FINISHED');
      if (finished.length === 0) continue;
      const gone = finished.filter((d) => !onOss(d.snapshotName)).map((d) => d.database);
      if (SAYS_GOOD.includes(set.state)) {
        if (gone.length === finished.length) report.missing.push(set.id);
        else if (gone.length > 0) report.partlyMissing.push({ setId: set.id, databases: gone });
        else report.matched += 1;
      } else if (set.state === 'MISSING' && gone.length === 0) {
        report.found.push(set.id);
      }
    }
    for (const [name, snapshot] of listing) {
      const known = owner.get(name);
      if (known?.live) continue;
      const usage = await objects.usage(`${root}/__ss_${name}/`);
      report.unknown.push({
        snapshotName: name,
        complete: snapshot.complete,
        backupTimestamp: snapshot.backupTimestamps.at(-1) ?? null,
        sizeBytes: usage.bytes,
        objects: usage.objects,
        leftoverOf: known?.set.id ?? null,
      });
    }
    report.unknown.sort((a, b) => a.snapshotName.localeCompare(b.snapshotName));

    report.missing = await this.markAll(report.missing, 'MISSING', (set) => `⚠ Backup *${set.id}* of *${instanceId}* is MISSING: none of its snapshots is in ${region.bucket}/${root}/ any more (deleted outside the bot, or by a lifecycle rule). It cannot be restored.`);
    report.found = await this.markAll(report.found, 'FOUND', (set) => `Backup *${set.id}* of *${instanceId}* is back: its snapshots are on OSS again, so it is ${set.state} and restorable.`);
    for (const { setId, databases } of report.partlyMissing) {
      const warning = `The snapshots of ${joinAnd(databases)} are gone from OSS (found by reconciliation); those databases cannot be restored.`;
      await store.backupSets.update(setId, (s) => (s.warnings.includes(warning) ? s : { ...s, warnings: [...s.warnings, warning] })).catch(() => undefined);
    }
    if (options.adopt) report.adopted = await this.adopt(actor, instanceId, root, report.unknown);
    return report;
  }

  /** Marks sets MISSING (or good again, for FOUND), each with its audit record and announcement. */
  private async markAll(ids: readonly string[], to: 'MISSING' | 'FOUND', text: (set: BackupSet) => string): Promise<string[]> {
    const { store, clock, audit, announcer } = this.deps;
    const done: string[] = [];
    for (const id of ids) {
      try {
        await store.atomically(async (tx) => {
          const marked = await tx.backupSets.update(id, (s) => {
            const state = to === 'MISSING' ? 'MISSING' : s.databases.every((d) => d.state === 'FINISHED') ? 'FINISHED' : 'PARTIAL';
            return transitionBackupSet(s, state, clock.now());
          });
          await audit.record({ actor: { platform: 'system', userId: 'backup-bot', personId: null, displayName: 'reconciliation' }, action: to === 'MISSING' ? 'backup.missing' : 'backup.found', instanceId: marked.instanceId, subject: id, after: { state: marked.state } }, tx);
          const reply: Reply = { visibility: 'channel', tone: to === 'MISSING' ? 'error' : 'info', title: `Backup ${id} ${to === 'MISSING' ? 'missing' : 'found again'}`, text: text(marked) };
          await announcer.announce(marked.instanceId, reply, null, tx);
        });
        done.push(id);
      } catch (err) {
        // The set moved meanwhile (a deletion started): the next reconciliation looks again.
        if (!(err instanceof TransitionError)) throw err;
      }
    }
    return done;
  }

  private async adopt(actor: Actor, instanceId: string, root: string, unknown: readonly UnknownSnapshot[]): Promise<BackupSet[]> {
    const { store, instances, clusters, audit, announcer, settings } = this.deps;
    const instance = instances.get(instanceId);
    const takenIds = new Set((await store.backupSets.list()).map((s) => s.id));
    const retentionDays = (await settings.current(instanceId)).retentionDays;
    const sets = await adoptableSets({ instance, objects: clusters.storeOf(instance), repositoryRoot: root, unknown, takenIds, retentionDays, actor });
    if (sets.length === 0) return [];
    await store.atomically(async (tx) => {
      for (const set of sets) {
        await tx.backupSets.create(set);
        await audit.record({ actor, action: 'backup.adopt', instanceId, subject: set.id, after: { snapshots: set.databases.map((d) => d.snapshotName), sizeBytes: set.sizeBytes, expiresAt: set.expiresAt } }, tx);
      }
      await announcer.announce(
        instanceId,
        {
          visibility: 'channel',
          tone: 'info',
          title: `Adopted ${plural(sets.length, 'backup')} of ${instanceId}`,
          text: `Adopted from OSS ${plural(sets.length, 'backup set')} of *${instanceId}* the bot had no record of (${formatBytes(sets.reduce((n, s) => n + (s.sizeBytes ?? 0), 0))}): ${joinAnd(sets.map((s) => s.id))}. Their expiry counts from their snapshot time with the current retention of ${retentionDays} days.`,
        },
        null,
        tx,
      );
    });
    this.deps.log.info({ event: 'backup.adopted', instanceId, sets: sets.map((s) => s.id) }, 'backups adopted from OSS');
    return sets;
  }
}
