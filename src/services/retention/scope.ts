// Which objects deleting a backup set may touch: the snapshot directories of its databases in
// its instance's own repository, in its region's bucket. The OSS adapter's key guard refuses
// anything outside that scope; this refuses, before any request, a set whose record points
// elsewhere (another repository or region than its instance's) or shares a snapshot with
// another set.

import type { RegionConfig } from '../../config/types';
import { holdsData } from '../../domain/backup-set';
import { UserError } from '../../domain/errors';
import type { BackupSet } from '../../domain/types';
import type { ObjectStore } from '../../ports';
import { repositoryRoot } from '../backup/preflight';
import type { Clusters } from '../clusters';
import type { InstanceDirectory } from '../instances';

/** The set's record does not allow a safe deletion; it is said once, not retried at once. */
export class ScopeRefusal extends UserError {
  override readonly name = 'ScopeRefusal';
}

export interface DeletionScope {
  objects: ObjectStore;
  region: RegionConfig;
  repositoryRoot: string;
  /** Every snapshot the set's databases wrote (failed ones too: their leftovers go as well). */
  snapshotNames: string[];
}

/**
 * The scope of deleting `set`. `others` are the other sets of the store (any state): a snapshot
 * also named by another set that still holds data is never deleted with this one.
 */
export function deletionScope(set: BackupSet, others: readonly BackupSet[], instances: InstanceDirectory, clusters: Pick<Clusters, 'objectStore'>): DeletionScope {
  const region = instances.regionNamed(set.region);
  if (!region) throw new ScopeRefusal(`${set.id} is in region ${set.region}, which is not in the configuration, so the bot cannot reach its bucket. Nothing was deleted.`);
  const instance = instances.find(set.instanceId);
  if (instance && (instance.region !== set.region || instance.repository !== set.repository)) {
    throw new ScopeRefusal(
      `${set.id} was recorded in repository ${set.repository} (${set.region}), but ${instance.id} uses repository ${instance.repository} (${instance.region}): the bot deletes only inside an instance's own repository. Nothing was deleted; remove its objects by hand if they should go.`,
    );
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(set.repository)) {
    throw new ScopeRefusal(`${set.id} names a repository that is not a StarRocks repository name. Nothing was deleted.`);
  }
  const snapshotNames = [...new Set(set.databases.map((d) => d.snapshotName))];
  for (const other of others) {
    if (other.id === set.id || !holdsData(other) || other.repository !== set.repository || other.region !== set.region) continue;
    const shared = other.databases.find((d) => snapshotNames.includes(d.snapshotName));
    if (shared) {
      throw new ScopeRefusal(`${set.id} names snapshot ${shared.snapshotName}, which also belongs to ${other.id}: deleting it would delete part of ${other.id}. Nothing was deleted.`);
    }
  }
  return { objects: clusters.objectStore(region), region, repositoryRoot: repositoryRoot(region, { repository: set.repository }), snapshotNames };
}
