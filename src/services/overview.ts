// `/backup instances`: each instance with its region, architecture (read from the cluster),
// schedule, next scheduled run, last scheduled result, last backup and backup storage.

import type { InstanceConfig } from '../config/types';
import { nextRunAt } from '../domain/schedule';
import type { BackupSet, StoredSettings } from '../domain/types';
import type { BackupCatalog } from './catalog';
import type { Architecture, Clusters } from './clusters';
import type { InstanceDirectory } from './instances';
import type { SettingsService } from './settings';

export interface InstanceSummary {
  instance: InstanceConfig;
  settings: StoredSettings;
  lastGood: BackupSet | null;
  /** When the schedule runs next; null when backups are off. */
  nextRun: Date | null;
  /** The newest scheduled set, whatever became of it. */
  lastScheduled: BackupSet | null;
  storage: { bytes: number; sets: number };
  architecture: Architecture;
  /** Why it takes no backups: it was released (`/backup release`), still named in the configuration. */
  released: string | null;
}

export class InstanceOverview {
  constructor(
    private readonly instances: InstanceDirectory,
    private readonly settings: SettingsService,
    private readonly catalog: BackupCatalog,
    private readonly clusters: Clusters,
    private readonly releasedRefusal: (instanceId: string) => Promise<string | null> = async () => null,
  ) {}

  list(now: Date): Promise<InstanceSummary[]> {
    return Promise.all(
      this.instances.list().map(async (instance) => {
        const [settings, lastGood, lastScheduled, storage, architecture, released] = await Promise.all([
          this.settings.current(instance.id),
          this.catalog.lastGood(instance.id),
          this.catalog.lastScheduled(instance.id),
          this.catalog.totalSize(instance.id),
          this.clusters.architecture(instance, now.getTime()),
          this.releasedRefusal(instance.id),
        ]);
        const nextRun = released ? null : nextRunAt(settings, instance.timezone, now);
        return { instance, settings, lastGood, nextRun, lastScheduled, storage, architecture, released };
      }),
    );
  }
}
