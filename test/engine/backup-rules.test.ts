// More rules of a backup run, seen as a chat user sees them.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStarRocksSimulator } from '../../sim/starrocks';
import type { StarRocksSimulator } from '../../sim/starrocks';
import { startSandboxSimulators } from '../../sim/sandbox';
import type { InstanceConfig } from '../../src/config/types';
import { startHarness } from '../support/harness';
import type { Harness } from '../support/harness';
import { endedSet, startBackup } from '../support/backups';
import { waitFor } from '../support/wait';

let sims: Awaited<ReturnType<typeof startSandboxSimulators>>;
let old: StarRocksSimulator;
let h: Harness;

beforeAll(async () => {
  sims = await startSandboxSimulators({ stepMs: 15 });
  // A 3.1 cluster: it cannot back up asynchronous materialized views.
  old = await startStarRocksSimulator({
    user: sims.description.mysql.user,
    password: sims.description.mysql.password,
    stepMs: 15,
    instances: [
      {
        id: 'old-1',
        version: '3.1.11',
        runMode: 'shared_nothing',
        timeZone: 'Asia/Shanghai',
        liveBackends: 3,
        enableBackupMaterializedView: true,
        databases: [
          {
            name: 'shop',
            tables: [
              { name: 'orders', kind: 'OLAP', rows: 500, colocateGroup: 'shop_cg' },
              { name: 'items', kind: 'OLAP', rows: 900, colocateGroup: 'shop_cg' },
              { name: 'v_orders', kind: 'VIEW', rows: 0 },
              { name: 'mv_daily', kind: 'ASYNC_MV', rows: 30 },
            ],
          },
        ],
      },
    ],
  });
});
afterAll(async () => {
  await old.close();
  await sims.close();
});
afterEach(async () => {
  sims.starrocks.instance('prod-1').faults.clear();
  await h?.close();
});

describe('what a backup leaves out', () => {
  it('reports a view, an async MV this cluster cannot back up and a colocate group by name', async () => {
    h = await startHarness({
      sims: sims.description,
      config: (c) => {
        const prod = c.instances.find((i) => i.id === 'prod-1') as InstanceConfig;
        const oldOne: InstanceConfig = { ...prod, id: 'old-1', displayName: 'Old 1', repository: 'bot_old_1', frontends: [{ host: '127.0.0.1', port: old.ports['old-1'] as number }] };
        return { ...c, instances: [...c.instances, oldOne] };
      },
    });
    const set = await endedSet(h, await startBackup(h, 'old-1'));
    expect(set.state).toBe('FINISHED');
    expect(set.databases[0]?.tables.sort()).toEqual(['items', 'orders']);
    expect(set.leftOut.views).toEqual([{ database: 'shop', name: 'v_orders' }]);
    expect(set.leftOut.materializedViews).toEqual([{ database: 'shop', name: 'mv_daily', reason: expect.stringContaining('3.2.3+') }]);
    expect(set.leftOut.colocateGroups).toEqual([{ database: 'shop', group: 'shop_cg', tables: expect.arrayContaining(['orders', 'items']) }]);
    await h.settle();
    await h.flush();
    const summary = h.channel.find(/finished/)?.versions.at(-1)?.text ?? '';
    expect(summary).toContain('Views (not backed up): shop.v_orders');
    expect(summary).toContain('Materialized view shop.mv_daily');
    expect(summary).toContain('Colocate group shop_cg');
  });
});

describe('bucket settings that matter to backups', () => {
  it('warns about versioning and lifecycle rules on the bucket, and still backs up', async () => {
    sims.oss.addBucket({ name: 'versioned-hz', region: 'cn-hangzhou', versioning: 'Enabled', lifecycle: [{ id: 'cleanup', prefix: '', status: 'Enabled', expirationDays: 30 }] });
    h = await startHarness({
      sims: sims.description,
      config: (c) => ({
        ...c,
        regions: { ...c.regions, 'cn-hangzhou': { ...(c.regions['cn-hangzhou'] as NonNullable<(typeof c.regions)['cn-hangzhou']>), bucket: 'versioned-hz' } },
        instances: c.instances.map((i) => (i.id === 'prod-1' ? { ...i, repository: 'bot_prod_1_v' } : i)),
      }),
    });
    const set = await endedSet(h, await startBackup(h, 'prod-1'));
    expect(set.state).toBe('FINISHED');
    expect(set.warnings.join('\n')).toMatch(/versioning enabled: deleting an expired backup leaves old versions behind/);
    expect(set.warnings.join('\n')).toMatch(/Lifecycle rule cleanup .* may delete backup objects/);
  });

  it('refuses to back up into a repository that points somewhere else than configured', async () => {
    // bot_prod_1_v was created on prod-1 by the test above, at oss://versioned-hz.
    h = await startHarness({
      sims: sims.description,
      config: (c) => ({ ...c, instances: c.instances.map((i) => (i.id === 'prod-1' ? { ...i, repository: 'bot_prod_1_v' } : i)) }),
    });
    const set = await endedSet(h, await startBackup(h, 'prod-1'));
    expect(set.state).toBe('FAILED');
    expect(set.error).toMatch(/repository bot_prod_1_v exists but points at oss:\/\/versioned-hz.*not at oss:\/\/sandbox-backups-hz/);
  });
});

describe('commands around a running backup', () => {
  it('refuses a second run while one is running, naming it, and answers cancel with the rule', async () => {
    h = await startHarness({ sims: sims.description });
    const prod = sims.starrocks.instance('prod-1');
    prod.faults.hold('sales', 'UPLOADING');
    const id = await startBackup(h, 'prod-1');
    await waitFor(async () => (await h.store.backupSets.get(id))?.databases.some((d) => d.jobState === 'UPLOADING'), 'the upload');
    const again = await h.say('oper1', 'run prod-1');
    expect(again.text).toContain(`a backup of prod-1 is already running: ${id}`);
    const cancel = await h.say('oper1', `cancel ${id}`);
    expect(cancel.text).toContain('a backup task cannot be interrupted once it has started');
    const tasks = await h.say('viewer1', 'tasks prod-1');
    expect(tasks.items?.[0]?.text).toContain(id);
    expect(tasks.items?.[0]?.fields?.find((f) => f.label === 'Progress')?.value).toMatch(/%/);
    prod.faults.release('sales');
    expect((await endedSet(h, id)).state).toBe('FINISHED');
  });

  it('lists a backup among the running tasks from the moment it is started, before its first step', async () => {
    h = await startHarness({ sims: sims.description, start: false });
    const id = await startBackup(h, 'prod-1');
    const tasks = await h.say('viewer1', 'tasks prod-1');
    expect(tasks.items?.map((i) => i.text)).toEqual([`*backup* ${id} on prod-1: RUNNING`]);
    expect(tasks.items?.[0]?.fields?.find((f) => f.label === 'Detail')?.value).toBe('preparing: preflight checks and inventory');
    await h.start();
    expect((await endedSet(h, id)).state).toBe('FINISHED');
  });

  it('shows instances with region, architecture read from the cluster, schedule and last backup', async () => {
    h = await startHarness({ sims: sims.description });
    await h.say('oper1', 'settings prod-1 on days=mon,thu time=02:30');
    await endedSet(h, await startBackup(h, 'prod-1'));
    const reply = await h.say('viewer1', 'instances');
    const prod = reply.items?.find((i) => i.text.includes('prod-1'));
    const field = (label: string) => prod?.fields?.find((f) => f.label === label)?.value ?? '';
    expect(field('Region')).toBe('cn-hangzhou');
    expect(field('Architecture')).toMatch(/^shared-nothing, StarRocks 3\./);
    expect(field('Schedule')).toContain('Mon and Thu at 02:30');
    expect(field('Last backup')).toMatch(/^bk-.* \(FINISHED\)/);
    expect(field('Backup storage')).toMatch(/MiB in 1 set/);
    const lake = reply.items?.find((i) => i.text.includes('lake-1'));
    expect(lake?.fields?.find((f) => f.label === 'Architecture')?.value).toMatch(/shared-data \(cannot be backed up\)/);
  });

  it('keeps the sets of an instance gone from the configuration, shown as orphaned and never expiring by themselves', async () => {
    h = await startHarness({ sims: sims.description });
    const id = await startBackup(h, 'prod-sh');
    expect((await endedSet(h, id)).state).toBe('FINISHED');
    const dir = h.dataDir;
    await h.close({ keepData: true });
    h = await startHarness({ sims: sims.description, dataDir: dir, config: (c) => ({ ...c, instances: c.instances.filter((i) => i.id !== 'prod-sh') }) });
    expect(h.cron.active()).toEqual([]);
    const list = await h.say('viewer1', 'list prod-sh');
    expect(list.items?.[0]?.text).toContain(`${id}*  ORPHANED`);
    expect(list.items?.[0]?.fields?.find((f) => f.label === 'Expires')?.value).toMatch(/never by itself/);
    expect(list.notes?.join(' ')).toMatch(/no longer in the configuration/);
  });
});
