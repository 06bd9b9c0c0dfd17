// The backup engine end to end: the whole bot in-process, mysql2 and ali-oss over real sockets
// against the StarRocks and OSS simulators, a manual cron and the real lowdb store.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxSimulators } from '../../sim/sandbox';
import type { BackupSet } from '../../src/domain/types';
import { startHarness } from '../support/harness';
import type { Harness } from '../support/harness';
import { endedSet, startBackup } from '../support/backups';
import { waitFor } from '../support/wait';

type Sandbox = Awaited<ReturnType<typeof startSandboxSimulators>>;
type Cluster = ReturnType<Sandbox['starrocks']['instance']>;

/** A user database with base tables (the sandbox's first). */
function firstDatabase(cluster: Cluster): string {
  const db = cluster.catalog.databases().find((d) => d.tables.some((t) => t.kind === 'OLAP'));
  if (!db) throw new Error('the sandbox has no database with tables');
  return db.name;
}
let sims: Sandbox;
let h: Harness;

beforeAll(async () => {
  sims = await startSandboxSimulators({ stepMs: 15 });
});
afterAll(async () => {
  await sims.close();
});
afterEach(async () => {
  sims.starrocks.instance('prod-1').faults.clear();
  await h?.close();
});

async function runNow(instance: string): Promise<BackupSet> {
  const set = await endedSet(h, await startBackup(h, instance));
  await h.settle();
  await h.flush();
  return set;
}

describe('a backup run', () => {
  it('backs up every database of prod-1 with an explicit table list, and reports size, expiry and what was left out', async () => {
    h = await startHarness({ sims: sims.description });
    await h.say('admin1', 'settings prod-1 on days=mon,thu retention=14');
    const set = await runNow('prod-1');
    expect(set.state).toBe('FINISHED');
    expect(set.databases.length).toBeGreaterThan(1);
    for (const db of set.databases) {
      expect(db.state).toBe('FINISHED');
      expect(db.backupTimestamp).toMatch(/^\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-\d{3}$/);
      expect(db.sizeBytes).toBeGreaterThan(0);
    }
    // Size is what OSS holds under the set's snapshot directories.
    const keys = sims.oss.listKeys('sandbox-backups-hz').filter((k) => set.databases.some((d) => k.includes(`__ss_${d.snapshotName}/`)));
    expect(set.objectCount).toBe(keys.length);
    const bytes = keys.reduce((n, k) => n + (sims.oss.getObject('sandbox-backups-hz', k)?.length ?? 0), 0);
    expect(set.sizeBytes).toBe(bytes);
    // Expiry: finish time plus the 14 days in force when it started.
    expect(new Date(set.expiresAt ?? 0).getTime() - new Date(set.finishedAt ?? 0).getTime()).toBe(14 * 86_400_000);
    // Views are never in the table list; they are reported by name.
    expect(set.leftOut.views.length).toBeGreaterThan(0);
    for (const v of set.leftOut.views) expect(set.databases.find((d) => d.database === v.database)?.tables ?? []).not.toContain(v.name);
    expect(set.leftOut.colocateGroups.length).toBeGreaterThan(0);
    const completion = h.channel.find(/Backup .* finished/);
    const text = completion?.versions.at(-1);
    expect(text?.text).toMatch(/Left out:/);
    expect(text?.notes?.join(' ')).toMatch(/data loaded after .* is not in it/);
    expect(text?.notes?.join(' ')).toMatch(/users, roles and privileges, resource groups/);
    // One message per set, edited in place while it ran.
    expect(completion?.versions.length).toBeGreaterThan(2);
    const tasks = await h.say('viewer1', 'tasks prod-1 --all');
    expect(tasks.items?.[0]?.fields?.find((f) => f.label === 'Progress')?.value).toBe('100%');
    const list = await h.say('viewer1', 'list prod-1');
    expect(list.items?.[0]?.text).toContain(set.id);
  });

  it('refuses a shared-data cluster, detected from the cluster, before anything starts', async () => {
    h = await startHarness({ sims: sims.description });
    const reply = await h.say('admin1', 'run lake-1');
    expect(reply.text).toMatch(/^lake-1 is a shared-data cluster .* only work on shared-nothing instances, so no backup of it can succeed\. Nothing was started\.$/);
    expect(await h.store.backupSets.list({ instanceId: 'lake-1' })).toEqual([]);
    // A run that reaches the preflight anyway (a schedule saved while the cluster did not answer)
    // is refused there: test/engine/refusals.test.ts.
  });

  it('refuses a bucket in another region', async () => {
    h = await startHarness({
      sims: sims.description,
      config: (c) => ({ ...c, regions: { ...c.regions, 'cn-shanghai': { ...(c.regions['cn-shanghai'] as NonNullable<typeof c.regions['cn-shanghai']>), bucket: 'sandbox-backups-hz' } } }),
    });
    const set = await runNow('prod-sh');
    expect(set.state).toBe('FAILED');
    expect(set.error).toMatch(/bucket sandbox-backups-hz is in cn-hangzhou, but prod-sh is in cn-shanghai: backups never cross regions/);
  });

  it('makes the set PARTIAL when one database fails, names StarRocks text and removes its objects', async () => {
    h = await startHarness({ sims: sims.description });
    const prod = sims.starrocks.instance('prod-1');
    const victim = firstDatabase(prod);
    prod.faults.failNextBackup(victim, 'upload failed: connection reset by peer');
    const set = await runNow('prod-1');
    expect(set.state, JSON.stringify(set.databases.map((d) => [d.database, d.state, d.error, d.jobState]))).toBe('PARTIAL');
    const failed = set.databases.find((d) => d.database === victim);
    expect(failed?.state).toBe('FAILED');
    expect(failed?.error).toContain('upload failed: connection reset by peer');
    expect(sims.oss.listKeys('sandbox-backups-hz').filter((k) => k.includes(`__ss_${failed?.snapshotName}/`))).toEqual([]);
    expect(set.databases.filter((d) => d.state === 'FINISHED').length).toBeGreaterThan(0);
    expect(h.channel.texts().join('\n')).toMatch(/is PARTIAL: some databases failed/);
  });

  it('leaves out a table StarRocks refuses by name and backs up the rest', async () => {
    h = await startHarness({ sims: sims.description });
    const prod = sims.starrocks.instance('prod-1');
    const db = firstDatabase(prod);
    const table = prod.catalog.database(db)?.tables.find((t) => t.kind === 'OLAP')?.name as string;
    prod.faults.refuseTable(db, table, `Table '${table}' is not a OLAP table`);
    const set = await runNow('prod-1');
    expect(set.state).toBe('FINISHED');
    expect(set.leftOut.unsupportedTables).toContainEqual({ database: db, table, reason: expect.stringContaining(`Table '${table}' is not a OLAP table`) });
    expect(set.databases.find((d) => d.database === db)?.tables).not.toContain(table);
  });

  it('keeps following a backup through an FE leader change', async () => {
    h = await startHarness({ sims: sims.description });
    const prod = sims.starrocks.instance('prod-1');
    const db = firstDatabase(prod);
    prod.faults.hold(db, 'UPLOADING');
    const id = await startBackup(h, 'prod-1');
    await waitFor(async () => (await h.store.backupSets.get(id))?.databases.find((d) => d.database === db)?.jobState === 'UPLOADING', 'the job to upload');
    prod.leaderChange({ dropConnections: true });
    prod.faults.release(db);
    const set = await endedSet(h, id);
    expect(set.state).toBe('FINISHED');
    expect(prod.backupSubmissions.get(set.databases.find((d) => d.database === db)?.snapshotName ?? '')).toBe(1);
  });

  it('resolves a job whose history aged out from OSS', async () => {
    h = await startHarness({ sims: sims.description });
    const prod = sims.starrocks.instance('prod-1');
    const db = firstDatabase(prod);
    const id = await startBackup(h, 'prod-1');
    const snapshot = await waitFor(async () => (await h.store.backupSets.get(id))?.databases.find((d) => d.database === db && d.state === 'SUBMITTED')?.snapshotName, 'the submission');
    // The FE stops answering the bot (its jobs go on): the job finishes and its history ages
    // out before the bot can see it finished in SHOW BACKUP.
    prod.faults.unreachable();
    await waitFor(() => sims.oss.listKeys('sandbox-backups-hz').some((k) => k.includes(`__ss_${snapshot}/__info_`)), 'an __info_ file');
    prod.ageOutHistory(db);
    prod.faults.reachable();
    const set = await endedSet(h, id);
    expect(set.state).toBe('FINISHED');
    const resolved = set.databases.find((d) => d.database === db);
    expect(resolved?.tracking).toBe('resolved_from_oss');
    expect(resolved?.backupTimestamp).toMatch(/^\d{4}-/);
  });
});
