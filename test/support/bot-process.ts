// The bot as a separate process, for crash tests: it runs against simulators the test owns
// (their description in SIMS_JSON) with its data in BOT_DATA_DIR. With START_BACKUP=<instance>
// it starts a manual backup. It prints one line per event: READY, STARTED <id>, STATE <id> <state>.

import { sandboxConfig } from '../../src/config';
import type { SimulatorDescription } from '../../sim/description';
import { createBot } from '../../src/app/bot';
import { aliOssConnector } from '../../adapters/oss';
import { mysqlStarRocksConnector } from '../../adapters/starrocks';
import { openLowdbStore } from '../../adapters/store/lowdb';
import { FakeCron } from './cron';
import { memoryLogger } from './logger';

async function main(): Promise<void> {
  const sims = JSON.parse(process.env.SIMS_JSON ?? '{}') as SimulatorDescription;
  const store = await openLowdbStore(process.env.BOT_DATA_DIR ?? './data');
  const bot = await createBot({
    config: sandboxConfig(sims),
    store,
    starrocks: mysqlStarRocksConnector,
    oss: aliOssConnector,
    cron: new FakeCron(),
    log: memoryLogger(),
    timing: { pollMinMs: 20, pollMaxMs: 100 },
  });
  await bot.start();
  console.log('READY');
  const instance = process.env.START_BACKUP;
  if (instance) {
    const set = await bot.services.backups.startManual(bot.core.resolveActor('terminal', 'admin1'), instance);
    console.log(`STARTED ${set.id}`);
  }
  let last = '';
  setInterval(() => {
    void store.backupSets.list().then((sets) => {
      const line = sets.map((s) => `STATE ${s.id} ${s.state} ${s.databases.map((d) => `${d.database}:${d.state}`).join(',')}`).join('\n');
      if (line && line !== last) {
        last = line;
        console.log(line);
      }
    });
  }, 50);
}

void main();
