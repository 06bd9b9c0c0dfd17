// One measurement of the scheduler with N enabled instances, in a fresh process so start-up
// time and memory are the process's own. Prints one JSON line.
// Usage: tsx bench/scheduler-child.ts <instances>

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeCron } from '../adapters/cron/node-cron';
import { createAliOssConnector } from '../adapters/oss';
import { mysqlStarRocksConnector } from '../adapters/starrocks';
import { openLowdbStore } from '../adapters/store/lowdb';
import { sandboxConfig } from '../src/config';
import type { BotConfig, InstanceConfig } from '../src/config/types';
import type { Logger } from '../src/ports';
import { SchedulerController } from '../src/runner/controllers/scheduler';
import { Announcer } from '../src/services/announcer';
import { createBot } from '../src/app/bot';
import { OFFLINE_SIMS } from '../test/support/harness';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

function fleet(n: number): BotConfig {
  const base = sandboxConfig(OFFLINE_SIMS);
  const template = base.instances[0] as InstanceConfig;
  const instances = Array.from({ length: n }, (_, i): InstanceConfig => ({ ...template, id: `db-${i + 1}`, repository: `bot_db_${i + 1}`, displayName: `db ${i + 1}` }));
  return { ...base, instances };
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 0);
  const dir = mkdtempSync(join(tmpdir(), 'bench-scheduler-'));
  const config = fleet(n);
  // The settings exist before the measured start, as they would after a restart.
  const prep = await openLowdbStore(dir);
  for (const instance of config.instances) {
    await prep.settings.save({ instanceId: instance.id, enabled: true, weekdays: ['mon', 'wed', 'fri'], time: '00:00', retentionDays: 7, version: 1, updatedAt: new Date().toISOString(), updatedBy: 'bench' });
  }
  await prep.close();
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;

  const t0 = process.hrtime.bigint();
  const store = await openLowdbStore(dir);
  // OSS is offline here: one attempt per call, so the start-up reconciliation's failed listings do
  // not keep retrying inside the measured idle window.
  const oss = createAliOssConnector({ retry: { maxAttempts: 1 } });
  const bot = await createBot({ config, store, starrocks: mysqlStarRocksConnector, oss, cron: nodeCron, log: silent });
  await bot.start();
  const startupMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (bot.controllers.scheduler.size !== n) throw new Error(`expected ${n} cron jobs, got ${bot.controllers.scheduler.size}`);

  // CPU the idle cron jobs cost: 3 s of wall time with nothing due.
  const cpu0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, 3000));
  const cpu = process.cpuUsage(cpu0);
  const idleCpuMsPerSecond = (cpu.user + cpu.system) / 1000 / 3;

  global.gc?.();
  const rssAfter = process.memoryUsage().rss;
  await bot.stop();

  // One tick with every instance due at once (00:00, the default): the scheduler's own work,
  // with the engine's start counted instead of run (a run's cost is the cluster's, not ours).
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
  console.log(JSON.stringify({ instances: n, startupMs, rssMb: rssAfter / 1048576, rssGrowthMb: (rssAfter - rssBefore) / 1048576, idleCpuMsPerSecond, tickMs, tickCpuMs: (tickCpu.user + tickCpu.system) / 1000 }));
  process.exit(0);
}

void main();
