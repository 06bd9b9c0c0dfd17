// One measurement of the scheduler with N enabled instances, in a fresh process so start-up
// time and memory are the process's own. Prints one JSON line.
// Usage: tsx bench/scheduler-child.ts <instances>

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeCron } from '../adapters/cron/node-cron';
import { aliOssConnector } from '../adapters/oss';
import { mysqlStarRocksConnector } from '../adapters/starrocks';
import { openLowdbStore } from '../adapters/store/lowdb';
import { sandboxConfig } from '../src/config';
import type { BotConfig, InstanceConfig } from '../src/config/types';
import type { Logger } from '../src/ports';
import { createBot } from '../src/wiring/bot';
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
    await prep.saveSettings({ instanceId: instance.id, enabled: true, weekdays: ['mon', 'wed', 'fri'], time: '00:00', retentionDays: 7, version: 1, updatedAt: new Date().toISOString(), updatedBy: 'bench' });
  }
  await prep.close();
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;

  const t0 = process.hrtime.bigint();
  const store = await openLowdbStore(dir);
  const bot = await createBot({ config, store, starrocks: mysqlStarRocksConnector, oss: aliOssConnector, cron: nodeCron, log: silent });
  await bot.scheduler.start();
  const startupMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (bot.scheduler.size !== n) throw new Error(`expected ${n} cron jobs, got ${bot.scheduler.size}`);

  // CPU the idle cron jobs cost: 3 s of wall time with nothing due.
  const cpu0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, 3000));
  const cpu = process.cpuUsage(cpu0);
  const idleCpuMsPerSecond = (cpu.user + cpu.system) / 1000 / 3;

  global.gc?.();
  const rssAfter = process.memoryUsage().rss;
  bot.scheduler.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify({ instances: n, startupMs, rssMb: rssAfter / 1048576, rssGrowthMb: (rssAfter - rssBefore) / 1048576, idleCpuMsPerSecond }));
  process.exit(0);
}

void main();
