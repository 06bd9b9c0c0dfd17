// The whole bot in-process, with the real lowdb store in a temporary folder, for tests that
// talk to it as a chat user would. With `sims`, StarRocks and OSS are the simulators over
// real sockets (mysql2 and ali-oss); without, the instances point at a closed port.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reply } from '../../src/reply';
import { sandboxConfig } from '../../src/config';
import type { BotConfig } from '../../src/config/types';
import type { Clock, Cron, ObjectStoreConnector, Store } from '../../src/ports';
import { createBot } from '../../src/app/bot';
import type { Bot } from '../../src/app/bot';
import type { PollTiming } from '../../src/app/bot';
import { aliOssConnector, createAliOssConnector } from '../../adapters/oss';
import { mysqlStarRocksConnector } from '../../adapters/starrocks';
import { openLowdbStore } from '../../adapters/store/lowdb';
import type { SimulatorDescription } from '../../sim/description';
import { FakeCron } from './cron';
import { memoryLogger, type LogRecord } from './logger';
import { RecordingNotifier } from './recording-notifier';
import { waitFor } from './wait';

export const OFFLINE_SIMS: SimulatorDescription = {
  mysql: { host: '127.0.0.1', port: 9, user: 'root', password: 'sandbox' },
  oss: { endpoint: 'http://127.0.0.1:9', accessKeyId: 'offline', accessKeySecret: 'offline-secret', buckets: { 'cn-hangzhou': 'sandbox-backups-hz', 'cn-shanghai': 'sandbox-backups-sh' } },
  instances: {
    'prod-1': { region: 'cn-hangzhou', mysqlPort: 9 },
    'staging-1': { region: 'cn-hangzhou', mysqlPort: 9 },
    'lake-1': { region: 'cn-hangzhou', mysqlPort: 9 },
    'prod-sh': { region: 'cn-shanghai', mysqlPort: 9 },
  },
};

/** Offline, an OSS call fails at once instead of being retried (start-up reconciliation lists OSS). */
const offlineOss = createAliOssConnector({ retry: { maxAttempts: 1 } });

export interface HarnessOptions {
  sims?: SimulatorDescription;
  /** The OSS connector (default: ali-oss with its retry policy; one attempt when offline). */
  oss?: ObjectStoreConnector;
  config?: (base: BotConfig) => BotConfig;
  clock?: Clock;
  cron?: Cron;
  timing?: PollTiming;
  dataDir?: string;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Start the runner (the controllers) right away; default true. */
  start?: boolean;
}

export interface Harness {
  bot: Bot;
  store: Store;
  cron: FakeCron;
  channel: RecordingNotifier;
  slack: RecordingNotifier;
  dataDir: string;
  config: BotConfig;
  /** What the bot logged. */
  log: LogRecord[];
  /** Runs `/backup <text>` as a terminal user. */
  say(user: string, text: string): Promise<Reply>;
  /** Clicks the first button whose label matches, as `user`. */
  click(user: string, reply: Reply, label: RegExp): Promise<Reply>;
  /** Delivers queued announcements. */
  flush(): Promise<void>;
  /** Starts the runner: the controllers (backups, scheduler, watchdog, outbox) run. */
  start(): Promise<void>;
  /** Waits until no backup set is RUNNING and the controllers are idle. */
  settle(timeoutMs?: number): Promise<void>;
  close(options?: { keepData?: boolean }): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'backup-bot-test-'));
  const base = sandboxConfig(options.sims ?? OFFLINE_SIMS);
  const config = options.config ? options.config(base) : base;
  const store = await openLowdbStore(dataDir);
  const cron = options.cron instanceof FakeCron ? options.cron : new FakeCron();
  const log = memoryLogger();
  const bot = await createBot({
    config,
    store,
    starrocks: mysqlStarRocksConnector,
    oss: options.oss ?? (options.sims ? aliOssConnector : offlineOss),
    cron: options.cron ?? cron,
    log,
    ...(options.clock ? { clock: options.clock } : {}),
    timing: options.timing ?? { pollMinMs: 20, pollMaxMs: 100 },
    ...(options.random ? { random: options.random } : { random: () => 0 }),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  const channel = new RecordingNotifier('terminal');
  const slack = new RecordingNotifier('slack');
  bot.notifiers.set('terminal', channel);
  bot.notifiers.set('slack', slack);
  if (options.start !== false) await bot.start();
  const actor = (user: string) => bot.core.resolveActor('terminal', user);
  return {
    bot,
    store,
    cron,
    channel,
    slack,
    dataDir,
    config,
    log: log.records,
    say: (user, text) => bot.core.run({ actor: actor(user), text, channel: { platform: 'terminal', channelId: 'terminal' } }),
    async click(user, reply, label) {
      const buttons = [...(reply.buttons ?? []), ...(reply.items ?? []).flatMap((i) => i.buttons ?? [])];
      const button = buttons.find((b) => label.test(b.label));
      if (!button) throw new Error(`no button ${label} in reply: ${reply.text}`);
      return bot.core.act({ actor: actor(user), value: button.value, channel: { platform: 'terminal', channelId: 'terminal' } });
    },
    async flush() {
      await bot.runner.idle();
      await bot.deliverNow();
    },
    start: () => bot.start(),
    async settle(timeoutMs = 20_000) {
      await waitFor(async () => ((await store.backupSets.list({ states: ['RUNNING'], limit: 1 })).length === 0 ? true : null), 'every backup to end', timeoutMs);
      await bot.runner.idle();
    },
    async close(opts = {}) {
      await bot.stop();
      await store.close();
      if (!opts.keepData && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
