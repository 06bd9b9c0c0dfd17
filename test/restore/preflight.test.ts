// Every preflight refusal, as the chat shows it: one sentence naming the value. A refused request
// writes nothing. The checks run again after approval: a target that changed meanwhile fails the
// approved restore with the reason.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupSet } from '../../src/domain/types';
import { SANDBOX_BUCKETS, SANDBOX_OSS_CREDENTIALS } from '../../sim/sandbox';
import { endedSet, startBackup } from '../support/backups';
import { startHarness, type Harness } from '../support/harness';
import { startRestoreSims } from './sims';
import { endedRestore, latest, restoreIdIn, shown } from './support';

let sims: Awaited<ReturnType<typeof startRestoreSims>>;
let h: Harness;
let set: BackupSet;

beforeAll(async () => {
  sims = await startRestoreSims();
  h = await startHarness({ sims: sims.description });
  const id = await startBackup(h, 'prod-1');
  set = await endedSet(h, id);
  expect(set.state).toBe('FINISHED');
}, 30_000);
afterAll(async () => {
  await h.close();
  await sims.close();
});

const ask = async (text: string, user = 'oper1') => (await h.say(user, text)).text;

describe('the restore preflight refuses, naming the value', () => {
  it('sets that were deleted, expired, are expiring, or failed; databases the set does not hold', async () => {
    const copy = (suffix: string, over: Partial<BackupSet>): BackupSet => ({ ...set, id: `bk-20261101-${suffix}-prod-1`, scheduledDay: null, trigger: 'manual', ...over });
    await h.store.backupSets.create(copy('0100', { state: 'DELETED', deletedAt: '2026-11-19T17:00:00.000Z' }));
    await h.store.backupSets.create(copy('0200', { state: 'EXPIRED', expiresAt: '2026-11-18T01:00:00.000Z', deletedAt: '2026-11-18T02:00:00.000Z' }));
    await h.store.backupSets.create(copy('0300', { state: 'EXPIRING', expiresAt: '2026-11-18T01:00:00.000Z' }));
    const partial = copy('0400', { state: 'PARTIAL', databases: set.databases.map((d) => (d.database === 'web' ? { ...d, state: 'FAILED', error: 'upload failed' } : d)) });
    await h.store.backupSets.create(partial);
    expect(await ask('restore bk-20261101-0100-prod-1 to staging-1')).toBe('bk-20261101-0100-prod-1 was deleted on 2026-11-20; deleted backups cannot be restored');
    expect(await ask('restore bk-20261101-0200-prod-1 to staging-1')).toBe('bk-20261101-0200-prod-1 expired on 2026-11-18 and its data was deleted; expired backups cannot be restored');
    expect(await ask('restore bk-20261101-0300-prod-1 to staging-1')).toBe('bk-20261101-0300-prod-1 expired on 2026-11-18 and its data is being deleted; it cannot be restored');
    expect(await ask('restore bk-20261101-0400-prod-1 to staging-1 databases=web')).toBe('the backup of web failed in bk-20261101-0400-prod-1, so it cannot be restored; restorable: inventory and sales');
    expect(await ask(`restore ${set.id} to staging-1 databases=sales,crm`)).toBe(`${set.id} holds no database crm; it holds inventory, sales and web`);
    expect(await ask('restore bk-20261101-0900-prod-1 to staging-1')).toBe('there is no backup set bk-20261101-0900-prod-1 (see /backup list <instance>)');
    // The form is refused for them too: it never opens on a set that cannot be restored.
    expect(await ask('restore bk-20261101-0100-prod-1')).toBe('bk-20261101-0100-prod-1 was deleted on 2026-11-20; deleted backups cannot be restored');
  });

  it('targets that are unknown, the source itself, in another region, shared-data, unreachable, older, too small, not allowed, or holding the databases', async () => {
    const id = set.id;
    expect(await ask(`restore ${id} to staging-9`)).toMatch(/^unknown instance "staging-9"; did you mean staging-1\? \(known: .*\); a restore goes into another instance registered with the bot$/);
    expect(await ask(`restore ${id} to prod-1`)).toBe(`prod-1 is the instance ${id} was taken from; restore into another instance, one that is new for the purpose`);
    expect(await ask(`restore ${id} to prod-sh`)).toBe(`${id} is stored in cn-hangzhou and prod-sh is in cn-shanghai: restores never cross regions`);
    expect(await ask(`restore ${id} to lake-1`)).toBe('lake-1 is a shared-data cluster (run_mode = shared_data, read from the cluster): StarRocks restores only into shared-nothing instances');
    expect(await ask(`restore ${id} to staging-down`)).toMatch(/^staging-down cannot be reached: .*cannot connect to StarRocks/);
    expect(await ask(`restore ${id} to staging-old`)).toBe(`staging-old runs StarRocks 3.1.0, older than 3.3.5 of prod-1 where ${id} was taken; restore into 3.3.5 or newer`);
    expect(await ask(`restore ${id} to staging-small`)).toBe('staging-small has 1 live backend, fewer than the replication number 3; choose replicas=1 or bring more backends up');
    expect(await ask(`restore ${id} to staging-locked`)).toBe(
      "the bot's StarRocks user on staging-locked lacks what a restore needs: GRANT REPOSITORY ON SYSTEM TO USER <bot user>; GRANT CREATE DATABASE ON CATALOG default_catalog TO USER <bot user>",
    );
    expect(await ask(`restore ${id} to staging-full`)).toBe('staging-full already has a database sales; a restore creates it new, so choose other databases or drop it on staging-full first');
    expect(await ask(`restore ${id} to staging-1 replicas=0`)).toBe('replicas= takes a whole number from 1 to 16, got "0"\nUsage: /backup restore <bk-...> [to <instance>] [databases=db1,db2] [replicas=N]');
    expect(await ask(`restore ${id} to`)).toMatch(/^name the instance to restore into after "to"/);
    expect(await ask(`restore ${id} to staging-1`, 'viewer1')).toMatch(/^\/backup restore needs the operator role on staging-1; your role on staging-1 is viewer/);
    // Nothing was written by any refusal.
    expect(await h.store.restores.list()).toEqual([]);
    expect((await h.store.audit.list()).filter((a) => a.action.startsWith('restore.'))).toEqual([]);
  });

  it('a repository of the same name elsewhere on the target, and a snapshot whose __info_ file is gone from OSS', async () => {
    const cluster = sims.starrocks.instance('staging-new');
    const endpoint = new URL(sims.description.oss.endpoint).host;
    const props = `PROPERTIES ("fs.oss.accessKeyId" = "${SANDBOX_OSS_CREDENTIALS.accessKeyId}", "fs.oss.accessKeySecret" = "${SANDBOX_OSS_CREDENTIALS.accessKeySecret}", "fs.oss.endpoint" = "${endpoint}")`;
    await cluster.execute(`CREATE READ ONLY REPOSITORY bot_prod_1 WITH BROKER ON LOCATION "oss://sandbox-backups-hz/elsewhere" ${props}`, { user: 'root', db: null });
    expect(await ask(`restore ${set.id} to staging-new`)).toBe(
      `staging-new already has a repository bot_prod_1 pointing at oss://sandbox-backups-hz/elsewhere, not at oss://sandbox-backups-hz/starrocks-backups where ${set.id} is; drop it there (DROP REPOSITORY bot_prod_1: its objects stay) and ask again`,
    );
    await cluster.execute('DROP REPOSITORY bot_prod_1', { user: 'root', db: null });

    const web = set.databases.find((d) => d.database === 'web')!;
    const bucket = SANDBOX_BUCKETS['cn-hangzhou'] as string;
    const info = sims.oss.listKeys(bucket).find((k) => k.includes(`/__starrocks_repository_bot_prod_1/__ss_${web.snapshotName}/__info_`));
    const body = sims.oss.getObject(bucket, info!)!;
    sims.oss.deleteObject(bucket, info!);
    expect(await ask(`restore ${set.id} to staging-1`)).toBe(
      `the snapshot of web in ${set.id} (${web.snapshotName}) is no longer complete on OSS: its __info_ file is missing, so it cannot be restored`,
    );
    expect(await ask(`restore ${set.id} to staging-1 databases=sales`)).toMatch(/^Asked for restore \*rs-/);
    sims.oss.putObject(bucket, info!, body);
  });

  it('keeps refusals in the form, by field', async () => {
    const form = (await h.say('oper1', `restore ${set.id}`)).form!;
    const submit = (values: Record<string, string>) => h.bot.core.submit({ actor: h.bot.core.resolveActor('terminal', 'oper1'), formId: 'restore', context: form.context, values });
    expect(await submit({ target: 'prod-sh', databases: 'sales', replicas: '3' })).toEqual({ ok: false, errors: { target: `${set.id} is stored in cn-hangzhou and prod-sh is in cn-shanghai: restores never cross regions` } });
    expect(await submit({ target: 'staging-small', databases: 'inventory', replicas: '3' })).toEqual({ ok: false, errors: { replicas: 'staging-small has 1 live backend, fewer than the replication number 3; choose replicas=1 or bring more backends up' } });
    expect(await submit({ target: 'Staging 1', databases: 'sales;drop', replicas: 'x' })).toEqual({
      ok: false,
      errors: {
        target: 'instance ids are lowercase letters, digits and hyphens, like staging-1; got "Staging 1"',
        databases: 'databases= takes database names (letters, digits, underscore) separated by commas, got "sales;drop"',
        replicas: 'replicas= takes a whole number from 1 to 16, got "x"',
      },
    });
    const ok = await submit({ target: 'staging-small', databases: 'inventory', replicas: '1' });
    expect(ok.ok && ok.reply.text).toMatch(/^Asked for restore \*rs-[^*]+-staging-small\*: .* \(inventory; replication 1\)/);
  });

  it('runs again after approval: a target that changed meanwhile fails the approved restore with the reason', async () => {
    const id = restoreIdIn(await h.say('admin1', `restore ${set.id} to staging-new databases=inventory`));
    // Someone creates `inventory` on the target between the request and the approval.
    await sims.starrocks.instance('staging-new').execute('CREATE DATABASE inventory', { user: 'root', db: null });
    await h.click('admin2', await latest(h, new RegExp(`Restore request ${id} needs approval`)), /Approve/);
    const failed = await endedRestore(h, id);
    expect(failed).toMatchObject({ state: 'FAILED', jobs: [] });
    expect(failed.error).toBe('the checks after approval refused it: staging-new already has a database inventory; a restore creates it new, so choose other databases or drop it on staging-new first');
    const end = shown(await latest(h, new RegExp(`Restore ${id} FAILED`)));
    expect(end).toContain(`- ${failed.error}`);
    // It fails the same way until the target changes: no "try again".
    expect(end).toContain('Nothing was restored. Fix what the checks name before asking again.');
    expect(end).not.toMatch(/try again/i);
    expect(sims.starrocks.instance('staging-new').restoreSubmissions.size).toBe(0);
    expect((await h.say('viewer1', 'tasks staging-new --all')).items?.find((i) => i.text.includes(id))?.text).toBe(`*restore* ${id} on staging-new: FAILED`);
  });
});
