// Simulators for retention tests: the sandbox's StarRocks clusters on the test's clock (so job
// times, and with them expiries, follow it) and the OSS simulator on real time (ali-oss signs
// requests with the real clock, and OSS refuses a skewed one). Plus helpers to seed objects.

import { startOssServer, type OssSimulator } from '../../sim/oss/server';
import { SANDBOX_BUCKETS, SANDBOX_INSTANCES, SANDBOX_MYSQL_PASSWORD, SANDBOX_MYSQL_USER, SANDBOX_OSS_CREDENTIALS } from '../../sim/sandbox';
import { startStarRocksSimulator, type StarRocksSimulator } from '../../sim/starrocks';
import type { SimulatorDescription } from '../../sim/description';
import type { BackupSet } from '../../src/domain/types';

export interface RetentionSims {
  description: SimulatorDescription;
  starrocks: StarRocksSimulator;
  oss: OssSimulator;
  close(): Promise<void>;
}

export const HZ_BUCKET = SANDBOX_BUCKETS['cn-hangzhou'] as string;
export const PROD_ROOT = 'starrocks-backups/__starrocks_repository_bot_prod_1';

export async function startRetentionSims(clock: () => Date, stepMs = 10): Promise<RetentionSims> {
  const oss = await startOssServer({
    buckets: Object.entries(SANDBOX_BUCKETS).map(([region, name]) => ({ name, region })),
    credentials: [SANDBOX_OSS_CREDENTIALS],
  });
  const starrocks = await startStarRocksSimulator({ instances: SANDBOX_INSTANCES.map((i) => i.spec), user: SANDBOX_MYSQL_USER, password: SANDBOX_MYSQL_PASSWORD, clock, stepMs });
  const instances: SimulatorDescription['instances'] = {};
  for (const i of SANDBOX_INSTANCES) instances[i.spec.id] = { region: i.region, mysqlPort: starrocks.ports[i.spec.id] ?? 0 };
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

/** Every key of a set's snapshot directories. */
export function keysOf(oss: OssSimulator, set: BackupSet, root = PROD_ROOT, bucket = HZ_BUCKET): string[] {
  return set.databases.flatMap((d) => oss.listKeys(bucket, `${root}/__ss_${d.snapshotName}/`));
}

/** Adds `count` small data files to the first snapshot directory of a set. */
export function seedObjects(oss: OssSimulator, set: BackupSet, count: number, root = PROD_ROOT, bucket = HZ_BUCKET): void {
  const db = set.databases[0];
  if (!db) throw new Error(`${set.id} has no database`);
  for (let i = 0; i < count; i++) {
    oss.putObject(bucket, `${root}/__ss_${db.snapshotName}/__ss_content/__db_1/__tbl_2/__part_3/__idx_4/__${100000 + i}/data_${i}.dat.0123456789abcdef0123456789abcdef`, 'x');
  }
}
