// The kill-point suite's world: the sandbox fleet plus empty restore targets, the OSS simulator
// and the fake Slack, all in the test process (they outlive every bot process), and the bot as a
// child process on one data folder (./bot-child.ts), started again after each SIGKILL. What the
// checks read: the store's file (with the store's own schema), the clusters' jobs and statement
// counters, OSS listings and the messages Slack received.

import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { documentSchema, type StoreDocument } from '../../adapters/store/lowdb/document';
import { STORE_FILE_NAME } from '../../adapters/store/lowdb';
import type { SimulatorDescription } from '../../sim/description';
import { startOssServer, type OssSimulator } from '../../sim/oss/server';
import { SANDBOX_BUCKETS, SANDBOX_INSTANCES, SANDBOX_MYSQL_PASSWORD, SANDBOX_MYSQL_USER, SANDBOX_OSS_CREDENTIALS } from '../../sim/sandbox';
import { startFakeSlack, type FakeSlack, type Json } from '../../sim/slack';
import { startStarRocksSimulator, type SimInstanceSpec, type StarRocksSimulator } from '../../sim/starrocks';
import { startReplica, type Replica } from '../support/replicas';

export const HZ_BUCKET = SANDBOX_BUCKETS['cn-hangzhou'] as string;
export const PROD_ROOT = 'starrocks-backups/__starrocks_repository_bot_prod_1';

export interface KillWorld {
  starrocks: StarRocksSimulator;
  oss: OssSimulator;
  slack: FakeSlack;
  description: SimulatorDescription;
  dataDir: string;
  /** The bot process now running (null between a kill and the next start). */
  bot: Replica | null;
  /** Starts a bot on the data folder and waits until its controllers run. */
  startBot(): Promise<Replica>;
  /** SIGKILLs the running bot and waits until it is gone. */
  kill(): Promise<void>;
  /** Sends a command to the running bot and waits for its answer line. */
  command(line: string, answer: RegExp): Promise<string>;
  /** The store as the bot last wrote it. */
  store(): StoreDocument;
  close(): Promise<void>;
}

/** Empty shared-nothing instances to restore into, one per restore scenario. */
export function freshTargets(count: number): { region: string; spec: SimInstanceSpec }[] {
  return Array.from({ length: count }, (_, i) => ({
    region: 'cn-hangzhou',
    spec: { id: `fresh-${i + 1}`, version: '3.3.5', timeZone: 'Asia/Shanghai', liveBackends: 3, enableBackupMaterializedView: true, runMode: 'shared_nothing', ossRegionHint: 'oss-cn-hangzhou', databases: [] },
  }));
}

/**
 * The bot child, bundled once into one file next to node_modules (its packages stay outside the
 * bundle): a bot process then starts in about a second instead of compiling hundreds of files.
 */
async function bundledBotChild(): Promise<string> {
  const outfile = join('node_modules', '.cache', 'kill-points', `bot-child-${process.pid}.mjs`);
  await build({ entryPoints: ['test/reliability/bot-child.ts'], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile, logLevel: 'error' });
  return outfile;
}

export async function startKillWorld(targets: number, stepMs = 20): Promise<KillWorld> {
  const script = await bundledBotChild();
  const oss = await startOssServer({ buckets: Object.entries(SANDBOX_BUCKETS).map(([region, name]) => ({ name, region })), credentials: [SANDBOX_OSS_CREDENTIALS] });
  const fleet = [...SANDBOX_INSTANCES, ...freshTargets(targets)];
  const starrocks = await startStarRocksSimulator({ instances: fleet.map((i) => i.spec), user: SANDBOX_MYSQL_USER, password: SANDBOX_MYSQL_PASSWORD, stepMs });
  const slack = await startFakeSlack();
  const instances: SimulatorDescription['instances'] = {};
  for (const i of fleet) instances[i.spec.id] = { region: i.region, mysqlPort: starrocks.ports[i.spec.id] ?? 0 };
  const description: SimulatorDescription = {
    mysql: { host: '127.0.0.1', port: starrocks.ports['prod-1'] ?? 0, user: SANDBOX_MYSQL_USER, password: SANDBOX_MYSQL_PASSWORD },
    oss: { endpoint: oss.endpoint, ...SANDBOX_OSS_CREDENTIALS, buckets: { ...SANDBOX_BUCKETS } },
    instances,
  };
  const dataDir = mkdtempSync(join(tmpdir(), 'kill-points-'));
  let lives = 0;
  const world: KillWorld = {
    starrocks,
    oss,
    slack,
    description,
    dataDir,
    bot: null,
    async startBot() {
      if (world.bot) throw new Error('a bot is already running');
      const bot = startReplica(
        `bot-${++lives}`,
        { SIMS_JSON: JSON.stringify(description), BOT_DATA_DIR: dataDir, SLACK_API_URL: slack.apiUrl, SLACK_BOT_TOKEN: slack.botToken },
        script,
      );
      world.bot = bot;
      await bot.line(/^READY$/, 'the bot to start', 60_000);
      return bot;
    },
    async kill() {
      const bot = world.bot;
      world.bot = null;
      await bot?.signal('SIGKILL');
    },
    async command(line, answer) {
      const bot = world.bot;
      if (!bot) throw new Error('no bot is running');
      const from = bot.lines.length;
      bot.send(line);
      return bot.line(answer, `the answer to ${line}`, 30_000, from);
    },
    store: () => documentSchema.parse(JSON.parse(readFileSync(join(dataDir, STORE_FILE_NAME), 'utf8'))) as StoreDocument,
    async close() {
      await world.kill();
      await slack.close();
      await starrocks.close();
      await oss.close();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(script, { force: true });
    },
  };
  return world;
}

/** A job time as SHOW BACKUP / SHOW RESTORE shows it (whole seconds), as an ISO instant. */
export function shownTime(at: Date | null | undefined): string | null {
  return at ? new Date(Math.floor(at.getTime() / 1000) * 1000).toISOString() : null;
}

/** The header of a Slack message (the reply's title, without its tone emoji). */
export function titleOf(blocks: Json[] | undefined): string {
  const header = (blocks ?? []).find((b): b is { type: string; text: { text: string } } => typeof b === 'object' && b !== null && !Array.isArray(b) && b.type === 'header');
  return header ? header.text.text.replace(/^\S+\s/, '') : '';
}

/**
 * The Slack messages that name `subject` in their title: per message, its first title and its
 * last one (`first → last`, or just the title when it never changed), in the order posted.
 */
export function messagesAbout(slack: FakeSlack, subject: string): string[] {
  // The id as a whole word: bk-…-prod-1 is not bk-…-prod-1.2 (a second set started in the same minute).
  const named = new RegExp(`${subject.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-]|\\.\\d)`);
  return [...slack.messages.values()]
    .filter((m) => m.history.some((v) => named.test(titleOf(v.blocks))))
    .map((m) => {
      const first = titleOf(m.history[0]?.blocks);
      const last = titleOf(m.history.at(-1)?.blocks);
      return first === last ? first : `${first} → ${last}`;
    });
}
