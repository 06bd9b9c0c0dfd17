// `/backup instances`: each instance with its region, architecture (read from the cluster),
// schedule, last backup and backup storage.

import type { InstanceConfig } from '../config/types';
import type { BackupSet, StoredSettings } from '../domain/types';
import type { BackupCatalog } from './catalog';
import type { Architecture, Clusters } from './clusters';
import type { InstanceDirectory } from './instances';
import type { SettingsService } from './settings';

export interface InstanceSummary {
  instance: InstanceConfig;
  settings: StoredSettings;
  lastGood: BackupSet | null;
  storage: { bytes: number; sets: number };
  architecture: Architecture;
}

export class InstanceOverview {
  constructor(
    private readonly instances: InstanceDirectory,
    private readonly settings: SettingsService,
    private readonly catalog: BackupCatalog,
    private readonly clusters: Clusters,
  ) {}

  list(now: Date): Promise<InstanceSummary[]> {
    return Promise.all(
      this.instances.list().map(async (instance) => {
        const [settings, lastGood, storage, architecture] = await Promise.all([
          this.settings.current(instance.id),
          this.catalog.lastGood(instance.id),
          this.catalog.totalSize(instance.id),
          this.clusters.architecture(instance, now.getTime()),
        ]);
        return { instance, settings, lastGood, storage, architecture };
      }),
    );
  }
}
