// MariaDB on 127.0.0.1:3306 (root, empty password; `.ci/run` starts it) for the MySQL store's
// tests. Each test file makes its own database, named uniquely, and drops it afterwards. Without
// a reachable server the tests skip with a message, except under CI=true, where they must run.

import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import mysql from 'mysql2/promise';
import { z } from 'zod';

export const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };

function reachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: MARIADB.host, port: MARIADB.port });
    s.setTimeout(1000);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.once('timeout', () => (s.destroy(), resolve(false)));
  });
}

/** Whether the MariaDB tests run: the server answers, or CI=true insists (and they fail clearly). */
export async function mariadbTestsRun(what: string): Promise<boolean> {
  const up = await reachable();
  if (!up && process.env.CI !== 'true') console.warn(`MariaDB not reachable on ${MARIADB.host}:${MARIADB.port}: skipping ${what}`);
  return up || process.env.CI === 'true';
}

export interface TestDatabase {
  name: string;
  /** `BOT_STORE_URL` of this database (root, no password), with URL options such as `leaseSeconds=3`. */
  url(options?: Record<string, number>): string;
  /** A root connection for looking at what the store wrote. */
  admin: mysql.Connection;
  rows(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Deletes every row the store wrote and frees the lease (a fresh store, migrations kept). */
  empty(): Promise<void>;
  drop(): Promise<void>;
}

export async function createTestDatabase(tag: string): Promise<TestDatabase> {
  const name = `bot_mysql_${tag.replace(/[^a-z0-9]/g, '').slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  const admin = await mysql.createConnection({ ...MARIADB, dateStrings: true });
  await admin.query(`CREATE DATABASE \`${name}\``);
  await admin.query(`USE \`${name}\``);
  const rows = async (sql: string, params: unknown[] = []) => (await admin.query(sql, params))[0] as Record<string, unknown>[];
  return {
    name,
    admin,
    rows,
    url(options = {}) {
      const query = Object.entries(options).map(([k, v]) => `${k}=${v}`).join('&');
      return `mysql://${MARIADB.user}@${MARIADB.host}:${MARIADB.port}/${name}${query ? `?${query}` : ''}`;
    },
    async empty() {
      const tables = z.array(z.object({ t: z.string() })).parse(await rows('SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ?', [name]));
      for (const { t } of tables) {
        if (t === 'schema_migrations') continue;
        if (t === 'leader_lease') await admin.query(`UPDATE \`${name}\`.leader_lease SET holder = NULL, epoch = 0, acquired_at = NULL, expires_at = NULL`);
        else await admin.query(`DELETE FROM \`${name}\`.\`${t}\``);
      }
    },
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
}
