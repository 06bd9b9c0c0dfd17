// The sandbox fleet plus targets that each break one restore rule, over real sockets: an older
// StarRocks, one live backend, a user without the restore privileges, a 3.4 cluster (it creates
// restored databases itself), a target that already holds `sales`, and one nobody answers on.

import type { SimulatorDescription } from '../../sim/description';
import { startOssServer } from '../../sim/oss/server';
import {
  SANDBOX_BUCKETS, SANDBOX_INSTANCES, SANDBOX_MYSQL_PASSWORD, SANDBOX_MYSQL_USER, SANDBOX_OSS_CREDENTIALS, type Sandbox,
} from '../../sim/sandbox';
import { startStarRocksSimulator, type SimInstanceSpec } from '../../sim/starrocks';

const target = (over: Partial<SimInstanceSpec> & { id: string }): { region: string; spec: SimInstanceSpec } => ({
  region: 'cn-hangzhou',
  spec: { version: '3.3.5', timeZone: 'Asia/Shanghai', liveBackends: 3, enableBackupMaterializedView: true, runMode: 'shared_nothing', ossRegionHint: 'oss-cn-hangzhou', databases: [], ...over },
});

export const EXTRA_TARGETS = [
  target({ id: 'staging-old', version: '3.1.0' }),
  target({ id: 'staging-small', liveBackends: 1 }),
  target({ id: 'staging-locked', grants: ["GRANT SELECT ON ALL TABLES IN ALL DATABASES TO USER 'root'@'%'"] }),
  target({ id: 'staging-new', version: '3.4.1' }),
  target({ id: 'staging-full', databases: [{ name: 'sales', tables: [{ name: 'orders', kind: 'OLAP', rows: 10 }] }] }),
];

/** Nobody listens on port 9 (discard): the instance cannot be reached. */
export const UNREACHABLE = { id: 'staging-down', region: 'cn-hangzhou', mysqlPort: 9 };

export async function startRestoreSims(opts: { stepMs?: number; clock?: () => Date } = {}): Promise<Sandbox> {
  const oss = await startOssServer({
    buckets: Object.entries(SANDBOX_BUCKETS).map(([region, name]) => ({ name, region })),
    credentials: [SANDBOX_OSS_CREDENTIALS],
    ...(opts.clock ? { now: opts.clock } : {}),
  });
  const fleet = [...SANDBOX_INSTANCES, ...EXTRA_TARGETS];
  const starrocks = await startStarRocksSimulator({
    instances: fleet.map((i) => i.spec),
    user: SANDBOX_MYSQL_USER,
    password: SANDBOX_MYSQL_PASSWORD,
    ...(opts.clock ? { clock: opts.clock } : {}),
    stepMs: opts.stepMs ?? 15,
  }).catch(async (err: unknown) => {
    await oss.close();
    throw err;
  });
  const instances: SimulatorDescription['instances'] = {};
  for (const i of fleet) instances[i.spec.id] = { region: i.region, mysqlPort: starrocks.ports[i.spec.id] ?? 0 };
  instances[UNREACHABLE.id] = { region: UNREACHABLE.region, mysqlPort: UNREACHABLE.mysqlPort };
  return {
    description: {
      mysql: { host: '127.0.0.1', port: starrocks.ports['prod-1'] ?? 0, user: SANDBOX_MYSQL_USER, password: SANDBOX_MYSQL_PASSWORD },
      oss: { endpoint: oss.endpoint, ...SANDBOX_OSS_CREDENTIALS, buckets: { ...SANDBOX_BUCKETS } },
      instances,
    },
    starrocks,
    oss,
    async close() {
      await starrocks.close();
      await oss.close();
    },
  };
}
