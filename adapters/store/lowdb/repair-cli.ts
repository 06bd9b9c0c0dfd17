// `npm run store:repair`: moves the records the bot refuses to read out of the store file of
// BOT_DATA_DIR (default ./data) into backup-bot.rejected-<time>.json, and keeps the rest.

import { resolve } from 'node:path';
import { repairStore } from './repair';

async function main(): Promise<number> {
  if (process.env.BOT_STORE_URL) {
    console.error('store:repair repairs the embedded store (BOT_DATA_DIR); BOT_STORE_URL is set.');
    return 2;
  }
  const dataDir = resolve(process.env.BOT_DATA_DIR ?? './data');
  const result = await repairStore(dataDir);
  if (result.rejectedFile === null) {
    console.log(`${result.storeFile}: every record is valid (${result.kept}); nothing to repair.`);
    return 0;
  }
  console.log(`${result.storeFile}: moved ${result.rejected.length} record(s) the bot could not read into ${result.rejectedFile}; kept ${result.kept}.`);
  for (const r of result.rejected) console.log(`- ${r.record}: ${r.problems.join('; ')}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`store:repair: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
