// Read-side questions about backup sets: what exists, how big, when it ends.

import { timelineOf } from '../domain/backup-events';
import { displayState, GOOD, HOLDING_DATA } from '../domain/backup-set';
import { NotFoundError } from '../domain/errors';
import type { BackupEvent, BackupSet, DisplayedBackupSetState } from '../domain/types';
import type { Store } from '../ports';
import { repositoryRoot } from './backup/preflight';
import type { InstanceDirectory } from './instances';

export interface BackupListing {
  sets: BackupSet[];
  total: { bytes: number; sets: number };
  /** The instance is in the configuration (else its sets are orphaned). */
  configured: boolean;
  /** Zone to show times in. */
  zone: string;
}

/** Everything about one set, as `/backup describe` shows it. */
export interface BackupDescription {
  set: BackupSet;
  state: DisplayedBackupSetState;
  /** The instance's display name; null when it is gone from the configuration. */
  instanceName: string | null;
  /** Zone to show times in. */
  zone: string;
  /** Where the set's repository lives on OSS; null when its region is no longer configured. */
  location: { bucket: string; repositoryRoot: string } | null;
  timeline: BackupEvent[];
}

function sizeOf(sets: readonly BackupSet[]): { bytes: number; sets: number } {
  return { bytes: sets.reduce((sum, s) => sum + (s.sizeBytes ?? 0), 0), sets: sets.length };
}

export class BackupCatalog {
  constructor(
    private readonly store: Store,
    private readonly instances: InstanceDirectory,
  ) {}

  async sets(instanceId: string, all: boolean): Promise<BackupSet[]> {
    const sets = await this.store.backupSets.list({ instanceId });
    if (all) return sets;
    return sets.filter((s) => s.state !== 'EXPIRED' && s.state !== 'DELETED');
  }

  /**
   * The sets `/backup list` shows. An instance gone from the configuration keeps its sets (shown as
   * orphaned); an id with no sets and no configuration is unknown, with a did-you-mean.
   */
  async listing(instanceId: string, all: boolean): Promise<BackupListing> {
    const configured = this.instances.find(instanceId);
    // One read of the instance's sets serves the rows and the total (each read parses every set).
    const every = await this.store.backupSets.list({ instanceId });
    const sets = all ? every : every.filter((s) => s.state !== 'EXPIRED' && s.state !== 'DELETED');
    if (!configured && every.length === 0) {
      this.instances.get(instanceId);
      throw new NotFoundError(`unknown instance ${instanceId}`);
    }
    return { sets, total: sizeOf(every.filter((s) => HOLDING_DATA.includes(s.state))), configured: configured !== null, zone: configured?.timezone ?? 'UTC' };
  }

  async describe(id: string): Promise<BackupDescription> {
    const set = await this.store.backupSets.get(id);
    if (!set) throw new NotFoundError(`there is no backup set ${id} (see /backup list <instance>)`);
    const instance = this.instances.find(set.instanceId);
    const region = this.instances.regionNamed(set.region);
    return {
      set,
      state: displayState(set, this.instances.ids()),
      instanceName: instance?.displayName ?? null,
      zone: instance?.timezone ?? 'UTC',
      location: region ? { bucket: region.bucket, repositoryRoot: repositoryRoot(region, set) } : null,
      timeline: timelineOf(set),
    };
  }

  /** The newest scheduled set of the instance, whatever became of it. */
  async lastScheduled(instanceId: string): Promise<BackupSet | null> {
    return (await this.store.backupSets.list({ instanceId })).find((s) => s.trigger === 'scheduled') ?? null;
  }

  async totalSize(instanceId: string): Promise<{ bytes: number; sets: number }> {
    return sizeOf(await this.store.backupSets.list({ instanceId, states: HOLDING_DATA }));
  }

  async lastGood(instanceId: string): Promise<BackupSet | null> {
    const [set] = await this.store.backupSets.list({ instanceId, states: GOOD, limit: 1 });
    return set ?? null;
  }

  /** The latest expiry among good sets; null when none. */
  async lastExpiry(instanceId: string): Promise<Date | null> {
    const sets = await this.store.backupSets.list({ instanceId, states: GOOD });
    let last: Date | null = null;
    for (const s of sets) {
      if (s.expiresAt && (!last || new Date(s.expiresAt) > last)) last = new Date(s.expiresAt);
    }
    return last;
  }
}
