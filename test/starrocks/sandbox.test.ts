// The sandbox fleet with timer-driven jobs (small stepMs), and `sim/main.ts` as a process.

import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlStarRocksConnector } from '../../adapters/starrocks';
import type { StarRocksClient } from '../../src/ports';
import type { SimulatorDescription } from '../../sim/description';
import { startSandboxSimulators, type Sandbox } from '../../sim/sandbox';
import { firstJsonLine } from '../support/json-line';
import { waitFor } from './helpers';

describe('the sandbox fleet', () => {
  let sb: Sandbox;
  const clients: StarRocksClient[] = [];
  const client = (id: string) => {
    const d = sb.description;
    const c = mysqlStarRocksConnector.connect({ instanceId: id, frontends: [{ host: d.mysql.host, port: d.instances[id]?.mysqlPort ?? 0 }], user: d.mysql.user, password: d.mysql.password });
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    sb = await startSandboxSimulators({ stepMs: 5 });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await sb.close();
  });

  it('describes four instances in two regions, prod-1 first', () => {
    const d = sb.description;
    expect(Object.keys(d.instances)).toEqual(['prod-1', 'staging-1', 'lake-1', 'prod-sh']);
    expect(d.mysql.port).toBe(d.instances['prod-1']?.mysqlPort);
    expect(d.instances['prod-sh']?.region).toBe('cn-shanghai');
    expect(d.oss.buckets).toEqual({ 'cn-hangzhou': 'sandbox-backups-hz', 'cn-shanghai': 'sandbox-backups-sh' });
  });

  it('prod-1 has a view, an async MV, a rollup, a colocate group and an external table; lake-1 is shared-data', async () => {
    const inv = await client('prod-1').inventory();
    const sales = inv.databases.find((d) => d.name === 'sales')?.tables ?? [];
    expect(sales.filter((t) => t.colocateGroup === 'sales_cg').map((t) => t.name)).toEqual(['customers', 'orders']);
    expect(sales.find((t) => t.name === 'v_daily_sales')?.kind).toBe('VIEW');
    expect(sales.find((t) => t.name === 'mv_sales_by_day')?.kind).toBe('ASYNC_MV');
    expect(sales.find((t) => t.name === 'orders')?.syncMaterializedViews).toEqual(['orders_by_customer']);
    expect(inv.databases.find((d) => d.name === 'web')?.tables.find((t) => t.name === 'ext_clicks')?.kind).toBe('EXTERNAL');
    expect((await client('staging-1').inventory()).databases).toEqual([]);
    expect(await client('lake-1').runMode()).toBe('shared_data');
  });

  it('a backup finishes on its own ticks and lands in the region bucket', async () => {
    const c = client('prod-sh');
    const d = sb.description;
    await c.ensureRepository({ name: 'bot_prod_sh', location: 'oss://sandbox-backups-sh/starrocks/prod-sh', endpoint: d.oss.endpoint, accessKeyId: d.oss.accessKeyId, accessKeySecret: d.oss.accessKeySecret, readOnly: false });
    await c.submitBackup({ database: 'finance', snapshotName: 'demo_1', repository: 'bot_prod_sh', tables: ['ledger', 'accounts'], timeoutSeconds: 3600 });
    const job = await waitFor(async () => {
      const j = await c.findBackupJob('finance', 'demo_1');
      return j?.state === 'FINISHED' ? j : undefined;
    });
    expect(job.status).toBe('[OK]');
    expect(sb.oss.listKeys('sandbox-backups-sh', 'starrocks/prod-sh/__starrocks_repository_bot_prod_sh/__ss_demo_1/').length).toBeGreaterThan(10);
  });
});

describe('npm run sim (sim/main.ts)', () => {
  it('prints the SimulatorDescription as its first line starting with { and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'sim/main.ts'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const first = await firstJsonLine(child.stdout, new Promise((resolve) => child.once('exit', resolve)));
    const d = JSON.parse(first) as SimulatorDescription;
    expect(Object.keys(d.instances)).toContain('prod-1');
    expect(d.oss.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });

  it('bad flags: one clear message and exit code 2', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'sim/main.ts', '--mysql-port', 'x'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('--mysql-port must be a port number from 1 to 65535, got "x"');
  });
});
