// Read-side questions about backup sets: what exists, how big, when it ends.

import { GOOD, HOLDING_DATA } from '../domain/backup-set';
import { NotFoundError } from '../domain/errors';
import type { BackupSet } from '../domain/types';
import type { Store } from '../ports';
import type { InstanceDirectory } from './instances';

export interface BackupListing {
  sets: BackupSet[];
  total: { bytes: number; sets: number };
  /** The instance is in the configuration (else its sets are orphaned). */
  configured: boolean;
  /** Zone to show times in. */
  zone: string;
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
    const sets = await this.sets(instanceId, all);
    if (!configured && sets.length === 0 && (await this.store.backupSets.list({ instanceId, limit: 1 })).length === 0) {
      this.instances.get(instanceId);
      throw new NotFoundError(`unknown instance ${instanceId}`);
    }
    return { sets, total: await this.totalSize(instanceId), configured: configured !== null, zone: configured?.timezone ?? 'UTC' };
  }

  async totalSize(instanceId: string): Promise<{ bytes: number; sets: number }> {
    const sets = await this.store.backupSets.list({ instanceId, states: HOLDING_DATA });
    return { bytes: sets.reduce((sum, s) => sum + (s.sizeBytes ?? 0), 0), sets: sets.length };
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
