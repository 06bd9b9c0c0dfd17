// What the bot is built from (configuration, store, the outside systems' connectors) and the
// controllers it runs: the types the composition root's three files share.

import type { BotConfig } from '../config/types';
import type { Clock, Cron, Logger, ObjectStoreConnector, StarRocksConnector, Store } from '../ports';
import type { ApprovalExpiryController } from '../runner/controllers/approvals';
import type { BackupController } from '../runner/controllers/backups';
import type { ExpiryWarningController } from '../runner/controllers/expiry-warnings';
import type { OutboxController } from '../runner/controllers/outbox';
import type { ReconcileController } from '../runner/controllers/reconcile';
import type { RetentionController } from '../runner/controllers/retention';
import type { RestoreController } from '../runner/controllers/restores';
import type { SchedulerController } from '../runner/controllers/scheduler';
import type { WatchdogController } from '../runner/controllers/watchdog';

/** How often running jobs are looked at: first after a change, at most while nothing moves. */
export interface PollTiming {
  pollMinMs: number;
  pollMaxMs: number;
  /** How long a submitted job may be unseen before the bot checks whether its statement ran (default 30 s). */
  resendGraceMs?: number;
}

export interface BotParts {
  config: BotConfig;
  store: Store;
  starrocks: StarRocksConnector;
  oss: ObjectStoreConnector;
  cron: Cron;
  log: Logger;
  clock?: Clock;
  timing?: PollTiming;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Process metrics (memory, CPU, event loop) in /metrics; off in tests that build many bots. */
  processMetrics?: boolean;
}

export interface BotControllers {
  backups: BackupController;
  restores: RestoreController;
  approvals: ApprovalExpiryController;
  scheduler: SchedulerController;
  watchdog: WatchdogController;
  outbox: OutboxController;
  retention: RetentionController;
  expiryWarnings: ExpiryWarningController;
  reconcile: ReconcileController;
}

