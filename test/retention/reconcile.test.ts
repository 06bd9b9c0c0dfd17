// Reconciliation with OSS end to end: the bot's state is lost, the start-up pass shows what is on
// OSS, `/backup reconcile --adopt` brings the sets back under their own ids; sets whose objects
// vanish behind the bot are marked MISSING, and good again when they come back.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupSet } from '../../src/domain/types';
import { endedSet, startBackup } from '../support/backups';
import { ManualClock } from '../support/clock';
import { startHarness, type Harness } from '../support/harness';
import { HZ_BUCKET, keysOf, PROD_ROOT, startRetentionSims, type RetentionSims } from './sims';

let sims: RetentionSims;
let h: Harness | null = null;
const dirs: string[] = [];
const clock = new ManualClock(new Date());

beforeAll(async () => {
  sims = await startRetentionSims(() => clock.now());
});
afterAll(async () => {
  await h?.close({ keepData: true });
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  await sims.close();
});

async function start(dataDir: string): Promise<Harness> {
  await h?.close({ keepData: true });
  h = await startHarness({ sims: sims.description, clock, dataDir });
  return h;
}

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'retention-reconcile-'));
  dirs.push(dir);
  return dir;
}

async function backup(bot: Harness): Promise<BackupSet> {
  const set = await endedSet(bot, await startBackup(bot, 'prod-1'));
  await bot.settle();
  clock.advance(3600_000);
  return set;
}

describe('reconciliation', () => {
  it('after the state is lost: shows the snapshots at start-up, once, and adopts them as the sets they were', async () => {
    let bot = await start(freshDir());
    const a = await backup(bot);
    const b = await backup(bot);
    sims.oss.putObject(HZ_BUCKET, `${PROD_ROOT}/__ss_stray_upload/__meta.part`, 'half a backup');

    // The state is lost: a new, empty store on the same OSS.
    const lost = freshDir();
    bot = await start(lost);
    await bot.flush();
    const shown = bot.channel.texts().filter((t) => /the bot has no record of/.test(t));
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatch(/^Snapshots of prod-1 the bot has no record of\nFound 7 snapshots of \*prod-1\* on OSS that the bot has no record of \([\d.]+ MiB, billed as storage\):/);
    expect(shown[0]).toContain('- stray_upload: incomplete (never finished)');
    expect(shown[0]).toContain('An admin can adopt the 6 complete ones as backup sets with /backup reconcile prod-1 --adopt');
    expect((await bot.say('viewer1', 'list prod-1')).text).toMatch(/^No backup sets for \*prod-1\*/);
    bot = await start(lost);
    await bot.flush();
    expect(bot.channel.texts().filter((t) => /the bot has no record of/.test(t))).toEqual([]);

    expect((await bot.say('oper1', 'reconcile prod-1')).text).toMatch(/\/backup reconcile needs the admin role on prod-1/);
    const report = await bot.say('admin1', 'reconcile prod-1');
    expect(report.text).toContain(`Reconciled *prod-1* with OSS (${HZ_BUCKET}/${PROD_ROOT}/).`);
    expect(report.text).toContain('7 snapshots on OSS the bot has no record of');
    const sales = report.items?.find((i) => i.text.startsWith(`*${a.databases.find((d) => d.database === 'sales')?.snapshotName}*`));
    expect(sales?.text).toContain('complete');
    expect(sales?.fields?.find((f) => f.label === 'Backup time')?.value).toBe(`${a.databases.find((d) => d.database === 'sales')?.backupTimestamp} (cluster time)`);
    expect(report.notes).toContain('Add --adopt to make the 6 complete ones backup sets (expiry counted from the snapshot time with the current retention).');
    expect(await bot.store.backupSets.list()).toEqual([]);

    const adopted = await bot.say('admin1', 'reconcile prod-1 --adopt');
    expect(adopted.tone).toBe('success');
    for (const original of [a, b]) {
      const set = await bot.store.backupSets.get(original.id);
      expect(set).toMatchObject({ state: 'FINISHED', trigger: 'adopted', sizeBytes: original.sizeBytes, objectCount: original.objectCount, retentionDays: 7 });
      expect(set?.databases.map((d) => [d.database, d.snapshotName, d.backupTimestamp, d.state])).toEqual(
        [...original.databases].sort((x, y) => x.database.localeCompare(y.database)).map((d) => [d.database, d.snapshotName, d.backupTimestamp, 'FINISHED']),
      );
      // Expiry: the snapshot time (from the `__info_` file, to the millisecond) plus the current retention.
      const taken = Math.min(...(set?.databases ?? []).map((d) => Date.parse(d.snapshotAt ?? '')));
      expect(Math.abs(taken - Math.min(...original.databases.map((d) => Date.parse(d.snapshotAt ?? ''))))).toBeLessThan(1000);
      expect(set?.expiresAt).toBe(new Date(taken + 7 * 86_400_000).toISOString());
      expect(adopted.notes?.join('\n')).toContain(`Adopted ${original.id}: inventory, sales and web`);
    }
    expect(adopted.notes).toContain('Incomplete snapshots and leftovers are never adopted; they stay on OSS until removed by hand.');
    await bot.flush();
    expect(bot.channel.texts().join('\n')).toMatch(new RegExp(`Adopted from OSS 2 backup sets of \\*prod-1\\* the bot had no record of \\([\\d.]+ MiB\\): ${b.id} and ${a.id}`));
    expect((await bot.store.audit.list({ instanceId: 'prod-1' })).filter((e) => e.action === 'backup.adopt').map((e) => e.subject).sort()).toEqual([a.id, b.id].sort());
    expect((await bot.say('viewer1', 'list prod-1')).items?.map((i) => i.text)).toEqual([`*${b.id}*  FINISHED (adopted)`, `*${a.id}*  FINISHED (adopted)`]);

    const again = await bot.say('admin1', 'reconcile prod-1 --adopt');
    expect(again.text).toContain('2 backup sets match their snapshots.');
    expect(again.text).toContain('1 snapshot on OSS the bot has no record of');
    expect((await bot.store.backupSets.list()).length).toBe(2);
  });

  it('marks a set whose snapshots vanished behind the bot MISSING, and good again when they are back', async () => {
    const bot = await start(freshDir());
    const set = await backup(bot);
    const saved = keysOf(sims.oss, set).map((key) => ({ key, body: sims.oss.getObject(HZ_BUCKET, key) as Buffer }));
    for (const { key } of saved) sims.oss.deleteObject(HZ_BUCKET, key);

    const report = await bot.say('admin1', 'reconcile prod-1');
    expect(report.text).toContain(`Marked MISSING (snapshots gone from OSS): ${set.id}.`);
    expect((await bot.store.backupSets.get(set.id))?.state).toBe('MISSING');
    await bot.flush();
    expect(bot.channel.texts().join('\n')).toContain(`Backup *${set.id}* of *prod-1* is MISSING: none of its snapshots is in ${HZ_BUCKET}/${PROD_ROOT}/ any more`);
    expect((await bot.say('viewer1', 'list prod-1')).items?.find((i) => i.text.includes(set.id))?.text).toContain('MISSING');

    for (const { key, body } of saved) sims.oss.putObject(HZ_BUCKET, key, body);
    expect((await bot.say('admin1', 'reconcile prod-1')).text).toContain(`Found again (restorable): ${set.id}.`);
    expect((await bot.store.backupSets.get(set.id))?.state).toBe('FINISHED');
    expect((await bot.store.audit.list({ instanceId: 'prod-1' })).map((e) => e.action)).toEqual(expect.arrayContaining(['backup.missing', 'backup.found']));
  });
});
