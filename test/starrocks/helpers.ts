// Shared set-up for the StarRocks tests: an OSS simulator plus a StarRocks simulator over real
// sockets, the adapter connected to it, and a bounded wait for conditions (no fixed sleeps).

import mysql from 'mysql2/promise';
import { mysqlStarRocksConnector } from '../../adapters/starrocks';
import type { RepositorySpec, StarRocksClient, StarRocksConnection } from '../../src/ports';
import { startOssServer, type OssSimulator } from '../../sim/oss/server';
import { startStarRocksSimulator, type SimInstanceSpec, type StarRocksSimulator } from '../../sim/starrocks';

export const USER = 'bot';
export const PASSWORD = 'S3cret-pw';
export const AK = 'AKTEST';
export const SK = 'sk-very-secret';
export const BUCKET = 'bk-hz';

export function instance(over: Partial<SimInstanceSpec> & { id: string }): SimInstanceSpec {
  return {
    version: '3.3.5',
    runMode: 'shared_nothing',
    timeZone: 'Asia/Shanghai',
    liveBackends: 3,
    enableBackupMaterializedView: true,
    databases: [],
    ...over,
  };
}

export const SALES = {
  name: 'sales',
  tables: [
    { name: 'orders', kind: 'OLAP' as const, rows: 1000, partitions: [{ name: 'p1', rows: 600, version: 5 }, { name: 'p2', rows: 400, version: 3 }], rollups: ['orders_r1'], colocateGroup: 'sales_cg' },
    { name: 'customers', kind: 'OLAP' as const, rows: 50, colocateGroup: 'sales_cg' },
    { name: 'v_daily', kind: 'VIEW' as const, rows: 0 },
    { name: 'mv_daily', kind: 'ASYNC_MV' as const, rows: 10 },
    { name: 'ext_clicks', kind: 'EXTERNAL' as const, rows: 0 },
  ],
};

export interface Fixture {
  oss: OssSimulator;
  sr: StarRocksSimulator;
  now: { value: Date };
  client(id: string, over?: Partial<StarRocksConnection>): StarRocksClient;
  raw(id: string): Promise<mysql.Connection>;
  repo(name: string, over?: Partial<RepositorySpec>): RepositorySpec;
  close(): Promise<void>;
}

export async function startFixture(instances: SimInstanceSpec[], opts: { stepMs?: number } = {}): Promise<Fixture> {
  const now = { value: new Date('2024-12-09T02:25:58.842Z') };
  const oss = await startOssServer({
    buckets: [{ name: BUCKET, region: 'cn-hangzhou' }],
    credentials: [{ accessKeyId: AK, accessKeySecret: SK }],
  });
  const sr = await startStarRocksSimulator({ instances, user: USER, password: PASSWORD, clock: () => now.value, stepMs: opts.stepMs ?? 0 });
  const clients: StarRocksClient[] = [];
  const raws: mysql.Connection[] = [];
  return {
    oss,
    sr,
    now,
    client(id, over = {}) {
      const c = mysqlStarRocksConnector.connect({
        instanceId: id,
        frontends: [{ host: '127.0.0.1', port: sr.ports[id] ?? 0 }],
        user: USER,
        password: PASSWORD,
        connectTimeoutMs: 2000,
        queryTimeoutMs: 5000,
        ...over,
      });
      clients.push(c);
      return c;
    },
    async raw(id) {
      const c = await mysql.createConnection({ host: '127.0.0.1', port: sr.ports[id] ?? 0, user: USER, password: PASSWORD });
      raws.push(c);
      return c;
    },
    repo(name, over = {}) {
      return { name, location: `oss://${BUCKET}/backups`, endpoint: oss.endpoint, accessKeyId: AK, accessKeySecret: SK, readOnly: false, ...over };
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await Promise.all(raws.map((c) => c.end().catch(() => undefined)));
      await sr.close();
      await oss.close();
    },
  };
}

/** Polls `check` until it returns a value other than undefined/false, within `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Rows of a raw query as column-name maps. */
export async function rows(conn: mysql.Connection, sql: string): Promise<Record<string, unknown>[]> {
  const [r] = await conn.query(sql);
  return r as Record<string, unknown>[];
}

/** The OutsideError kind (or error name) a promise rejects with. */
export async function failure(p: Promise<unknown>): Promise<{ kind: string; message: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as { kind?: unknown; name?: unknown; message?: unknown };
    return { kind: typeof e.kind === 'string' ? e.kind : String(e.name), message: String(e.message) };
  }
  throw new Error('expected a failure');
}
