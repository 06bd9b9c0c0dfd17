// The adapter's connection handling against a REAL MySQL-protocol server: MariaDB on
// 127.0.0.1:3306 (root, empty password, database `test`). Skipped with a message when MariaDB is
// not reachable, except under CI=true, where it must run.

import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlStarRocksConnector } from '../../adapters/starrocks';
import { Frontends } from '../../adapters/starrocks/frontends';
import type { StarRocksClient, StarRocksConnection } from '../../src/ports';
import { failure } from './helpers';

const HOST = '127.0.0.1';
const PORT = 3306;

async function reachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: HOST, port: PORT });
    s.setTimeout(1000);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.once('timeout', () => (s.destroy(), resolve(false)));
  });
}

const up = await reachable();
const mustRun = process.env.CI === 'true';
if (!up && !mustRun) console.warn(`MariaDB not reachable on ${HOST}:${PORT}: skipping the adapter's real-server connection tests`);

const conn = (over: Partial<StarRocksConnection> = {}): StarRocksConnection => ({
  instanceId: 'mariadb',
  frontends: [{ host: HOST, port: PORT }],
  user: 'root',
  password: '',
  connectTimeoutMs: 1500,
  queryTimeoutMs: 5000,
  ...over,
});

describe.skipIf(!up && !mustRun)('adapter against a real MariaDB', () => {
  const clients: StarRocksClient[] = [];
  const client = (over: Partial<StarRocksConnection> = {}) => {
    const c = mysqlStarRocksConnector.connect(conn(over));
    clients.push(c);
    return c;
  };
  beforeAll(() => {
    if (!up) throw new Error(`CI=true but MariaDB is not reachable on ${HOST}:${PORT}`);
  });
  afterAll(() => Promise.all(clients.map((c) => c.close())));

  it('pools connections and answers queries in parallel', async () => {
    const c = client();
    const results = await Promise.all(Array.from({ length: 8 }, () => c.databaseExists('test')));
    expect(results).toEqual(Array(8).fill(true));
    expect(await c.databaseExists('no_such_db_here')).toBe(false);
    expect(await c.countRows('information_schema', 'CHARACTER_SETS')).toBeGreaterThan(0);
  });

  it('a wrong password is auth, without the password in the message', async () => {
    const err = await failure(client({ password: 'wrong-pass-123' }).databaseExists('test'));
    expect(err.kind).toBe('auth');
    expect(err.message).toContain('Access denied for user');
    expect(err.message).not.toContain('wrong-pass-123');
  });

  it('an unreachable port or an unknown host is unreachable', async () => {
    const closedPort = await failure(client({ frontends: [{ host: HOST, port: 1 }] }).databaseExists('test'));
    expect(closedPort.kind).toBe('unreachable');
    const noHost = await failure(client({ frontends: [{ host: 'no-such-host.invalid', port: PORT }] }).databaseExists('test'));
    expect(noHost.kind).toBe('unreachable');
  });

  it('a query slower than the query timeout is timeout, and the pool still works after it', async () => {
    const fe = new Frontends(conn({ queryTimeoutMs: 500 }));
    try {
      const started = Date.now();
      const slow = await failure(fe.query('SELECT SLEEP(5)'));
      expect(slow.kind).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(3000);
      expect(await fe.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await fe.close();
    }
  });
});
