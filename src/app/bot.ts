// The composition root: builds the bot from its parts (configuration, store, the outside
// systems' connectors). src/main.ts picks the real adapters; end-to-end tests pass the same ones
// pointed at sim/. This file and the two it calls (./services.ts: the use cases and the command
// core; ./controllers.ts: the controllers on one runner) are the one place that knows every layer.

import type { ChannelAddress } from '../domain/types';
import type { Clock, CommandCore, Notifier } from '../ports';
import type { SchedulerController } from '../runner/controllers/scheduler';
import { BotMetrics } from '../runner/metrics';
import type { Runner } from '../runner/runner';
import { warnUnapprovable } from '../services/restore/startup';
import type { Services } from '../services/services';
import { checkHealth, type Health } from './health';
import { buildRunner } from './controllers';
import type { StoredSeenKeys } from './seen-keys';
import { buildServices } from './services';
import type { StartedHere } from './started-here';
import type { BotControllers, BotParts } from './parts';

export type { BotControllers, BotParts, PollTiming } from './parts';

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

export async function createBot(parts: BotParts): Promise<Bot> {
  const { config, store, log } = parts;
  const clock: Clock = parts.clock ?? { now: () => new Date() };
  const sleep = parts.sleep ?? realSleep;
  const timing = parts.timing ?? { pollMinMs: 2000, pollMaxMs: 30_000 };
  let runner: Runner | null = null;
  const kick = (name: string) => () => runner?.kick(name);
  let scheduler: SchedulerController | null = null;
  let instanceIds: () => string[] = () => [];
  const metrics = new BotMetrics(
    { store, instanceIds: () => instanceIds(), scheduledInstances: () => scheduler?.size ?? 0, lease: () => runner?.currentLease ?? null },
    { defaultMetrics: parts.processMetrics ?? false },
  );
  const built = await buildServices(parts, clock, kick, { restoreEnded: (request) => metrics.restoreEnded(request) });
  const { core, services, seenRequests, startedHere, instances, clusters, announcer, retention } = built;
  instanceIds = () => instances.list().map((i) => i.id);
  const notifiers = new Map<ChannelAddress['platform'], Notifier>();
  const { runner: theRunner, controllers } = buildRunner(parts, built, { clock, timing, sleep, metrics, notifiers, kick });
  runner = theRunner;
  scheduler = controllers.scheduler;

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
