// One measurement of the scheduler with N enabled instances, in a fresh process so start-up
// time and memory are the process's own. Prints one JSON line.
// Usage: tsx bench/scheduler-child.ts <instances>
//
// The measured start is the one `npm start` runs with a configuration file (src/main.ts): the
// YAML file read and validated (loadConfig), the store chosen from the environment and opened
// (chooseStore), the bot built (createBot with the real connectors and node-cron) and started
// (bot.start: the runner's first pass, the scheduler's reconcile and catch-up among it). It is a
// restart: the settings and the scheduler's last-seen time are in the store already. The
// clusters and OSS are unreachable (port 9), so nothing but the bot's own work is timed; the
// chat surfaces (not part of the scheduler) are not started.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeCron } from '../adapters/cron/node-cron';
import { aliOssConnector } from '../adapters/oss';
import { mysqlStarRocksConnector } from '../adapters/starrocks';
import { openLowdbStore } from '../adapters/store/lowdb';
import { loadConfig } from '../src/config';
import type { Logger } from '../src/ports';
import { SchedulerController } from '../src/runner/controllers/scheduler';
import { Announcer } from '../src/services/announcer';
import { createBot } from '../src/app/bot';
import { chooseStore } from '../src/app/store';
import { WEEKDAYS } from '../src/domain/types';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

const ZONES = ['Asia/Shanghai', 'UTC', 'Europe/Berlin', 'America/New_York'];

/** A fleet's configuration file: instances spread over two regions and four time zones. */
function configYaml(n: number): string {
  const lines = [
    'regions:',
    '  cn-hangzhou: { bucket: bench-hz, endpoint: "http://127.0.0.1:9", accessKeyIdEnv: BENCH_AK, accessKeySecretEnv: BENCH_SK }',
    '  cn-shanghai: { bucket: bench-sh, endpoint: "http://127.0.0.1:9", accessKeyIdEnv: BENCH_AK, accessKeySecretEnv: BENCH_SK }',
    `instances:${n === 0 ? ' []' : ''}`,
  ];
  for (let i = 1; i <= n; i++) {
    lines.push(
      `  - id: db-${i}`,
      `    displayName: Database ${i}`,
      `    region: ${i % 5 === 0 ? 'cn-shanghai' : 'cn-hangzhou'}`,
      '    frontends: ["127.0.0.1:9"]',
      '    user: backup_bot',
      '    passwordEnv: BENCH_SR_PASSWORD',
      `    timezone: ${ZONES[i % ZONES.length]}`,
      '    channels: { slack: C0BENCH, terminal: true }',
      '    peakHours: ["09:00-18:00"]',
    );
  }
  lines.push('people:', '  - name: alice', '    terminal: alice', '    roles: { "*": admin }', '  - name: bob', '    slack: U0BOB', '    roles: { "*": admin }', 'defaultRole: null');
  return lines.join('\n') + '\n';
}

/** Settings as a fleet would have them: a handful of times and weekday sets. */
function settingsOf(i: number): { weekdays: (typeof WEEKDAYS)[number][]; time: string } {
  const weekdays = i % 3 === 0 ? [...WEEKDAYS] : i % 3 === 1 ? (['mon', 'wed', 'fri'] as const).slice() : (['sun'] as const).slice();
  const time = `0${i % 6}:${i % 2 === 0 ? '00' : '30'}`;
  return { weekdays, time };
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 0);
  const dir = mkdtempSync(join(tmpdir(), 'bench-scheduler-'));
  const configPath = join(dir, 'config.yml');
  writeFileSync(configPath, configYaml(n));
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_AK: 'LTAI5tBench', BENCH_SK: 'bench-secret', BENCH_SR_PASSWORD: 'bench' };
  delete env.BOT_STORE_URL;
  // The settings exist before the measured start, and the bot ran a minute ago: a restart.
  const prep = await openLowdbStore(dir);
  const now = new Date();
  for (let i = 1; i <= n; i++) {
    await prep.settings.save({ instanceId: `db-${i}`, enabled: true, ...settingsOf(i), retentionDays: 7, version: 1, updatedAt: now.toISOString(), updatedBy: 'bench' });
  }
  await prep.runnerState.set('schedulerLastSeen', new Date(now.getTime() - 60_000).toISOString());
  await prep.close();
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;

  const cpuMs = () => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  };
  const t0 = performance.now();
  const c0 = cpuMs();
  const config = loadConfig(configPath, env);
  const t1 = performance.now();
  const c1 = cpuMs();
  const store = await chooseStore(env, dir).open(silent);
  const bot = await createBot({ config, store, starrocks: mysqlStarRocksConnector, oss: aliOssConnector, cron: nodeCron, log: silent });
  await bot.start();
  const configMs = t1 - t0;
  const configCpuMs = c1 - c0;
  const startupMs = performance.now() - t1;
  const startupCpuMs = cpuMs() - c1;
  if (bot.controllers.scheduler.size !== n) throw new Error(`expected ${n} scheduled instances, got ${bot.controllers.scheduler.size}`);

  // CPU the idle schedules cost: 3 s of wall time with nothing due.
  const cpu0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, 3000));
  const cpu = process.cpuUsage(cpu0);
  const idleCpuMsPerSecond = (cpu.user + cpu.system) / 1000 / 3;

  global.gc?.();
  const rssAfter = process.memoryUsage().rss;
  await bot.stop();

  // One tick with every instance due at once: the scheduler's own work, with the engine's start
  // counted instead of run (a run's cost is the cluster's, not ours).
  let started = 0;
  const clock = { now: () => new Date() };
  const tickScheduler = new SchedulerController({
    cron: { schedule: () => ({ stop() {} }) },
    clock,
    store,
    instances: bot.services.instances,
    backups: { startScheduled: async () => { started++; return null; } },
    announcer: new Announcer(store, clock, bot.services.instances),
    log: silent,
    jitterMs: 0,
    random: () => 0,
    sleep: async () => undefined,
  });
  await store.runnerState.set('schedulerLastSeen', new Date().toISOString());
  await tickScheduler.reconcile();
  const firedAt = new Date();
  const tick0 = process.cpuUsage();
  const tickStart = process.hrtime.bigint();
  for (const instance of config.instances) tickScheduler.due(instance.id, firedAt);
  await tickScheduler.settled();
  const tickMs = Number(process.hrtime.bigint() - tickStart) / 1e6;
  const tickCpu = process.cpuUsage(tick0);
  await tickScheduler.stop();
  if (started !== n) throw new Error(`the tick started ${started} of ${n} runs`);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify({ instances: n, configMs, configCpuMs, startupMs, startupCpuMs, rssMb: rssAfter / 1048576, rssGrowthMb: (rssAfter - rssBefore) / 1048576, idleCpuMsPerSecond, tickMs, tickCpuMs: (tickCpu.user + tickCpu.system) / 1000 }));
  process.exit(0);
}

void main();
