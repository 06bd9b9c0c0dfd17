// Which store the bot runs on: the embedded lowdb file under BOT_DATA_DIR, or, with
// BOT_STORE_URL=mysql://user@host:port/database (password in BOT_STORE_PASSWORD or the URL), the
// MySQL store that several replicas share. Only a masked URL is ever logged.

import type { Logger, Store } from '../ports';
import { openLowdbStore } from '../../adapters/store/lowdb';
import { describeTarget, openMysqlStore, parseStoreUrl } from '../../adapters/store/mysql';

export interface StoreChoice {
  /** What will be opened, fit for a log line (password masked). */
  description: string;
  open(log: Logger): Promise<Store>;
}

/** Reads the choice from the environment without opening anything: a bad URL is a ConfigError (naming the problem, never the password). */
export function chooseStore(env: NodeJS.ProcessEnv, dataDir: string): StoreChoice {
  const url = env.BOT_STORE_URL?.trim();
  if (!url) return { description: `embedded store in ${dataDir}`, open: () => openLowdbStore(dataDir) };
  const target = parseStoreUrl(url, env.BOT_STORE_PASSWORD);
  const description = describeTarget(target);
  return {
    description,
    open(log) {
      log.info({ store: description, leaseSeconds: target.leaseTtlMs / 1000 }, 'opening the MySQL store');
      return openMysqlStore(target, { log: log.child({ part: 'store' }) });
    },
  };
}
