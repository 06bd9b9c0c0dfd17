// Starts the bot. With a configuration file it runs against the real systems; without one it
// starts the sandbox (simulated StarRocks and OSS with demo data). Chat surfaces follow the
// environment: Slack when SLACK_* is set, DingTalk when DINGTALK_* is, the terminal when no chat
// platform is (or --terminal).

import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { configFileExists, loadConfig, sandboxConfig } from './config';
import type { BotConfig } from './config/types';
import { ConfigError } from './domain/errors';
import type { Platform } from './domain/types';
import type { Logger } from './ports';
import { unreachableInstances } from './services/reach';
import { createBot } from './app/bot';
import { storedSeenMessages } from './app/seen-messages';
import { chooseStore } from './app/store';
import { nodeCron } from '../adapters/cron/node-cron';
import { healthRoutes, startHttpRoutes } from '../adapters/http/health';
import { aliOssConnector } from '../adapters/oss';
import { startDingTalkSurface } from '../adapters/dingtalk';
import { startSlackSurface } from '../adapters/slack';
import { mysqlStarRocksConnector } from '../adapters/starrocks';
import { startTerminal, type TerminalSession } from '../adapters/terminal';
import { chooseTerminalUser, terminalGreeting } from '../adapters/terminal/greeting';

interface Flags {
  terminal: boolean;
  /** --as NAME (or USER_NAME); null = the default terminal user of the configuration. */
  user: string | null;
}

function parseFlags(argv: string[]): Flags {
  const flags: Flags = { terminal: false, user: process.env.USER_NAME ?? null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--terminal') flags.terminal = true;
    else if (a === '--as' && argv[i + 1]) flags.user = String(argv[++i]);
    else if (a?.startsWith('--as=')) flags.user = a.slice(5);
    else {
      console.error(`unknown option ${a}; accepted: --terminal, --as NAME`);
      process.exit(2);
    }
  }
  return flags;
}

async function makeLogger(toFile: string | null): Promise<Logger> {
  // JSON logs (pino). In the terminal chat they go to a file so they do not mix with the chat.
  // The file is open before the logger is used, so an exit at any moment can flush it.
  const destination = toFile ? pino.destination({ dest: toFile, mkdir: true, sync: false }) : pino.destination(1);
  if (toFile) await once(destination, 'ready');
  return pino({ level: process.env.LOG_LEVEL ?? 'info', redact: ['password', 'accessKeySecret', 'token', 'secret'] }, destination) as unknown as Logger;
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const env = process.env;
  const slackConfigured = Boolean(env.SLACK_BOT_TOKEN && (env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN));
  const dingtalkConfigured = Boolean(env.DINGTALK_CLIENT_ID && env.DINGTALK_CLIENT_SECRET);
  const useTerminal = flags.terminal || (!slackConfigured && !dingtalkConfigured);
  const dataDir = resolve(env.BOT_DATA_DIR ?? './data');
  // Configuration first: a problem is reported before any simulator, store or log file exists.
  const storeChoice = chooseStore(env, dataDir);
  const configPath = resolve(env.BACKUP_BOT_CONFIG ?? './config.yml');
  const fileConfig = configFileExists(configPath) ? loadConfig(configPath, env) : null;

  mkdirSync(dataDir, { recursive: true });
  const log = await makeLogger(useTerminal ? join(dataDir, 'bot.log') : null);
  let config: BotConfig;
  let closeSandbox: (() => Promise<void>) | null = null;
  if (fileConfig) {
    config = fileConfig;
    log.info({ config: configPath, instances: config.instances.length }, 'configuration loaded');
  } else {
    // The simulators are loaded only when the sandbox starts.
    const { startSandboxSimulators } = await import('../sim/sandbox');
    const sandbox = await startSandboxSimulators({ stepMs: 400, dataDir });
    closeSandbox = sandbox.close;
    config = sandboxConfig(sandbox.description);
    log.info({ sims: sandbox.description.instances }, 'no configuration file: running the sandbox');
  }

  const store = await storeChoice.open(log);
  const bot = await createBot({
    config,
    store,
    starrocks: mysqlStarRocksConnector,
    oss: aliOssConnector,
    cron: nodeCron,
    log,
    processMetrics: true,
    timing: config.sandbox ? { pollMinMs: 300, pollMaxMs: 2000 } : { pollMinMs: 2000, pollMaxMs: 30_000 },
  });

  const port = Number(env.PORT ?? 3000);
  const routes = healthRoutes(() => bot.health(), () => bot.metrics.render());
  const stops: (() => Promise<void>)[] = [];
  if (slackConfigured) {
    const slack = await startSlackSurface({
      core: bot.core,
      botToken: env.SLACK_BOT_TOKEN as string,
      signingSecret: env.SLACK_SIGNING_SECRET ?? '',
      ...(env.SLACK_APP_TOKEN ? { appToken: env.SLACK_APP_TOKEN } : {}),
      ...(env.SLACK_API_URL ? { apiUrl: env.SLACK_API_URL } : {}),
      port,
      routes,
      logger: log,
      seenRequests: bot.seenRequests,
    });
    bot.notifiers.set('slack', slack.notifier);
    stops.push(() => slack.stop());
    log.info({ port: slack.port, mode: env.SLACK_APP_TOKEN ? 'socket' : 'http' }, 'Slack surface listening');
  } else {
    const server = await startHttpRoutes(port, routes).catch((err: unknown) => {
      log.warn({ port, err: err instanceof Error ? err.message : String(err) }, 'health endpoints not served');
      return null;
    });
    if (server) stops.push(() => new Promise((r) => server.close(() => r())));
  }
  if (dingtalkConfigured) {
    const dingtalk = await startDingTalkSurface({
      core: bot.core,
      clientId: env.DINGTALK_CLIENT_ID as string,
      clientSecret: env.DINGTALK_CLIENT_SECRET as string,
      ...(env.DINGTALK_API_URL ? { apiUrl: env.DINGTALK_API_URL } : {}),
      ...(env.DINGTALK_CARD_TEMPLATE_ID ? { cardTemplateId: env.DINGTALK_CARD_TEMPLATE_ID } : {}),
      seen: storedSeenMessages(store),
      logger: log,
    });
    bot.notifiers.set('dingtalk', dingtalk.notifier);
    stops.push(() => dingtalk.stop());
  }

  // Instances whose every channel is on a platform nobody serves here: warned once, per instance.
  const served = new Set<Platform>([...bot.notifiers.keys(), ...(useTerminal ? (['terminal'] as const) : [])]);
  const unreachable = unreachableInstances(config.instances, served);
  for (const u of unreachable) log.warn({ instanceId: u.instanceId, channels: u.platforms }, u.message);

  // The terminal chat registers before the bot starts, so what a backup resumed at start-up
  // announces reaches it too (an announcement for a platform with no surface is dropped).
  let terminal: TerminalSession | null = null;
  if (useTerminal) {
    const { user, note } = chooseTerminalUser(config, flags.user);
    const me = bot.core.resolveActor('terminal', user);
    const notes = [...(note ? [note] : []), ...unreachable.map((u) => u.message)];
    const greeting = terminalGreeting({ config, dataDir, user, displayName: me.personId ? (me.displayName ?? null) : null, notes });
    terminal = startTerminal({
      core: bot.core,
      input: process.stdin,
      output: process.stdout,
      user,
      interactive: Boolean(process.stdin.isTTY),
      greeting,
      // Piped input: let the backups this session's commands started end, and the queued
      // announcements go out, before leaving (not backups resumed from an earlier run).
      beforeExit: async () => {
        await bot.startedHere.ended('terminal');
        await bot.runner.idle();
        await bot.deliverNow();
      },
    });
    bot.notifiers.set('terminal', terminal.notifier);
  }

  await bot.start();
  // Instances on which no restore could ever be approved (also in the log and their channels).
  for (const warning of bot.startupWarnings) console.error(`⚠ ${warning}`);

  let stopping = false;
  const shutdown = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await bot.stop();
    for (const stop of stops) await stop().catch(() => undefined);
    await store.close();
    if (closeSandbox) await closeSandbox();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  if (terminal) {
    bot.runner.kick('outbox');
    await terminal.done;
    await shutdown(0);
  }
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(`The bot cannot start: the configuration is not valid.\n${err.message}`);
  } else {
    console.error(`The bot cannot start: ${err instanceof Error ? err.message : String(err)}`);
  }
  process.exit(1);
});
