// Whether an instance can be backed up at all, read from the cluster itself before anything is
// saved or started: a shared-data cluster never can (SPEC section 1), so a schedule or a run for
// it is refused up front instead of failing later. An unreachable cluster cannot say: the caller
// goes ahead with a warning, and the run's own preflight checks again.

import type { InstanceConfig } from '../config/types';
import { UserError } from '../domain/errors';
import type { Clock } from '../ports';
import type { Clusters } from './clusters';

/** How long a chat command waits for the cluster to say what it is. */
const CHECK_WITHIN_MS = 4_000;

/** A shared-data cluster: nothing can back it up, so retrying cannot help. */
export class SharedDataRefusal extends UserError {}

export type Backupability = { kind: 'shared_nothing' } | { kind: 'unknown'; why: string };

export class BackupabilityCheck {
  constructor(
    private readonly clusters: Clusters,
    private readonly clock: Clock,
  ) {}

  /**
   * Refuses a shared-data cluster (`SharedDataRefusal`, ending with `outcome`, e.g. "Nothing was
   * saved."); says `unknown` with the reason when the cluster did not tell.
   */
  async check(instance: InstanceConfig, outcome: string): Promise<Backupability> {
    const arch = await this.clusters.architectureWithin(instance, this.clock.now().getTime(), CHECK_WITHIN_MS);
    if (arch.runMode === 'shared_data') {
      throw new SharedDataRefusal(
        `${instance.id} is a shared-data cluster (run_mode = shared_data, read from the cluster): StarRocks backup and restore only work on shared-nothing instances, so no backup of it can succeed. ${outcome}`,
      );
    }
    if (arch.runMode === 'shared_nothing') return { kind: 'shared_nothing' };
    return { kind: 'unknown', why: arch.error ?? 'it did not answer' };
  }
}
