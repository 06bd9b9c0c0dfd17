// Read-side questions about backup sets: what exists, how big, when it ends.

import type { BackupSet, BackupSetState } from '../domain/types';
import type { Store } from '../ports';

/** Sets that still hold data on OSS (and so cost storage). */
export const HOLDING_DATA: BackupSetState[] = ['RUNNING', 'FINISHED', 'PARTIAL', 'EXPIRING', 'DELETING', 'MISSING'];
const GOOD: BackupSetState[] = ['FINISHED', 'PARTIAL'];

export class BackupCatalog {
  constructor(private readonly store: Store) {}

  async sets(instanceId: string, all: boolean): Promise<BackupSet[]> {
    const sets = await this.store.listBackupSets({ instanceId });
    if (all) return sets;
    return sets.filter((s) => s.state !== 'EXPIRED' && s.state !== 'DELETED');
  }

  async totalSize(instanceId: string): Promise<{ bytes: number; sets: number }> {
    const sets = await this.store.listBackupSets({ instanceId, states: HOLDING_DATA });
    return { bytes: sets.reduce((sum, s) => sum + (s.sizeBytes ?? 0), 0), sets: sets.length };
  }

  async lastGood(instanceId: string): Promise<BackupSet | null> {
    const sets = await this.store.listBackupSets({ instanceId, states: GOOD });
    return sets[0] ?? null;
  }

  /** The latest expiry among sets that still hold data; null when none. */
  async lastExpiry(instanceId: string): Promise<Date | null> {
    const sets = await this.store.listBackupSets({ instanceId, states: ['FINISHED', 'PARTIAL'] });
    let last: Date | null = null;
    for (const s of sets) {
      if (s.expiresAt && (!last || new Date(s.expiresAt) > last)) last = new Date(s.expiresAt);
    }
    return last;
  }

  async running(instanceId: string): Promise<BackupSet | null> {
    const sets = await this.store.listBackupSets({ instanceId, states: ['RUNNING'] });
    return sets[0] ?? null;
  }
}
