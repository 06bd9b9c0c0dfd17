// The composition root, part two: the controllers, on one runner.

import type { ChannelAddress } from '../domain/types';
import type { Clock, Notifier } from '../ports';
import { ApprovalExpiryController } from '../runner/controllers/approvals';
import { BackupController } from '../runner/controllers/backups';
import { ExpiryWarningController } from '../runner/controllers/expiry-warnings';
import { OutboxController } from '../runner/controllers/outbox';
import { ReconcileController } from '../runner/controllers/reconcile';
import { RetentionController } from '../runner/controllers/retention';
import { RestoreController } from '../runner/controllers/restores';
import { SchedulerController } from '../runner/controllers/scheduler';
import { WatchdogController } from '../runner/controllers/watchdog';
import type { BotMetrics } from '../runner/metrics';
import { Runner } from '../runner/runner';
import { BackupRuns } from '../services/backup/run';
import { RestoreRuns } from '../services/restore/run';
import type { BotControllers, BotParts, PollTiming } from './parts';
import type { BuiltServices } from './services';

export function buildRunner(
  parts: BotParts,
  built: BuiltServices,
  io: { clock: Clock; timing: PollTiming; sleep: (ms: number) => Promise<void>; metrics: BotMetrics; notifiers: Map<ChannelAddress['platform'], Notifier>; kick: (name: string) => () => void },
): { runner: Runner; controllers: BotControllers } {
  const { config, store, log } = parts;
  const { clock, timing, sleep, metrics, notifiers, kick } = io;
  const { instances, clusters, catalog, announcer, audit, tasks, backups, restores, restoreDeps, retention, settings, startedHere } = built;
  const runs = new BackupRuns({
    store,
    clock,
    instances,
    clusters,
    catalog,
    announcer,
    audit,
    tasks,
    log: log.child({ part: 'backup' }),
    databaseConcurrency: config.scheduler.databaseConcurrency,
    invisibleJobLimitMinutes: config.scheduler.invisibleJobLimitMinutes,
    outageNoticeMinutes: config.scheduler.outageNoticeMinutes,
    ...(timing.resendGraceMs !== undefined ? { resendGraceMs: timing.resendGraceMs } : {}),
    onEnded(set) {
      startedHere.endedHere(set.id);
      metrics.backupEnded(set);
      const fields = { event: set.state === 'FAILED' ? 'backup.failed' : 'backup.finished', setId: set.id, instanceId: set.instanceId, state: set.state, sizeBytes: set.sizeBytes, error: set.error };
      if (set.state === 'FINISHED') log.info(fields, 'backup finished');
      else log.warn(fields, set.state === 'FAILED' ? 'backup failed' : 'backup partially failed');
    },
  });
  const controllers: BotControllers = {
    backups: new BackupController({ store, runs, log: log.child({ part: 'backups' }), concurrency: config.scheduler.concurrency, ...timing, kick: kick('backups') }),
    restores: new RestoreController({ store, runs: new RestoreRuns(restoreDeps), log: log.child({ part: 'restores' }), ...timing, kick: kick('restores') }),
    approvals: new ApprovalExpiryController({ restores, clock }),
    scheduler: new SchedulerController({
      cron: parts.cron,
      clock,
      store,
      instances,
      backups,
      announcer,
      log: log.child({ part: 'scheduler' }),
      jitterMs: config.scheduler.jitterSeconds * 1000,
      random: parts.random ?? Math.random,
      sleep,
      released: () => retention.released.ids(),
    }),
    watchdog: new WatchdogController({ store, clock, instances, catalog, announcer }),
    outbox: new OutboxController({ store, clock, notifiers, log: log.child({ part: 'outbox' }), onChatError: (p) => metrics.chatError(p) }),
    retention: new RetentionController({ ...retention.controller, log: log.child({ part: 'retention' }), concurrency: 2, retryMinMs: timing.pollMaxMs, retryMaxMs: 10 * 60_000, kick: kick('retention') }),
    expiryWarnings: new ExpiryWarningController(retention.warnings),
    reconcile: new ReconcileController({ pass: retention.reconcileAtStart, log: log.child({ part: 'reconcile' }) }),
  };
  settings.onChange(kick('scheduler'));
  announcer.onQueued = kick('outbox');
  // The first pass runs in this order: follow what runs, then schedule new work, expire what
  // waited too long, warn and sweep, then tell; reconciliation with OSS runs beside them.
  const runner = new Runner({
    controllers: [
      controllers.backups,
      controllers.restores,
      controllers.scheduler,
      controllers.watchdog,
      controllers.approvals,
      controllers.expiryWarnings,
      controllers.retention,
      controllers.outbox,
      controllers.reconcile,
    ],
    leadership: store.leadership,
    clock,
    log: log.child({ part: 'runner' }),
    events: {
      controllerRan: (name, seconds) => metrics.controllerRan(name, seconds),
      controllerFailed: (name) => metrics.controllerFailed(name),
      leadershipChanged: () => metrics.leadershipChanged(),
    },
  });
  return { runner, controllers };
}
