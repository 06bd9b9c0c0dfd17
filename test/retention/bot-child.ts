// The bot as a separate process, for the test that kills it during a deletion: simulators the
// test owns (SIMS_JSON), data in BOT_DATA_DIR. With DELETE_SET=<bk-id> it asks, as admin1, for
// that set's deletion. Prints READY, then `STATE <id> <state>` whenever a set's state changes.

import { sandboxConfig } from '../../src/config';
import type { SimulatorDescription } from '../../sim/description';
import { createBot } from '../../src/app/bot';
import { aliOssConnector } from '../../adapters/oss';
import { mysqlStarRocksConnector } from '../../adapters/starrocks';
import { openLowdbStore } from '../../adapters/store/lowdb';
import { FakeCron } from '../support/cron';
import { memoryLogger } from '../support/logger';

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
  const id = process.env.DELETE_SET;
  if (id) {
    await bot.services.deletions.request(bot.core.resolveActor('terminal', 'admin1'), id);
    console.log(`REQUESTED ${id}`);
  }
  const last = new Map<string, string>();
  setInterval(() => {
    void store.backupSets.list().then((sets) => {
      for (const s of sets) {
        if (last.get(s.id) === s.state) continue;
        last.set(s.id, s.state);
        console.log(`STATE ${s.id} ${s.state}`);
      }
    });
  }, 20);
}

void main();
