// The sandbox fleet (SPEC section 4): simulated StarRocks instances with demo data and a
// simulated OSS with one bucket per region, described by a SimulatorDescription. Given a data
// folder, they keep their state in `<dataDir>/sandbox/` (the clusters' catalogs, repositories
// and jobs, the buckets' objects), so a sandbox stopped mid-backup finds the same jobs and
// objects when it starts again, as real systems would. Deleting that folder starts afresh.

import { join } from 'node:path';
import type { SimulatorDescription } from './description';
import { startOssServer, type OssSimulator } from './oss/server';
import { startStarRocksSimulator, type SimInstanceSpec, type StarRocksSimulator } from './starrocks';

export const SANDBOX_MYSQL_USER = 'root';
export const SANDBOX_MYSQL_PASSWORD = 'sandbox-root-pw';
export const SANDBOX_OSS_CREDENTIALS = { accessKeyId: 'LTAI5tSandboxKey', accessKeySecret: 'sandbox-oss-secret' };
export const SANDBOX_BUCKETS: Record<string, string> = { 'cn-hangzhou': 'sandbox-backups-hz', 'cn-shanghai': 'sandbox-backups-sh' };

const days = (prefix: string, from: number, count: number, rows: number) =>
  Array.from({ length: count }, (_, i) => ({ name: `${prefix}${from + i}`, rows: rows + i * 137, version: 3 + i }));

const base = { version: '3.3.5', timeZone: 'Asia/Shanghai', liveBackends: 3, enableBackupMaterializedView: true } as const;

/** Instance id → region and spec, in the order of their MySQL ports. */
export const SANDBOX_INSTANCES: { region: string; spec: SimInstanceSpec }[] = [
  {
    region: 'cn-hangzhou',
    spec: {
      ...base,
      id: 'prod-1',
      runMode: 'shared_nothing',
      ossRegionHint: 'oss-cn-hangzhou',
      databases: [
        {
          name: 'sales',
          tables: [
            { name: 'orders', kind: 'OLAP', rows: 0, partitions: days('p2024110', 1, 4, 12_000), rollups: ['orders_by_customer'], colocateGroup: 'sales_cg' },
            { name: 'customers', kind: 'OLAP', rows: 5_000, colocateGroup: 'sales_cg' },
            { name: 'order_items', kind: 'OLAP', rows: 0, partitions: days('p2024110', 1, 4, 30_000) },
            { name: 'v_daily_sales', kind: 'VIEW', rows: 0 },
            { name: 'mv_sales_by_day', kind: 'ASYNC_MV', rows: 365 },
          ],
        },
        {
          name: 'inventory',
          tables: [
            { name: 'stock', kind: 'OLAP', rows: 20_000 },
            { name: 'warehouses', kind: 'OLAP', rows: 12 },
          ],
        },
        {
          name: 'web',
          tables: [
            { name: 'events', kind: 'OLAP', rows: 0, partitions: days('p2024110', 1, 3, 50_000) },
            { name: 'ext_clicks', kind: 'EXTERNAL', rows: 0 },
          ],
        },
      ],
    },
  },
  { region: 'cn-hangzhou', spec: { ...base, id: 'staging-1', runMode: 'shared_nothing', ossRegionHint: 'oss-cn-hangzhou', databases: [] } },
  {
    region: 'cn-hangzhou',
    spec: {
      ...base,
      id: 'lake-1',
      runMode: 'shared_data',
      ossRegionHint: 'oss-cn-hangzhou',
      databases: [{ name: 'lake_events', tables: [{ name: 'clicks', kind: 'OLAP', rows: 80_000 }] }],
    },
  },
  {
    region: 'cn-shanghai',
    spec: {
      ...base,
      id: 'prod-sh',
      runMode: 'shared_nothing',
      ossRegionHint: 'oss-cn-shanghai',
      databases: [
        {
          name: 'finance',
          tables: [
            { name: 'ledger', kind: 'OLAP', rows: 0, partitions: days('p2024q', 3, 2, 25_000) },
            { name: 'accounts', kind: 'OLAP', rows: 800 },
          ],
        },
      ],
    },
  },
];

export interface Sandbox {
  description: SimulatorDescription;
  starrocks: StarRocksSimulator;
  oss: OssSimulator;
  close(): Promise<void>;
}

export interface SandboxOptions {
  mysqlPort?: number;
  ossPort?: number;
  stepMs?: number;
  clock?: () => Date;
  /** Keep the simulators' state under `<dataDir>/sandbox/` (the bot's BOT_DATA_DIR). */
  dataDir?: string;
}

/** Where the sandbox keeps its simulators' state, under the bot's data folder. */
export function sandboxStateDir(dataDir: string): string {
  return join(dataDir, 'sandbox');
}

/** The sandbox's OSS listens on 127.0.0.1, maybe on another port after a restart. */
function sameOssToday(today: string): (kept: string) => string {
  const host = new URL(today).host;
  return (kept) => {
    const m = /^(https?:\/\/)?(127\.0\.0\.1|localhost):\d+$/.exec(kept);
    return m ? `${m[1] ?? ''}${host}` : kept;
  };
}

export async function startSandboxSimulators(opts: SandboxOptions = {}): Promise<Sandbox> {
  const stateDir = opts.dataDir === undefined ? undefined : sandboxStateDir(opts.dataDir);
  const oss = await startOssServer({
    port: opts.ossPort,
    buckets: Object.entries(SANDBOX_BUCKETS).map(([region, name]) => ({ name, region })),
    credentials: [SANDBOX_OSS_CREDENTIALS],
    now: opts.clock,
    ...(stateDir === undefined ? {} : { dataDir: join(stateDir, 'oss') }),
  });
  let starrocks: StarRocksSimulator;
  try {
    starrocks = await startStarRocksSimulator({
      instances: SANDBOX_INSTANCES.map((i) => i.spec),
      basePort: opts.mysqlPort,
      user: SANDBOX_MYSQL_USER,
      password: SANDBOX_MYSQL_PASSWORD,
      clock: opts.clock,
      stepMs: opts.stepMs ?? 400,
      ...(stateDir === undefined ? {} : { stateDir: join(stateDir, 'starrocks'), endpoint: sameOssToday(oss.endpoint) }),
    });
  } catch (err) {
    await oss.close();
    throw err;
  }
  const instances: SimulatorDescription['instances'] = {};
  for (const i of SANDBOX_INSTANCES) instances[i.spec.id] = { region: i.region, mysqlPort: starrocks.ports[i.spec.id] ?? 0 };
  const description: SimulatorDescription = {
    mysql: { host: '127.0.0.1', port: starrocks.ports['prod-1'] ?? 0, user: SANDBOX_MYSQL_USER, password: SANDBOX_MYSQL_PASSWORD },
    oss: { endpoint: oss.endpoint, ...SANDBOX_OSS_CREDENTIALS, buckets: { ...SANDBOX_BUCKETS } },
    instances,
  };
  return {
    description,
    starrocks,
    oss,
    async close() {
      await starrocks.close();
      await oss.close();
    },
  };
}
