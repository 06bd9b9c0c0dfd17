// Where a backup set's snapshots are: the source repository (its name and OSS location), which
// the target sees through a read-only repository of the same name and location. Worked out from
// the set itself, so a set whose instance left the configuration can still be restored.

import type { RegionConfig } from '../../config/types';
import type { BackupSet } from '../../domain/types';
import type { ObjectStore, RepositorySpec } from '../../ports';
import type { Clusters } from '../clusters';
import type { InstanceDirectory } from '../instances';

export interface SnapshotSource {
  region: RegionConfig;
  /** Key prefix of the repository root in the bucket (`<prefix>/__starrocks_repository_<name>`). */
  root: string;
  /** The read-only repository the target gets: the source's exact name and location. */
  spec: RepositorySpec;
  objects: ObjectStore;
}

export function snapshotSource(set: BackupSet, instances: InstanceDirectory, clusters: Clusters): SnapshotSource {
  const region = instances.regionById(set.region);
  const prefix = region.pathPrefix ? `${region.pathPrefix}/` : '';
  return {
    region,
    root: `${prefix}__starrocks_repository_${set.repository}`,
    spec: {
      name: set.repository,
      location: `oss://${region.bucket}${region.pathPrefix ? `/${region.pathPrefix}` : ''}`,
      endpoint: region.starrocksEndpoint,
      accessKeyId: region.accessKeyId,
      accessKeySecret: region.accessKeySecret,
      readOnly: true,
    },
    objects: clusters.objectStore(region),
  };
}

/** The zone to show the set's times in: its instance's, or UTC when it left the configuration. */
export function zoneOf(instanceId: string, instances: InstanceDirectory): string {
  return instances.find(instanceId)?.timezone ?? 'UTC';
}
