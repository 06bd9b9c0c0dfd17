// The adapter's reading of the cluster (version, run mode, zone, inventory), its FE failover,
// and the per-version wire format of errors.

import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/domain/errors';
import { failure, instance, rows, SALES, startFixture, type Fixture } from './helpers';

let fx: Fixture;

beforeAll(async () => {
  fx = await startFixture([
    instance({ id: 'v33', databases: [SALES, { name: 'inv', tables: [{ name: 'stock', kind: 'OLAP', rows: 9, tempPartitions: true }] }] }),
    instance({ id: 'v33off', enableBackupMaterializedView: false, databases: [SALES] }),
    instance({ id: 'v320', version: '3.2.0', databases: [SALES] }),
    instance({ id: 'v25', version: '2.5.22', databases: [SALES] }),
    instance({ id: 'noop', operatePrivilege: false, grants: ["GRANT SELECT ON ALL TABLES IN ALL DATABASES TO USER 'bot'@'%'"] }),
    instance({ id: 'v34', version: '3.4.1', databases: [SALES] }),
  ]);
});
afterAll(() => fx.close());

describe('cluster identity', () => {
  it('reads the version, run mode, zone, live backends and grants', async () => {
    const c = fx.client('v33');
    expect(await c.version()).toEqual({ raw: '3.3.5 6f1e4c2', major: 3, minor: 3, patch: 5 });
    expect(await c.runMode()).toBe('shared_nothing');
    expect(await c.timeZone()).toBe('Asia/Shanghai');
    expect(await c.liveBackends()).toBe(3);
    expect(await c.privileges()).toEqual(["GRANT root, db_admin, user_admin, cluster_admin TO 'bot'@'%'"]);
    expect(await c.databaseExists('sales')).toBe(true);
    expect(await c.databaseExists('nope')).toBe(false);
  });

  it('an empty run_mode is shared-nothing only on 2.5; on 3.0+ it is missing privileges', async () => {
    expect(await fx.client('v25').runMode()).toBe('shared_nothing');
    const err = await failure(fx.client('noop').runMode());
    expect(err.kind).toBe('privileges');
    expect(err.message).toContain('OPERATE');
  });
});

describe('inventory', () => {
  it('separates base tables, views, async MVs and external tables, with rollups, colocate groups and temp partitions', async () => {
    const inv = await fx.client('v33').inventory();
    expect(inv.backsUpAsyncMaterializedViews).toBe(true);
    expect(inv.databases.map((d) => d.name)).toEqual(['inv', 'sales']);
    const sales = inv.databases.find((d) => d.name === 'sales');
    expect(sales?.tables).toEqual([
      { name: 'customers', kind: 'OLAP', syncMaterializedViews: [], colocateGroup: 'sales_cg', hasTemporaryPartitions: false },
      { name: 'ext_clicks', kind: 'EXTERNAL', syncMaterializedViews: [], colocateGroup: null, hasTemporaryPartitions: false },
      { name: 'mv_daily', kind: 'ASYNC_MV', syncMaterializedViews: [], colocateGroup: null, hasTemporaryPartitions: false },
      { name: 'orders', kind: 'OLAP', syncMaterializedViews: ['orders_r1'], colocateGroup: 'sales_cg', hasTemporaryPartitions: false },
      { name: 'v_daily', kind: 'VIEW', syncMaterializedViews: [], colocateGroup: null, hasTemporaryPartitions: false },
    ]);
    expect(inv.databases.find((d) => d.name === 'inv')?.tables[0]?.hasTemporaryPartitions).toBe(true);
  });

  it('async MVs are backed up only from 3.2.3 with enable_backup_materialized_view', async () => {
    expect((await fx.client('v33off').inventory()).backsUpAsyncMaterializedViews).toBe(false);
    expect((await fx.client('v320').inventory()).backsUpAsyncMaterializedViews).toBe(false);
  });
});

describe('frontends and connections', () => {
  it('tries FE addresses in turn: a dead first address moves on to the next', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', () => r()));
    const deadPort = (dead.address() as { port: number }).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const c = fx.client('v33', { frontends: [{ host: '127.0.0.1', port: deadPort }, { host: '127.0.0.1', port: fx.sr.ports.v33 ?? 0 }] });
    expect((await c.version()).minor).toBe(3);
  });

  it('a read that loses its connection is retried; a submission that loses it is reported', async () => {
    const sim = fx.sr.instance('v33');
    const c = fx.client('v33');
    await c.ensureRepository(fx.repo('repo_drop'));
    sim.faults.dropConnectionOn(/^SHOW BACKUP/);
    expect(await c.findBackupJob('sales', 'none')).toBeNull();
    sim.faults.dropConnectionOn(/^BACKUP SNAPSHOT/);
    const err = await failure(c.submitBackup({ database: 'sales', snapshotName: 'dropped', repository: 'repo_drop', tables: ['orders'], timeoutSeconds: 3600 }));
    expect(err.kind).toBe('unreachable');
    expect(err.message).toContain('may or may not have been carried out');
    expect(sim.backupSubmissions.get('dropped')).toBeUndefined();
  });

  it('wrong password is auth, and the password never appears in the message', async () => {
    const err = await failure(fx.client('v33', { password: 'not-the-password' }).version());
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/^Access denied for user 'bot'@'[^']+' \(using password: YES\)$/);
    expect(err.message).not.toContain('not-the-password');
  });

  it('validates identifiers before any SQL is sent', async () => {
    const sim = fx.sr.instance('v33');
    const before = sim.queries;
    await expect(fx.client('v33').countRows('sales', 'orders`; DROP DATABASE sales; --')).rejects.toBeInstanceOf(UserError);
    await expect(fx.client('v33').findBackupJob('1sales', 'x')).rejects.toBeInstanceOf(UserError);
    expect(sim.queries).toBe(before);
  });
});

describe('wire format of errors by version (§8.1)', () => {
  it('3.3: 1064/HY000, analyzer wrapper; 3.2: Unexpected exception prefix; 3.4: 5064/42000 and 5502/42602', async () => {
    const c33 = await fx.raw('v33');
    await expect(c33.query('BACKUP SNAPSHOT nodb.s TO r')).rejects.toMatchObject({ errno: 1064, sqlState: 'HY000', message: "Getting analyzing error. Detail message: Unknown database 'nodb'." });
    const c32 = await fx.raw('v320');
    await c32.query(`CREATE REPOSITORY r WITH BROKER ON LOCATION "oss://bk-hz/x" PROPERTIES ("fs.oss.accessKeyId"="AKTEST", "fs.oss.accessKeySecret"="sk-very-secret", "fs.oss.endpoint"="${fx.oss.endpoint.replace('http://', '')}")`);
    await expect(c32.query('BACKUP SNAPSHOT sales.s TO r ON (v_daily)')).rejects.toMatchObject({ errno: 1064, sqlState: 'HY000', message: "Unexpected exception: Table 'v_daily' is not a OLAP table" });
    expect((await failure(fx.client('v320').submitBackup({ database: 'sales', snapshotName: 's', repository: 'r', tables: ['v_daily'], timeoutSeconds: 3600 })))).toEqual({ kind: 'unsupported_table', message: "Table 'v_daily' is not a OLAP table" });
    const c34 = await fx.raw('v34');
    await expect(c34.query('SHOW BACKUP FROM nodb')).rejects.toMatchObject({ errno: 5502, sqlState: '42602' });
    await expect(c34.query('CANCEL BACKUP FROM sales')).rejects.toMatchObject({ errno: 5064, sqlState: '42000', message: 'No backup job is currently running' });
    expect(await rows(c34, "ADMIN SHOW FRONTEND CONFIG LIKE 'run_mode'")).toEqual([{ Key: 'run_mode', AliasNames: '[]', Value: 'shared_nothing', Type: 'String', IsMutable: 'false', Comment: '' }]);
    const c25 = await fx.raw('v25');
    expect(await rows(c25, "ADMIN SHOW FRONTEND CONFIG LIKE 'run_mode'")).toEqual([]);
  });
});
