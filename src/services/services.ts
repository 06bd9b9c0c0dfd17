// Everything the command layer may call, in one place. Built by src/wiring/services.ts.

import type { BotConfig } from '../config/types';
import type { Actor, BackupSet } from '../domain/types';
import type { Clock, Logger, Store } from '../ports';
import type { Announcer } from './announcer';
import type { Auditor } from './audit';
import type { BackupCatalog } from './catalog';
import type { Clusters } from './clusters';
import type { InstanceDirectory } from './instances';
import type { SettingsService } from './settings';

/** Starts backups outside the schedule (the engine implements it). */
export interface BackupStarter {
  /** Creates the set and runs it in the background; refuses while one of that instance runs. */
  startManual(actor: Actor, instanceId: string): Promise<BackupSet>;
}

export interface Services {
  config: BotConfig;
  store: Store;
  clock: Clock;
  log: Logger;
  instances: InstanceDirectory;
  clusters: Clusters;
  catalog: BackupCatalog;
  settings: SettingsService;
  audit: Auditor;
  announcer: Announcer;
  backups: BackupStarter;
}
