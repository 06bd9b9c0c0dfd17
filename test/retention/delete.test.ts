// `/backup delete` end to end against the simulators: the confirm dialog, who may, the deletion
// task, OSS failing half-way, a bucket's retention lock, a versioned bucket, and the key guard
// against crafted set records.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAliOssConnector } from '../../adapters/oss';
import type { BackupSet } from '../../src/domain/types';
import type { BotConfig, RegionConfig } from '../../src/config/types';
import type { Reply } from '../../src/reply';
import { endedSet, startBackup } from '../support/backups';
import { ManualClock } from '../support/clock';
import { startHarness, type Harness, type HarnessOptions } from '../support/harness';
import { waitFor } from '../support/wait';
import { keysOf, seedObjects, startRetentionSims, type RetentionSims } from './sims';

let sims: RetentionSims;
let h: Harness;
const clock = new ManualClock(new Date());
/** OSS retries quickly here, so faults cost milliseconds. */
const quickOss = createAliOssConnector({ retry: { maxAttempts: 3, baseDelayMs: 2, maxDelayMs: 10 } });

beforeAll(async () => {
  sims = await startRetentionSims(() => clock.now());
});
afterAll(async () => {
  await sims.close();
});
afterEach(async () => {
  sims.oss.faults.reset();
  sims.starrocks.instance('prod-1').faults.release();
  await h?.close();
});

async function start(options: Partial<HarnessOptions> = {}): Promise<Harness> {
  clock.set(new Date());
  h = await startHarness({ sims: sims.description, clock, oss: quickOss, ...options });
  return h;
}

async function backup(instance = 'prod-1'): Promise<BackupSet> {
  const set = await endedSet(h, await startBackup(h, instance));
  await h.settle();
  clock.advance(60_000);
  return set;
}

async function deleted(id: string): Promise<BackupSet> {
  await h.flush();
  return waitFor(async () => {
    const set = await h.store.backupSets.get(id);
    return set && set.state === 'DELETED' ? set : null;
  }, `${id} to be DELETED`);
}

/** prod-sh on its own bucket, with a repository of its own (a StarRocks repository keeps its location). */
function prodShOn(bucket: string) {
  return (c: BotConfig): BotConfig => ({
    ...c,
    regions: { ...c.regions, 'cn-shanghai': { ...(c.regions['cn-shanghai'] as RegionConfig), bucket } },
    instances: c.instances.map((i) => (i.id === 'prod-sh' ? { ...i, repository: `bot_prod_sh_${bucket.replace(/-/g, '_')}` } : i)),
  });
}

describe('/backup delete', () => {
  it('asks with a dialog naming the set, its time, its size and that it is the last good backup; then deletes it with a task and tells the channel', async () => {
    await start();
    const set = await backup();
    expect((await h.say('viewer1', `delete ${set.id}`)).text).toMatch(/\/backup delete needs the admin role on prod-1; your role on prod-1 is viewer/);
    expect((await h.say('oper1', `delete ${set.id}`)).text).toMatch(/\/backup delete needs the admin role on prod-1; your role on prod-1 is operator/);

    const ask = await h.say('admin1', `delete ${set.id}`);
    expect(ask.tone).toBe('warning');
    expect(ask.text).toMatch(new RegExp(`^Delete backup ${set.id} of prod-1 \\(started \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} \\S+, [\\d.]+ MiB\\)\\? This cannot be undone`));
    expect(ask.text).toContain('It is the only good backup of prod-1: afterwards prod-1 has no backup to restore.');
    const button = ask.buttons?.[0];
    expect(button).toMatchObject({ label: 'Delete', style: 'danger', action: 'delete', subject: set.id, confirm: { title: `Delete ${set.id}?`, confirm: 'Delete for good' } });
    expect(button?.confirm?.text).toBe(ask.text);
    expect((await h.click('oper1', ask, /Delete/)).text).toMatch(/needs the admin role/);
    expect((await h.store.backupSets.get(set.id))?.state).toBe('FINISHED');

    const started = await h.click('admin1', ask, /Delete/);
    expect(started.text).toContain(`Deleting *${set.id}* of prod-1`);
    const done = await deleted(set.id);
    expect(done.deletedBy).toBe('admin1');
    expect(keysOf(sims.oss, set)).toEqual([]);
    await h.flush();
    const texts = h.channel.texts().join('\n');
    expect(texts).toContain(`Admin One is deleting backup *${set.id}* of *prod-1*`);
    expect(texts).toMatch(new RegExp(`Backup \\*${set.id}\\* of \\*prod-1\\* was deleted \\(requested by admin1\\): ${set.objectCount} objects deleted, [\\d.]+ MiB freed`));
    const task = (await h.say('viewer1', 'tasks prod-1 --all')).items?.find((i) => i.text === `*delete* ${set.id} on prod-1: FINISHED`);
    expect(task?.fields?.find((f) => f.label === 'Progress')?.value).toBe('100%');
    const audit = await h.store.audit.list({ instanceId: 'prod-1' });
    expect(audit.find((a) => a.action === 'backup.delete' && a.subject === set.id)?.actor.personId).toBe('admin1');
    expect(audit.find((a) => a.action === 'backup.deleted' && a.subject === set.id)?.after).toMatchObject({ state: 'DELETED', objects: set.objectCount });

    expect((await h.click('admin1', ask, /Delete/)).text).toMatch(/^already done/);
    expect((await h.say('admin1', `delete ${set.id}`)).text).toMatch(new RegExp(`^${set.id} was already deleted on \\d{4}-\\d{2}-\\d{2}; there is nothing left to delete.$`));
    expect((await h.say('viewer1', 'list prod-1 --all')).items?.[0]?.text).toContain('DELETED');
  });

  it('is refused for a running set and for one already being deleted', async () => {
    await start();
    const prod = sims.starrocks.instance('prod-1');
    prod.faults.hold('sales', 'UPLOADING');
    const running = await startBackup(h, 'prod-1');
    await waitFor(async () => ((await h.store.backupSets.get(running))?.databases.length ?? 0) > 0, 'the backup to be planned');
    expect((await h.say('admin1', `delete ${running}`)).text).toBe(`${running} is still running, and a started backup cannot be interrupted; delete it after it ends (follow it with /backup tasks prod-1).`);
    prod.faults.release('sales');
    await endedSet(h, running);
    await h.settle();
    // A deletion that cannot finish yet (OSS refuses every delete): a second request is refused.
    sims.oss.faults.failNext(1000, { status: 500, onlyMethod: 'POST' });
    const ask = await h.say('admin1', `delete ${running}`);
    await h.click('admin1', ask, /Delete/);
    expect((await h.say('admin2', `delete ${running}`)).text).toBe(`${running} is already being deleted (requested by admin1); follow it with /backup tasks prod-1.`);
  });

  it('offers a Delete button on each listed set to an admin only, whose dialog names the set', async () => {
    await start();
    const older = await backup();
    const newer = await backup();
    expect((await h.say('viewer1', 'list prod-1')).items?.flatMap((i) => i.buttons ?? []).filter((b) => b.action === 'delete')).toEqual([]);
    expect((await h.say('oper1', 'list prod-1')).items?.flatMap((i) => i.buttons ?? []).filter((b) => b.action === 'delete')).toEqual([]);
    const list = await h.say('admin2', 'list prod-1');
    const row = (id: string) => list.items?.find((i) => i.text.includes(id));
    const deleteOf = (id: string) => row(id)?.buttons?.find((b) => b.label === 'Delete');
    expect(deleteOf(newer.id)).toMatchObject({ style: 'danger', action: 'delete', subject: newer.id });
    expect(deleteOf(newer.id)?.confirm?.text).toContain(`It is the newest good backup of prod-1 (1 older good backup would remain).`);
    expect(deleteOf(older.id)?.confirm?.text).toContain(`Delete backup ${older.id} of prod-1`);
    expect(deleteOf(older.id)?.confirm?.text).not.toContain('good backup of prod-1');
    const started = await h.click('admin2', { ...list, items: [row(older.id) ?? { text: '' }] } as Reply, /Delete/);
    expect(started.text).toContain(`Deleting *${older.id}*`);
    await deleted(older.id);
    expect(keysOf(sims.oss, older)).toEqual([]);
    expect(keysOf(sims.oss, newer).length).toBe(newer.objectCount);
  });
});

describe('a deletion OSS fails half-way', () => {
  it('of 3,000 objects, with 503s and 500s, still ends DELETED with every object gone', async () => {
    await start();
    const set = await backup();
    seedObjects(sims.oss, set, 3000);
    const before = sims.oss.requests.length;
    // Within the adapter's retries, then beyond them: the controller resumes the deletion.
    sims.oss.faults.failNext(2, { status: 503, onlyMethod: 'POST' });
    sims.oss.faults.failNext(1, { status: 500, onlyMethod: 'POST' });
    sims.oss.faults.throttle(1, 5, 'GET');
    sims.oss.faults.failNext(3, { status: 500, onlyMethod: 'POST' });
    sims.oss.faults.truncateDeletesNext(1, 10);
    await h.click('admin1', await h.say('admin1', `delete ${set.id}`), /Delete/);
    const done = await deleted(set.id);
    expect(done.state).toBe('DELETED');
    expect(keysOf(sims.oss, set)).toEqual([]);
    const requests = sims.oss.requests.slice(before);
    expect(requests.filter((r) => r.method === 'POST').length).toBeGreaterThan(Math.ceil((3000 + set.objectCount!) / 1000) + 6);
    expect(h.log.some((r) => (r.fields as { event?: string }).event === 'backup.delete_retry')).toBe(true);
    await h.flush();
    expect(h.channel.texts().join('\n')).toContain(`${3000 + (set.objectCount ?? 0)} objects deleted`);
  });
});

describe('a bucket that refuses or keeps deletes', () => {
  it('with a retention lock (WORM): the bot says so once instead of retrying forever', async () => {
    sims.oss.addBucket({ name: 'worm-sh', region: 'cn-shanghai', worm: { state: 'Locked', days: 30 } });
    await start({ config: prodShOn('worm-sh') });
    const set = await backup('prod-sh');
    expect(set.state).toBe('FINISHED');
    await h.click('admin1', await h.say('admin1', `delete ${set.id}`), /Delete/);
    await h.flush();
    const blocked = await waitFor(async () => (await h.store.backupSets.get(set.id))?.deletionBlocked, 'the deletion to be blocked');
    expect(blocked.reason).toMatch(/retention lock \(WORM\).*FileImmutable/);
    await h.bot.runner.runOnce('retention');
    clock.advance(25 * 3600_000);
    await h.bot.runner.runOnce('retention');
    await h.flush();
    const said = h.channel.texts().filter((t) => t.includes(`could not be deleted`));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/It stays DELETING; the bot tries again once a day and does not repeat this message/);
    expect((await h.store.backupSets.get(set.id))?.state).toBe('DELETING');
    expect(keysOf(sims.oss, set, 'starrocks-backups/__starrocks_repository_bot_prod_sh_worm_sh', 'worm-sh').length).toBe(set.objectCount);
    expect((await h.say('viewer1', 'list prod-sh')).items?.[0]?.fields?.find((f) => f.label === 'Deletion blocked')?.value).toMatch(/retention lock/);
  });

  it('with versioning: the deletion ends with a note that it frees no storage', async () => {
    sims.oss.addBucket({ name: 'versioned-sh', region: 'cn-shanghai', versioning: 'Enabled' });
    await start({ config: prodShOn('versioned-sh') });
    const set = await backup('prod-sh');
    await h.click('admin1', await h.say('admin1', `delete ${set.id}`), /Delete/);
    await deleted(set.id);
    await h.flush();
    const done = h.channel.find(/was deleted/)?.versions[0];
    expect(done?.text).toMatch(/objects removed \(the bucket keeps old versions, so no storage is freed yet\)/);
    expect(done?.notes?.join(' ')).toMatch(/Bucket versioned-sh has versioning enabled: deleting leaves the old versions behind/);
  });
});

describe('only the instance’s own keys are ever deleted', () => {
  const crafted = (victim: BackupSet, over: Partial<BackupSet>): BackupSet => ({ ...victim, id: 'bk-20200101-0000-prod-1', trigger: 'manual', scheduledDay: null, ...over });

  it('a crafted set whose snapshot name reaches into another set is refused by the OSS adapter, and nothing is deleted', async () => {
    await start();
    const victim = await backup();
    const keys = keysOf(sims.oss, victim);
    const db = victim.databases[0] as BackupSet['databases'][number];
    const evil = crafted(victim, { databases: [{ ...db, snapshotName: `${db.snapshotName}/__ss_content` }] });
    await h.store.backupSets.create(evil);
    await h.click('admin1', await h.say('admin1', `delete ${evil.id}`), /Delete/);
    await h.flush();
    const blocked = await waitFor(async () => (await h.store.backupSets.get(evil.id))?.deletionBlocked, 'the deletion to be refused');
    expect(blocked.reason).toMatch(/^Refusing to delete snapshot '.*\/__ss_content': not a StarRocks snapshot name/);
    expect(keysOf(sims.oss, victim)).toEqual(keys);
    expect((await h.store.backupSets.get(evil.id))?.state).toBe('DELETING');
  });

  it('a crafted set in another instance’s repository, or sharing a snapshot with another set, is refused before anything changes', async () => {
    await start();
    const victim = await backup();
    await h.store.backupSets.create(crafted(victim, { repository: 'bot_prod_sh' }));
    const other = await h.say('admin1', 'delete bk-20200101-0000-prod-1');
    expect((await h.click('admin1', other, /Delete/)).text).toBe(
      'bk-20200101-0000-prod-1 was recorded in repository bot_prod_sh (cn-hangzhou), but prod-1 uses repository bot_prod_1 (cn-hangzhou): the bot deletes only inside an instance\'s own repository. Nothing was deleted; remove its objects by hand if they should go.',
    );
    await h.store.backupSets.create(crafted(victim, { id: 'bk-20200102-0000-prod-1' }));
    const shared = await h.click('admin1', await h.say('admin1', 'delete bk-20200102-0000-prod-1'), /Delete/);
    expect(shared.text).toMatch(new RegExp(`^bk-20200102-0000-prod-1 names snapshot \\w+, which also belongs to ${victim.id}: deleting it would delete part of ${victim.id}. Nothing was deleted.$`));
    expect((await h.store.backupSets.get('bk-20200102-0000-prod-1'))?.state).toBe('FINISHED');
    expect(keysOf(sims.oss, victim).length).toBe(victim.objectCount);
  });
});
