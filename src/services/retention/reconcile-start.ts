// The reconciliation pass at start-up, so that losing the bot's state never leaves backups
// invisible and billed: per region one listing finds which repositories exist; each configured
// (not released) instance with a repository on OSS or sets in the store is reconciled (sets
// marked MISSING or found again), and snapshots the store does not know are announced in the
// instance's channel once (remembered in the store; a lost store announces them again).

import { HOLDING_DATA } from '../../domain/backup-set';
import { formatBytes } from '../../domain/format';
import { plural } from '../../domain/text';
import type { Reply } from '../../reply';
import { SYSTEM_ACTOR } from '../audit';
import type { Clusters } from '../clusters';
import type { RetentionDeps } from './deletions';
import type { Reconciler, UnknownSnapshot } from './reconcile';
import type { ReleasedInstances } from './released';

const SHOWN = 10;

export function unknownSnapshotsNotice(instanceId: string, unknown: readonly UnknownSnapshot[]): Reply {
  const adoptable = unknown.filter((u) => u.complete && u.leftoverOf === null);
  const bytes = unknown.reduce((n, u) => n + u.sizeBytes, 0);
  const lines = unknown.slice(0, SHOWN).map((u) => `- ${u.snapshotName}: ${u.complete ? `complete, backup time ${u.backupTimestamp ?? 'unknown'}` : 'incomplete (never finished)'}, ${formatBytes(u.sizeBytes)}${u.leftoverOf ? `, left over from ${u.leftoverOf}` : ''}`);
  if (unknown.length > SHOWN) lines.push(`- and ${unknown.length - SHOWN} more`);
  return {
    visibility: 'channel',
    tone: 'warning',
    title: `Snapshots of ${instanceId} the bot has no record of`,
    text:
      `Found ${plural(unknown.length, 'snapshot')} of *${instanceId}* on OSS that the bot has no record of (${formatBytes(bytes)}, billed as storage):\n${lines.join('\n')}\n` +
      (adoptable.length > 0
        ? `An admin can adopt the ${plural(adoptable.length, 'complete one')} as backup sets with /backup reconcile ${instanceId} --adopt (expiry counted from the snapshot time).`
        : `None of them is a complete backup to adopt; /backup reconcile ${instanceId} shows them.`),
  };
}

export class ReconcileAtStart {
  constructor(
    private readonly deps: RetentionDeps & { clusters: Pick<Clusters, 'objectStore'> },
    private readonly reconciler: Reconciler,
    private readonly released: ReleasedInstances,
  ) {}

  /** Reconciles what may have changed behind the bot; returns the instances reconciled. */
  async pass(): Promise<string[]> {
    const { store, instances, log } = this.deps;
    const released = await this.released.ids();
    const done: string[] = [];
    const byRegion = new Map<string, string[]>();
    for (const instance of instances.list()) {
      if (!released.has(instance.id)) byRegion.set(instance.region, [...(byRegion.get(instance.region) ?? []), instance.id]);
    }
    for (const [regionId, ids] of byRegion) {
      const region = instances.regionNamed(regionId);
      if (!region) continue;
      let repositories: Set<string>;
      try {
        repositories = new Set(await this.deps.clusters.objectStore(region).listRepositories(region.pathPrefix));
      } catch (err) {
        log.warn({ event: 'reconcile.failed', region: regionId, err: err instanceof Error ? err.message : String(err) }, 'could not list the repositories of a region at start-up');
        continue;
      }
      for (const id of ids) {
        const instance = instances.get(id);
        const hasSets = (await store.backupSets.list({ instanceId: id, states: HOLDING_DATA, limit: 1 })).length > 0;
        if (!repositories.has(instance.repository) && !hasSets) continue;
        try {
          const report = await this.reconciler.reconcile(SYSTEM_ACTOR, id, { adopt: false });
          await this.announceNew(id, report.unknown);
          done.push(id);
        } catch (err) {
          log.warn({ event: 'reconcile.failed', instanceId: id, err: err instanceof Error ? err.message : String(err) }, 'could not reconcile an instance with OSS at start-up');
        }
      }
    }
    return done;
  }

  private async announceNew(instanceId: string, unknown: readonly UnknownSnapshot[]): Promise<void> {
    const { store, announcer } = this.deps;
    await store.atomically(async (tx) => {
      const reported = (await tx.runnerState.get('reconcileReported')) ?? {};
      const before = new Set(reported[instanceId] ?? []);
      const fresh = unknown.filter((u) => !before.has(u.snapshotName));
      const now = unknown.map((u) => u.snapshotName);
      if (fresh.length === 0 && now.length === before.size) return;
      await tx.runnerState.set('reconcileReported', { ...reported, [instanceId]: now });
      if (fresh.length > 0) await announcer.announce(instanceId, unknownSnapshotsNotice(instanceId, unknown), null, tx);
    });
  }
}
