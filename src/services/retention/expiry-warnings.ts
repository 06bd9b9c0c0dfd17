// The warning `expiryWarningHours` before a set expires: one per set, naming it, its snapshot
// time and expiry, with the seed's advice to restore in time and a Restore button. Decided from
// the wall clock each time; the set records that it was warned in the same transaction as the
// announcement, so a restart, a clock jump or a second replica never warns twice.

import { GOOD, needsExpiryWarning } from '../../domain/backup-set';
import { lastGoodSets } from '../../domain/retention';
import type { BackupSet } from '../../domain/types';
import type { RetentionDeps } from './deletions';
import { expiryWarning, type SignAction } from './messages';
import type { ReleasedInstances } from './released';

/** Thrown inside a transaction when the set was warned meanwhile: nothing is written. */
class AlreadyWarned extends Error {}

export class ExpiryWarnings {
  constructor(
    private readonly deps: RetentionDeps,
    private readonly released: ReleasedInstances,
    private readonly leadHours: number,
    private readonly sign: SignAction,
  ) {}

  /** Warns every set due a warning now; returns their ids. */
  async check(): Promise<string[]> {
    const { store, clock, instances } = this.deps;
    const now = clock.now();
    const released = await this.released.ids();
    const warned: string[] = [];
    const sets = (await store.backupSets.list({ states: GOOD })).filter((s) => needsExpiryWarning(s, now, this.leadHours));
    for (const set of sets.reverse()) {
      const instance = instances.find(set.instanceId);
      // Orphaned sets never expire by themselves; a released instance's sets are being deleted.
      if (!instance || released.has(set.instanceId)) continue;
      const siblings = await store.backupSets.list({ instanceId: set.instanceId, states: GOOD });
      const lastGood = lastGoodSets(siblings, instance.keepLastGood).has(set.id);
      if (await this.warn(set, instance.timezone, lastGood)) warned.push(set.id);
    }
    return warned;
  }

  private async warn(set: BackupSet, zone: string, lastGood: boolean): Promise<boolean> {
    const { store, clock, announcer } = this.deps;
    const now = clock.now();
    try {
      await store.atomically(async (tx) => {
        const marked = await tx.backupSets.update(set.id, (s) => {
          if (!needsExpiryWarning(s, now, this.leadHours)) throw new AlreadyWarned();
          return { ...s, expiryWarnedAt: now.toISOString() };
        });
        await announcer.announce(set.instanceId, expiryWarning(marked, zone, now, this.sign, lastGood), null, tx);
      });
      this.deps.log.info({ event: 'backup.expiry_warning', setId: set.id, instanceId: set.instanceId, expiresAt: set.expiresAt }, 'expiry warning posted');
      return true;
    } catch (err) {
      if (err instanceof AlreadyWarned) return false;
      throw err;
    }
  }
}
