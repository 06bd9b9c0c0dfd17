// A restore from start to end through the terminal chat, against the simulators over real
// sockets: asked for from the Restore button of a listed set (its form filled in), refused for
// the requester's own approval, approved by another admin, followed while it runs (a task with a
// progress column; the set kept from expiry; cancel refused with the reason), and ended with the
// tables on the target holding the source's rows, the checklist naming the fixture's view and
// colocate group, the read-only repository dropped, and a verify that matches.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepMayExpire } from '../../src/domain/backup-set';
import { RESTORE_READS_SET } from '../../src/domain/restore';
import { tableRows } from '../../sim/starrocks/catalog';
import { endedSet, startBackup } from '../support/backups';
import { startHarness, type Harness } from '../support/harness';
import { waitFor } from '../support/wait';
import { startRestoreSims } from './sims';
import { endedRestore, latest, restoreIdIn, shown } from './support';

let sims: Awaited<ReturnType<typeof startRestoreSims>>;
let h: Harness;
let setId: string;

beforeAll(async () => {
  sims = await startRestoreSims();
  h = await startHarness({ sims: sims.description });
  setId = await startBackup(h, 'prod-1');
  expect((await endedSet(h, setId)).state).toBe('FINISHED');
}, 30_000);
afterAll(async () => {
  await h.close();
  await sims.close();
});

describe('a restore through the terminal', () => {
  it('runs from the list to the checklist, with four eyes, and the target holds the source rows', async () => {
    // The Restore button of the listed set opens the restore form.
    const list = await h.say('oper1', 'list prod-1');
    const row = list.items?.find((i) => i.text.includes(setId));
    expect(row?.buttons?.map((b) => [b.label, b.action, b.subject])).toEqual([['Restore', 'restore', setId]]);
    const opened = await h.click('oper1', list, /Restore/);
    expect(opened.form?.id).toBe('restore');
    expect(opened.form?.fields.map((f) => f.name)).toEqual(['set', 'target', 'databases', 'replicas', 'approval']);
    const targetField = opened.form?.fields.find((f) => f.name === 'target');
    expect(targetField).toMatchObject({ kind: 'choice', initial: 'staging-1' });
    // Same region, shared-nothing: lake-1 (shared-data) and prod-sh (Shanghai) are not offered.
    const offered = targetField?.kind === 'choice' ? targetField.options : [];
    expect(offered.map((o) => o.value)).toEqual(['staging-1', 'staging-old', 'staging-small', 'staging-locked', 'staging-new', 'staging-full', 'staging-down']);
    expect(offered.find((o) => o.value === 'staging-down')?.label).toMatch(/^staging-down \(not reachable now: /);
    expect(targetField?.hint).toMatch(/^Another instance in cn-hangzhou, shared-nothing/);
    expect(opened.form?.fields.find((f) => f.name === 'databases')).toMatchObject({ initial: 'inventory,sales,web' });
    expect(opened.form?.fields.find((f) => f.name === 'replicas')).toMatchObject({ initial: 3 });
    expect(opened.notes).toContain(`Text form: /backup restore ${setId} to staging-1 databases=inventory,sales,web replicas=3`);

    // sales is held in DOWNLOADING on the target, to look at the restore while it runs.
    sims.starrocks.instance('staging-1').faults.hold('sales', 'DOWNLOADING');
    const submitted = await h.bot.core.submit({ actor: h.bot.core.resolveActor('terminal', 'admin1'), formId: 'restore', context: opened.form?.context ?? '', values: { target: 'staging-1', databases: 'inventory,sales,web', replicas: '3' } });
    expect(submitted.ok).toBe(true);
    const id = restoreIdIn(submitted.ok ? submitted.reply : { visibility: 'caller', tone: 'info', text: '' });
    expect(await h.store.restores.get(id)).toMatchObject({ state: 'PENDING_APPROVAL', requestedBy: 'admin1', version: 1, databases: ['inventory', 'sales', 'web'] });

    // The approval message in the target's channel names everything an approver needs.
    const approval = await latest(h, new RegExp(`Restore request ${id} needs approval`));
    expect(shown(approval)).toMatch(new RegExp(`Backup set: ${setId} of prod-1\\nSnapshot time: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\+8\\nTarget: staging-1\\nDatabases: inventory, sales and web\\nSize: 14\\.1 MiB\\nReplication: 3\\nRequested by: Admin One`));
    expect(approval.buttons?.map((b) => [b.label, b.action, b.subject])).toEqual([['Approve', 'approve', id], ['Reject', 'reject', id]]);

    // The requester cannot approve it (four eyes), an operator cannot either.
    expect((await h.click('admin1', approval, /Approve/)).text).toBe(`${id} needs the approval of an admin other than the requester (Admin One): four eyes count people, not accounts; nothing was decided`);
    expect((await h.click('oper1', approval, /Approve/)).text).toMatch(/^\/backup approve needs the admin role on staging-1; your role on staging-1 is operator/);
    expect((await h.store.restores.get(id))?.state).toBe('PENDING_APPROVAL');

    const approved = await h.click('admin2', approval, /Approve/);
    expect(approved.text).toMatch(new RegExp(`^Approved restore \\*${id}\\*\\. The checks run again`));
    expect(shown(await latest(h, new RegExp(`Restore request ${id} approved`)))).toMatch(/approved by \*Admin Two\* at /);

    // Running: a task with a progress column; the set is kept from expiry; cancel is refused.
    await waitFor(async () => (await h.store.restores.get(id))?.jobs.find((j) => j.database === 'sales')?.jobState === 'DOWNLOADING', 'sales to download');
    const tasks = await h.say('viewer1', 'tasks staging-1');
    const task = tasks.items?.find((i) => i.text.includes(id));
    expect(task?.text).toBe(`*restore* ${id} on staging-1: RUNNING`);
    expect(task?.fields?.find((f) => f.label === 'Progress')?.value).toMatch(/^\d+% \(\d\/3 databases\)$/);
    const set = await h.store.backupSets.get(setId);
    const afterExpiry = new Date(Date.parse(set?.expiresAt ?? '') + 86_400_000);
    const reading = await h.store.restores.list({ backupSetId: setId, states: RESTORE_READS_SET });
    expect(reading.map((r) => r.id)).toEqual([id]);
    expect(sweepMayExpire(set!, new Set(['prod-1']), afterExpiry, reading)).toBe(false);
    expect((await h.say('admin1', `cancel ${id}`)).text).toBe(`a restore that has started cannot be cancelled: cancelling during commit can leave a table half-written (${id} is running)`);
    expect(shown(await latest(h, new RegExp(`Restore ${id} running`)))).toMatch(/- sales: DOWNLOADING/);

    sims.starrocks.instance('staging-1').faults.release('sales');
    const done = await endedRestore(h, id);
    expect(done).toMatchObject({ state: 'FINISHED', repositoryOwned: true, repositoryDropped: true, createdDatabases: ['inventory', 'sales', 'web'], droppedDatabases: [] });
    expect(sweepMayExpire(set!, new Set(['prod-1']), afterExpiry, await h.store.restores.list({ backupSetId: setId, states: RESTORE_READS_SET }))).toBe(true);

    // The target holds every restored table with the source's rows; the repository is gone again.
    const source = sims.starrocks.instance('prod-1').catalog;
    const target = sims.starrocks.instance('staging-1').catalog;
    for (const job of done.jobs) {
      for (const table of job.tables) {
        const restored = target.table(job.database, table);
        expect(restored, `${job.database}.${table}`).toBeDefined();
        expect(tableRows(restored!)).toBe(tableRows(source.table(job.database, table)!));
      }
    }
    expect(tableRows(target.table('sales', 'orders')!)).toBe(48_822);
    expect(target.table('sales', 'v_daily_sales')).toBeUndefined();
    expect(sims.starrocks.instance('staging-1').repositories.get('bot_prod_1')).toBeUndefined();
    expect(sims.starrocks.instance('staging-1').restoreSubmissions.size).toBe(3);

    // The checklist, named for this backup.
    const end = await latest(h, new RegExp(`Restore ${id} finished`));
    const text = shown(end);
    expect(text).toContain('Views, not in the backup: sales.v_daily_sales; create them again from their definitions on prod-1.');
    expect(text).toContain('Colocate group sales_cg (sales.customers and sales.orders): the relation is not restored; set it again with ALTER TABLE ... SET ("colocate_with" = "sales_cg").');
    expect(text).toContain('Users, roles and privileges: grant them again on staging-1');
    expect(text).toContain('Resource groups: create them again on staging-1');
    expect(text).toContain('FE and BE configuration, passwords and similar settings');
    expect(text).toMatch(/- sales: 4 tables, snapshot taken \d{4}-\d\d-\d\d \d\d:\d\d UTC\+8/);
    expect(text).toMatch(/is not on staging-1: load it again\. Load into both prod-1 and staging-1 until staging-1 is verified, then switch over\./);
    expect(end.buttons?.map((b) => [b.label, b.action, b.subject])).toEqual([['Verify', 'verify', id]]);

    // Verify from the checklist's button: every partition matches; the button works again.
    const verified = await h.click('oper1', end, /Verify/);
    expect(verified.text).toMatch(/^✔ The restored tables on \*staging-1\* match the snapshot \(7 tables, 15 partitions\)\./);
    expect(verified.text).toContain('- ✔ sales.orders p20241101: version 3, 12000 rows');
    expect(verified.text).toContain('- ✔ inventory.warehouses: version 2, 12 rows');
    expect((await h.click('oper1', end, /Verify/)).tone).toBe('success');

    // Every step is audited.
    const audit = (await h.store.audit.list({ instanceId: 'staging-1' })).filter((a) => a.subject === id).map((a) => a.action).reverse();
    expect(audit).toEqual(['restore.request', 'restore.approve', 'restore.start', 'restore.finish', 'restore.verify', 'restore.verify']);
  }, 30_000);

  it('a full verify counts every row, with progress in the channel, and says when a table differs', async () => {
    const [done] = await h.store.restores.list({ states: ['FINISHED'] });
    const id = done!.id;
    // Someone loads rows into the restored copy: the counts no longer match the snapshot.
    const orders = sims.starrocks.instance('staging-1').catalog.table('sales', 'orders')!;
    orders.partitions[0]!.rows += 5;
    const report = await h.say('viewer1', `verify ${id} --full`);
    expect(report.text).toMatch(/\/backup verify needs the operator role on staging-1/);
    const full = await h.say('oper1', `verify ${id} --full`);
    expect(full.tone).toBe('error');
    const lines = full.text.split('\n');
    expect(lines[0]).toBe('✖ 2 mismatches between the snapshot and *staging-1* (7 tables, 15 partitions, rows counted).');
    expect(lines.slice(1, 3)).toEqual(['- ✖ sales.orders p20241101: 12005 rows, the snapshot recorded 12000', '- ✖ sales.orders: COUNT(*) = 48827, the snapshot recorded 48822']);
    expect(lines).toContain('- ✔ web.events: COUNT(*) = 150411');
    const progress = await h.flush().then(() => h.channel.find(new RegExp(`Verifying \\*${id}\\* for Oper1|Verifying \\*${id}\\*`)));
    expect(progress?.versions.some((v) => /\d\/7 tables counted/.test(v.text))).toBe(true);
    expect(progress?.versions.at(-1)?.text).toMatch(new RegExp(`^✖ \\*${id}\\* verified by oper1 \\(with a full row count\\): 2 mismatches in 7 tables and 15 partitions`));
    orders.partitions[0]!.rows -= 5;
  });
});
