// Everything the command layer may call: use cases only (no store, no configuration). Built by
// the composition root (src/app/bot.ts).

import type { Clock } from '../ports';
import type { BackupService } from './backup/service';
import type { BackupCatalog } from './catalog';
import type { InstanceDirectory } from './instances';
import type { InstanceOverview } from './overview';
import type { Doctor } from './doctor';
import type { PeopleDirectory } from './people';
import type { RestoreService } from './restore/service';
import type { DeleteService } from './retention/delete-service';
import type { Reconciler } from './retention/reconcile';
import type { ReleaseService } from './retention/releases';
import type { SettingsService } from './settings';
import type { TaskBook } from './tasks';

export interface Services {
  clock: Clock;
  people: PeopleDirectory;
  instances: InstanceDirectory;
  overview: InstanceOverview;
  /** `/backup doctor`: reads an instance's readiness, changes nothing. */
  doctor: Doctor;
  settings: SettingsService;
  catalog: BackupCatalog;
  backups: BackupService;
  restores: RestoreService;
  tasks: TaskBook;
  /** `/backup delete`: the confirm dialog's facts and the request. */
  deletions: DeleteService;
  /** `/backup release`. */
  releases: ReleaseService;
  /** `/backup reconcile`. */
  reconciler: Reconciler;
}
