// The run of a restore against the simulators: a bot restarted mid-restore follows the same jobs
// and never sends a second RESTORE (the simulator counts them); a snapshot object missing or
// corrupted on OSS fails the restore of that database with StarRocks' text and drops the
// database it created; two restores into one instance run one after the other; a snapshot whose
// metadata is gone after the restore is a verify mismatch.

import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_BUCKETS } from '../../sim/sandbox';
import { endedSet, startBackup } from '../support/backups';
import { startHarness, type Harness } from '../support/harness';
import { waitFor } from '../support/wait';
import { startRestoreSims } from './sims';
import { endedRestore, latest, restoreIdIn, shown } from './support';

let sims: Awaited<ReturnType<typeof startRestoreSims>>;
let h: Harness;
const bucket = SANDBOX_BUCKETS['cn-hangzhou'] as string;

beforeAll(async () => {
  sims = await startRestoreSims();
  h = await startHarness({ sims: sims.description });
}, 30_000);
afterAll(async () => {
  await h.close();
  await sims.close();
  // The restarted bot was given the first one's folder, so it is not its to remove.
  rmSync(h.dataDir, { recursive: true, force: true });
});

async function backup(): Promise<string> {
  const id = await startBackup(h, 'prod-1');
  expect((await endedSet(h, id)).state).toBe('FINISHED');
  return id;
}

/** Asks as admin1, approves as admin2; the restore id. */
async function restore(text: string): Promise<string> {
  const id = restoreIdIn(await h.say('admin1', text));
  expect((await h.click('admin2', await latest(h, new RegExp(`Restore request ${id} needs approval`)), /Approve/)).tone).toBe('success');
  return id;
}

const snapshotKeys = (snapshot: string): string[] => sims.oss.listKeys(bucket).filter((k) => k.includes(`/__ss_${snapshot}/`));

describe('a restore', () => {
  it('resumes after a restart of the bot without sending any RESTORE twice', async () => {
    const setId = await backup();
    const target = sims.starrocks.instance('staging-1');
    target.faults.hold('sales', 'DOWNLOADING');
    const id = await restore(`restore ${setId} to staging-1`);
    await waitFor(async () => (await h.store.restores.get(id))?.jobs.find((j) => j.database === 'sales')?.jobState === 'DOWNLOADING', 'sales to download');
    const channel = h.channel;
    await h.close({ keepData: true });

    // The second process posts where the first did (its chat surface keeps its messages).
    const second = await startHarness({ sims: sims.description, dataDir: h.dataDir, start: false });
    second.bot.notifiers.set('terminal', channel);
    h = { ...second, channel };
    await h.start();
    target.faults.release('sales');
    const done = await endedRestore(h, id);
    expect(done.state).toBe('FINISHED');
    const ours = [...target.restoreSubmissions.entries()].filter(([name]) => name.startsWith(setId.replace(/-/g, '_')));
    expect(ours.map(([name]) => name.replace(/^.*__/, '')).sort()).toEqual(['inventory', 'sales', 'web']);
    for (const [, count] of ours) expect(count).toBe(1);
    // The progress message of the first process is the one the second edits into the checklist.
    await h.flush();
    const progress = channel.messages.filter((m) => m.versions.some((v) => v.title === `Restore ${id} running`));
    expect(progress).toHaveLength(1);
    expect(progress[0]?.versions.at(-1)?.title).toBe(`Restore ${id} finished`);
  }, 40_000);

  it('fails the database whose snapshot lost an object on OSS, naming it with StarRocks\' text, and drops the database it created', async () => {
    const setId = await backup();
    const set = (await h.store.backupSets.get(setId))!;
    const web = set.databases.find((d) => d.database === 'web')!;
    const lost = snapshotKeys(web.snapshotName).find((k) => k.includes('/__ss_content/'))!;
    sims.oss.deleteObject(bucket, lost);
    const id = await restore(`restore ${setId} to staging-new databases=inventory,web`);
    const done = await endedRestore(h, id);
    expect(done).toMatchObject({ state: 'FAILED', createdDatabases: ['inventory', 'web'], droppedDatabases: ['web'] });
    expect(done.jobs.find((j) => j.database === 'web')?.error).toBe(`remote file not found: ${lost}`);
    expect(done.jobs.find((j) => j.database === 'inventory')?.state).toBe('FINISHED');
    expect(sims.starrocks.instance('staging-new').catalog.database('web')).toBeUndefined();
    expect(sims.starrocks.instance('staging-new').catalog.table('inventory', 'stock')).toBeDefined();
    const end = shown(await latest(h, new RegExp(`Restore ${id} FAILED`)));
    expect(end).toContain(`- web: remote file not found: ${lost}`);
    expect(end).toContain('Restored before the failure (kept):\n- inventory: 2 tables');
    expect(end).toContain('Dropped again on staging-new (nothing was committed there): web.');
    expect(h.channel.texts().some((t) => t.startsWith(`Restore failed: staging-new\n⚠ Restore *${id}*`))).toBe(true);
    expect((await h.say('viewer1', 'tasks staging-new --all')).items?.find((i) => i.text.includes(id))?.fields?.find((f) => f.label === 'Detail')?.value).toBe(`web: remote file not found: ${lost}`);
  }, 30_000);

  it('fails on a corrupted snapshot object (its checksum no longer matches)', async () => {
    const setId = await backup();
    const set = (await h.store.backupSets.get(setId))!;
    const inventory = set.databases.find((d) => d.database === 'inventory')!;
    const damaged = snapshotKeys(inventory.snapshotName).find((k) => k.includes('/__ss_content/'))!;
    sims.oss.putObject(bucket, damaged, 'not the bytes StarRocks wrote');
    const id = await restore(`restore ${setId} to staging-small databases=inventory replicas=1`);
    const done = await endedRestore(h, id);
    expect(done).toMatchObject({ state: 'FAILED', droppedDatabases: ['inventory'] });
    expect(done.error).toBe(`inventory: checksum mismatch of remote file: ${damaged}`);
    expect(sims.starrocks.instance('staging-small').catalog.database('inventory')).toBeUndefined();
  }, 30_000);

  it('runs two approved restores into one instance one after the other (they share its read-only repository)', async () => {
    const [first] = (await h.store.backupSets.list({ instanceId: 'prod-1', states: ['FINISHED'] })).reverse();
    const target = sims.starrocks.instance('staging-small');
    target.faults.hold('sales', 'DOWNLOADING');
    const a = await restore(`restore ${first!.id} to staging-small databases=sales replicas=1`);
    await waitFor(async () => (await h.store.restores.get(a))?.jobs[0]?.jobState === 'DOWNLOADING', 'the first restore to download');
    const b = await restore(`restore ${first!.id} to staging-small databases=web replicas=1`);
    const waiting = await waitFor(async () => {
      const r = await h.store.restores.get(b);
      return r?.warnings.some((w) => w.startsWith(`Waiting for restore ${a} into staging-small`)) ? r : null;
    }, 'the second restore to wait');
    expect(waiting.state).toBe('APPROVED');
    expect(shown(await latest(h, new RegExp(`Restore ${b} running`)))).toContain(`Waiting for restore ${a} into staging-small to end: restores into one instance run one at a time.`);
    target.faults.release('sales');
    expect((await endedRestore(h, a)).state).toBe('FINISHED');
    const second = await endedRestore(h, b);
    expect(second).toMatchObject({ state: 'FINISHED', repositoryDropped: true });
    expect(second.warnings).toEqual([]);
    expect(target.catalog.table('web', 'events')).toBeDefined();
    expect(target.catalog.table('sales', 'orders')).toBeDefined();
    expect(target.repositories.get('bot_prod_1')).toBeUndefined();
  }, 30_000);

  it('shows a snapshot whose metadata left OSS after the restore as a verify mismatch, listed first', async () => {
    const done = (await h.store.restores.list({ states: ['FINISHED'] })).find((r) => r.databases.includes('sales') && r.databases.includes('web'));
    const id = done!.id;
    const sales = done!.jobs.find((j) => j.database === 'sales')!;
    const info = snapshotKeys(sales.snapshotName).find((k) => /\/__info_/.test(k))!;
    sims.oss.deleteObject(bucket, info);
    const report = await h.say('oper1', `verify ${id}`);
    const lines = report.text.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^✖ \\d+ mismatch(es)? between the snapshot and \\*${done!.targetInstanceId}\\*`));
    expect(lines[1]).toBe(`- ✖ sales: the snapshot's metadata (__info_ of ${sales.snapshotName}) is missing on OSS`);
    expect(lines.filter((l) => l.startsWith('- ✔ web.events')).length).toBeGreaterThan(0);
  });
});
