// The composition root: builds the bot from its parts (configuration, store, the outside
// systems' connectors). src/app/main.ts picks the real adapters; end-to-end tests pass the same
// ones pointed at sim/. This is the one place that knows every layer.

import { createCommandCore } from '../../commands/core';
import { TokenSigner } from '../../commands/signing';
import type { BotConfig } from '../config/types';
import type { Actor, BackupSet, ChannelAddress, RestoreRequest } from '../domain/types';
import type { Clock, CommandCore, Cron, Logger, Notifier, ObjectStoreConnector, StarRocksConnector, Store } from '../ports';
import { ApprovalExpiryController } from '../runner/controllers/approvals';
import { BackupController } from '../runner/controllers/backups';
import { ExpiryWarningController } from '../runner/controllers/expiry-warnings';
import { OutboxController } from '../runner/controllers/outbox';
import { ReconcileController } from '../runner/controllers/reconcile';
import { RetentionController } from '../runner/controllers/retention';
import { RestoreController } from '../runner/controllers/restores';
import { SchedulerController } from '../runner/controllers/scheduler';
import { WatchdogController } from '../runner/controllers/watchdog';
import { BotMetrics } from '../runner/metrics';
import { Runner } from '../runner/runner';
import { Announcer } from '../services/announcer';
import { Auditor } from '../services/audit';
import { BackupRuns } from '../services/backup/run';
import { BackupabilityCheck } from '../services/backupable';
import { BackupService } from '../services/backup/service';
import { BackupCatalog } from '../services/catalog';
import { Clusters } from '../services/clusters';
import { Doctor } from '../services/doctor';
import { InstanceDirectory } from '../services/instances';
import { InstanceOverview } from '../services/overview';
import { PeopleDirectory } from '../services/people';
import { RestoreRuns } from '../services/restore/run';
import { RestoreService } from '../services/restore/service';
import { warnUnapprovable } from '../services/restore/startup';
import { retentionParts } from '../services/retention/parts';
import type { Services } from '../services/services';
import { SettingsService } from '../services/settings';
import { TaskBook } from '../services/tasks';
import { checkHealth, type Health } from './health';
import { storedSeenKeys, type StoredSeenKeys } from './seen-keys';
import { StartedHere } from './started-here';

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

export interface Bot {
  core: CommandCore;
  services: Services;
  runner: Runner;
  controllers: BotControllers;
  metrics: BotMetrics;
  /** Chat surfaces register here as they start. */
  notifiers: Map<ChannelAddress['platform'], Notifier>;
  /** Chat requests already handled, kept across restarts (a replayed request is dropped). */
  seenRequests: StoredSeenKeys;
  /** Backups this process's commands started (a piped terminal session waits for its own). */
  startedHere: StartedHere;
  /** What the last start warned about (instances where no restore could be approved, released instances still configured). */
  startupWarnings: string[];
  start(): Promise<void>;
  /** Stops the controllers (waiting for work under way); the store stays open for the caller to close. */
  stop(): Promise<void>;
  /** Delivers every notification due now (tests, a piped session before it exits). */
  deliverNow(): Promise<void>;
  health(): Promise<Health>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

async function signingKey(store: Store): Promise<Buffer> {
  // Replicas starting together on a new store all keep the first one's key: a button made by one
  // is accepted by every other.
  const key = (await store.runnerState.get('signingKey')) ?? (await store.runnerState.setIfAbsent('signingKey', TokenSigner.newKey()));
  return Buffer.from(key, 'hex');
}

export async function createBot(parts: BotParts): Promise<Bot> {
  const { config, store, log } = parts;
  const clock: Clock = parts.clock ?? { now: () => new Date() };
  const sleep = parts.sleep ?? realSleep;
  const timing = parts.timing ?? { pollMinMs: 2000, pollMaxMs: 30_000 };
  let runner: Runner | null = null;
  const kick = (name: string) => () => runner?.kick(name);

  const instances = new InstanceDirectory(config);
  const people = new PeopleDirectory(config.people, config.defaultRole);
  const clusters = new Clusters(instances, parts.starrocks, parts.oss, clock);
  const catalog = new BackupCatalog(store, instances);
  const audit = new Auditor(store, clock);
  const announcer = new Announcer(store, clock, instances);
  const tasks = new TaskBook(store, clock);
  const backupable = new BackupabilityCheck(clusters, clock);
  const settings = new SettingsService(people, store, clock, instances, catalog, audit, announcer, backupable);
  const signer = new TokenSigner(await signingKey(store));
  const retention = retentionParts({
    deps: { store, clock, instances, clusters, announcer, audit, tasks, log: log.child({ part: 'retention' }) },
    settings,
    expiryWarningHours: config.expiryWarningHours,
    sign: (command, ttlSeconds, now) => signer.action(command, ttlSeconds, now),
    onRequested: kick('retention'),
  });
  const startedHere = new StartedHere(async (id) =>
    id.startsWith('rs-')
      ? ['APPROVED', 'RUNNING'].includes((await store.restores.get(id))?.state ?? '')
      : (await store.backupSets.get(id))?.state === 'RUNNING',
  );
  const onStarted = (set: BackupSet, actor: Actor) => {
    startedHere.started(set, actor);
    runner?.kick('backups');
  };
  const backups = new BackupService({
    store,
    clock,
    instances,
    settings,
    announcer,
    audit,
    tasks,
    backupable,
    log: log.child({ part: 'backups' }),
    onStarted,
    releasedRefusal: (id) => retention.released.refusal(id),
  });
  const restoreDeps = {
    store,
    clock,
    instances,
    clusters,
    people,
    announcer,
    audit,
    tasks,
    log: log.child({ part: 'restores' }),
    signer,
    approvalTtlHours: config.approvals.ttlHours,
    databaseConcurrency: config.scheduler.databaseConcurrency,
    invisibleJobLimitMinutes: config.scheduler.invisibleJobLimitMinutes,
    onApproved(request: RestoreRequest, actor: Actor) {
      startedHere.startedWork(request.id, actor);
      runner?.kick('restores');
    },
    onRequested: kick('approvals'),
    onEnded: (request: RestoreRequest) => startedHere.endedHere(request.id),
  };
  const restores = new RestoreService(restoreDeps);
  const overview = new InstanceOverview(instances, settings, catalog, clusters);
  const doctor = new Doctor(instances, clusters);
  const services: Services = { clock, people, instances, overview, doctor, settings, catalog, backups, restores, tasks, ...retention.services };
  // A confirm button does its work once: a second click (or a replayed one) is told it was done.
  const usedButtons = storedSeenKeys(store, 'commands.button', 24 * 3600_000);
  const core = createCommandCore({ services, signer, usedButtons, log: log.child({ part: 'commands' }) });
  // Slack signs a request for 5 minutes either way of its timestamp: 10 minutes covers any replay.
  const seenRequests = storedSeenKeys(store, 'slack.request', 10 * 60_000);

  const notifiers = new Map<ChannelAddress['platform'], Notifier>();
  let scheduler: SchedulerController | null = null;
  const metrics = new BotMetrics(
    { store, instanceIds: () => instances.list().map((i) => i.id), scheduledInstances: () => scheduler?.size ?? 0, lease: () => runner?.currentLease ?? null },
    { defaultMetrics: parts.processMetrics ?? false },
  );
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
  scheduler = controllers.scheduler;
  settings.onChange(kick('scheduler'));
  announcer.onQueued = kick('outbox');
  // The first pass runs in this order: follow what runs, then schedule new work, expire what
  // waited too long, warn and sweep, then tell; reconciliation with OSS runs beside them.
  runner = new Runner({
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
  const theRunner = runner;

  const bot: Bot = {
    core,
    services,
    runner: theRunner,
    controllers,
    metrics,
    notifiers,
    seenRequests,
    startedHere,
    startupWarnings: [],
    async start() {
      bot.startupWarnings = [...(await warnUnapprovable({ store, instances, people: config.people, announcer, log })), ...(await retention.services.releases.atStart())];
      await theRunner.start();
    },
    async stop() {
      await theRunner.stop();
      await clusters.close();
    },
    async deliverNow() {
      await theRunner.runOnce('outbox');
    },
    health: () =>
      checkHealth({
        store,
        runner: theRunner,
        scheduler: controllers.scheduler,
        notifiers,
        now: () => clock.now(),
        contacts: () => instances.list().map((i) => ({ instanceId: i.id, contact: clusters.contactOf(i.id) })),
      }),
  };
  return bot;
}
