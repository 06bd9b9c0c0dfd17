// Builds the bot from its parts: configuration, store, the outside systems' connectors.
// src/main.ts picks the real adapters; end-to-end tests pass the same ones pointed at sim/.

import { createCommandCore } from '../../commands/core';
import { TokenSigner } from '../../commands/signing';
import type { CommandCore } from '../../commands/types';
import type { BotConfig } from '../config/types';
import type { ChannelAddress } from '../domain/types';
import type { Clock, Cron, Logger, Notifier, ObjectStoreConnector, StarRocksConnector, Store } from '../ports';
import { Metrics } from '../runner/metrics';
import { OutboxDeliverer } from '../runner/outbox';
import { BackupScheduler } from '../runner/scheduler';
import { Watchdog } from '../runner/watchdog';
import { Announcer } from '../services/announcer';
import { Auditor } from '../services/audit';
import { BackupEngine } from '../services/backup/engine';
import type { EngineTiming } from '../services/backup/engine';
import { BackupCatalog } from '../services/catalog';
import { Clusters } from '../services/clusters';
import { InstanceDirectory } from '../services/instances';
import type { Services } from '../services/services';
import { SettingsService } from '../services/settings';
import { SeenKeys } from './seen-keys';

export interface BotParts {
  config: BotConfig;
  store: Store;
  starrocks: StarRocksConnector;
  oss: ObjectStoreConnector;
  cron: Cron;
  log: Logger;
  clock?: Clock;
  timing?: EngineTiming;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface Bot {
  core: CommandCore;
  services: Services;
  engine: BackupEngine;
  scheduler: BackupScheduler;
  watchdog: Watchdog;
  outbox: OutboxDeliverer;
  metrics: Metrics;
  /** Chat surfaces register here as they start. */
  notifiers: Map<ChannelAddress['platform'], Notifier>;
  /** Chat requests already handled, kept across restarts (a replayed request is dropped). */
  seenRequests: SeenKeys;
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): Promise<{ ok: boolean; store: string; scheduler: string; scheduledInstances: number; runningBackups: number; surfaces: string[] }>;
}

const SIGNING_KEY = 'signing.key';
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export async function createBot(parts: BotParts): Promise<Bot> {
  const { config, store, log } = parts;
  const clock: Clock = parts.clock ?? { now: () => new Date() };
  const sleep = parts.sleep ?? realSleep;
  const instances = new InstanceDirectory(config);
  const clusters = new Clusters(instances, parts.starrocks, parts.oss);
  const catalog = new BackupCatalog(store);
  const audit = new Auditor(store, clock);
  const announcer = new Announcer(store, clock, instances);
  const settings = new SettingsService(config, store, clock, instances, catalog, audit, announcer);
  const engine = new BackupEngine({
    config,
    store,
    clock,
    instances,
    clusters,
    catalog,
    settings,
    announcer,
    audit,
    log: log.child({ part: 'engine' }),
    sleep,
    timing: parts.timing ?? { pollMinMs: 2000, pollMaxMs: 30_000 },
  });
  const services: Services = { config, store, clock, log, instances, clusters, catalog, settings, audit, announcer, backups: engine };

  let key = await store.getValue(SIGNING_KEY);
  if (!key) {
    key = TokenSigner.newKey();
    await store.setValue(SIGNING_KEY, key);
  }
  const signer = new TokenSigner(Buffer.from(key, 'hex'));
  const unreadable = (problem: string) => log.warn({ problem }, 'a stored list of seen keys could not be read; starting it afresh');
  // A confirm button does its work once: a second click (or a replayed one) is told it was done.
  const usedButtons = new SeenKeys(store, { name: 'commands.used-buttons', keepMs: 24 * 3600_000, maxEntries: 2000, onUnreadable: unreadable });
  const core = createCommandCore({ services, signer, usedButtons, log: log.child({ part: 'commands' }) });
  // Slack signs a request for 5 minutes either way of its timestamp: 10 minutes covers any replay.
  const seenRequests = new SeenKeys(store, { name: 'chat.seen-requests', keepMs: 10 * 60_000, maxEntries: 5000, onUnreadable: unreadable });

  const scheduler = new BackupScheduler({
    cron: parts.cron,
    clock,
    store,
    instances,
    settings,
    engine,
    announcer,
    log: log.child({ part: 'scheduler' }),
    jitterMs: config.scheduler.jitterSeconds * 1000,
    random: parts.random ?? Math.random,
    sleep,
  });
  const watchdog = new Watchdog({ store, clock, instances, catalog, announcer, log: log.child({ part: 'watchdog' }) });
  const notifiers = new Map<ChannelAddress['platform'], Notifier>();
  const outbox = new OutboxDeliverer({ store, clock, notifiers, log: log.child({ part: 'outbox' }) });
  announcer.onQueued = () => outbox.kick();
  const metrics = new Metrics(store, clock, () => ({ backup_bot_scheduled_instances: scheduler.size }));

  return {
    core,
    services,
    engine,
    scheduler,
    watchdog,
    outbox,
    metrics,
    notifiers,
    seenRequests,
    async start() {
      const resumed = await engine.resumeRunning();
      if (resumed.length) log.info({ resumed }, 'resuming backups a previous run left running');
      await scheduler.start();
      watchdog.start();
      await watchdog.check();
      outbox.start();
      outbox.kick();
    },
    async stop() {
      scheduler.stop();
      watchdog.stop();
      engine.stop();
      outbox.stop();
      await outbox.idle();
      await clusters.close();
    },
    async health() {
      let storeState = 'up';
      try {
        await store.getValue(SIGNING_KEY);
      } catch (err) {
        storeState = `down: ${err instanceof Error ? err.message : String(err)}`;
      }
      const running = (await store.listBackupSets({ states: ['RUNNING'] }).catch(() => [])).length;
      const schedulerState = scheduler.isRunning() ? 'up' : 'down';
      return {
        ok: storeState === 'up' && schedulerState === 'up',
        store: storeState,
        scheduler: schedulerState,
        scheduledInstances: scheduler.size,
        runningBackups: running,
        surfaces: [...notifiers.keys()],
      };
    },
  };
}
