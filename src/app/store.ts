// Which store the bot runs on: the embedded lowdb file under BOT_DATA_DIR, or, with
// BOT_STORE_URL=mysql://user@host:port/database (password in BOT_STORE_PASSWORD or the URL), the
// MySQL store that several replicas share. Only a masked URL is ever logged.

import type { Logger, Store } from '../ports';
import { openLowdbStore } from '../../adapters/store/lowdb';
import { describeTarget, openMysqlStore, parseStoreUrl } from '../../adapters/store/mysql';

export async function openConfiguredStore(env: NodeJS.ProcessEnv, dataDir: string, log: Logger): Promise<Store> {
  const url = env.BOT_STORE_URL?.trim();
  if (!url) return openLowdbStore(dataDir);
  // A ConfigError here names what is wrong with the URL, never its password.
  const target = parseStoreUrl(url, env.BOT_STORE_PASSWORD);
  log.info({ store: describeTarget(target), leaseSeconds: target.leaseTtlMs / 1000 }, 'opening the MySQL store');
  return openMysqlStore(target, { log: log.child({ part: 'store' }) });
}
