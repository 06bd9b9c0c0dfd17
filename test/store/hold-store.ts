// A second bot process for the lock tests: opens the lowdb store of the folder given as argument,
// prints `HOLDING pid=<pid> epoch=<epoch>`, and keeps it open until killed. A refusal is printed
// as `REFUSED <error name>: <message>` and ends the process with code 3.

import { openLowdbStore } from '../../adapters/store/lowdb';

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: hold-store.ts <data folder>');
  try {
    const store = await openLowdbStore(dir);
    const lease = await store.leadership.acquire(new Date());
    console.log(`HOLDING pid=${process.pid} epoch=${lease?.epoch ?? 0}`);
  } catch (e) {
    console.log(`REFUSED ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    process.exitCode = 3;
    return;
  }
  setInterval(() => undefined, 60_000);
}

void main();
