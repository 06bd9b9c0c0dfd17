// A connection to the store's database: the mysql2 pool with the session every connection gets,
// and the schema brought up to date (migrations under the server lock) before anything else runs.

import { createPool, type Pool } from 'mysql2/promise';
import { OutsideError } from '../../../src/domain/errors';
import type { Logger } from '../../../src/ports';
import { Connections, LeaseBelief, PoolAccess } from './access';
import { migrate } from './migrations';
import { sqlOn, storeError } from './sql';
import { describeTarget, type MysqlTarget } from './target';

export interface MysqlDatabase {
  pool: Pool;
  access: PoolAccess;
  belief: LeaseBelief;
  /** The URL as it may be shown (password masked). */
  where: string;
  /** The schema versions this open applied (empty when another replica had done it). */
  migrated: number[];
}

export async function connectMysql(target: MysqlTarget, log?: Logger): Promise<MysqlDatabase> {
  const where = describeTarget(target);
  // A process paused inside a transaction (SIGSTOP, a frozen VM) holds its locks, the lease row's
  // among them, until the server ends its connection: the server does so after about one lease
  // time of silence, so another replica takes over within about a lease time even then.
  const waitTimeoutSeconds = Math.ceil(target.leaseTtlMs / 1000) + 1;
  const pool = createPool({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    connectionLimit: target.connectionLimit,
    // Idle connections are closed here before the server's short wait_timeout would end them.
    maxIdle: Math.max(1, target.connectionLimit - 1),
    idleTimeout: waitTimeoutSeconds * 500,
    connectTimeout: 10_000,
    enableKeepAlive: true,
    dateStrings: true,
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    // An UPDATE reports the rows it changed, not the rows it matched (firstSeen relies on it).
    flags: ['-FOUND_ROWS'],
  });
  const connections = new Connections(pool, { waitTimeoutSeconds, lockWaitTimeoutSeconds: waitTimeoutSeconds + 2 }, `the MySQL store at ${where}`);
  const belief = new LeaseBelief();
  try {
    const migrated = await connections.with((conn) => migrate(sqlOn(conn), target.database, log));
    return { pool, access: new PoolAccess(connections, belief, log), belief, where, migrated };
  } catch (err) {
    await pool.end().catch(() => undefined);
    const mapped = storeError(err, `cannot open the MySQL store at ${where}`);
    if (mapped !== err || err instanceof OutsideError) throw mapped;
    throw new Error(`cannot open the MySQL store at ${where}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
