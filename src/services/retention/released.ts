// Instances released with `/backup release`: recorded in the store's runner state, so the
// scheduler, `/backup run`, the sweep and reconciliation leave them alone, also after a restart
// and on every replica, until the instance is removed from the configuration.

import type { Actor, InstanceRelease } from '../../domain/types';
import type { Store, StoreRecords } from '../../ports';

export class ReleasedInstances {
  constructor(private readonly store: Store) {}

  async all(records: StoreRecords = this.store): Promise<Record<string, InstanceRelease>> {
    return (await records.runnerState.get('releasedInstances')) ?? {};
  }

  async get(instanceId: string, records: StoreRecords = this.store): Promise<InstanceRelease | null> {
    return (await this.all(records))[instanceId] ?? null;
  }

  async ids(): Promise<Set<string>> {
    return new Set(Object.keys(await this.all()));
  }

  /** The refusal `/backup run` and the scheduler give for a released instance, or null. */
  async refusal(instanceId: string): Promise<string | null> {
    const release = await this.get(instanceId);
    if (!release) return null;
    return `${instanceId} was released on ${release.releasedAt.slice(0, 10)} by ${release.releasedBy}: it has no schedule and no backups run. Remove it from the configuration file (adding it back later starts afresh).`;
  }

  async save(release: InstanceRelease, tx: StoreRecords): Promise<void> {
    await tx.runnerState.set('releasedInstances', { ...(await this.all(tx)), [release.instanceId]: release });
  }

  async forget(instanceIds: readonly string[]): Promise<void> {
    if (instanceIds.length === 0) return;
    const all = { ...(await this.all()) };
    for (const id of instanceIds) delete all[id];
    await this.store.runnerState.set('releasedInstances', all);
  }
}

/** How a person is named in records (`deletedBy`, `releasedBy`). */
export function recordedName(actor: Actor): string {
  return actor.personId ?? `${actor.platform}:${actor.userId}`;
}

/** How a person is named in messages. */
export function shownName(actor: Actor): string {
  return actor.displayName ?? actor.personId ?? actor.userId;
}
