// Expiry warnings and the retention sweep end to end: the whole bot, mysql2 and ali-oss over real
// sockets against the simulators, the StarRocks simulator and the bot on one injected clock.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BackupSet } from '../../src/domain/types';
import type { Reply } from '../../src/reply';
import { endedSet, startBackup } from '../support/backups';
import { ManualClock } from '../support/clock';
import { startHarness, type Harness, type HarnessOptions } from '../support/harness';
import { aRestoreRequest } from '../domain/fixtures';
import { keysOf, startRetentionSims, type RetentionSims } from './sims';

const HOUR = 3600_000;
let sims: RetentionSims;
let clock: ManualClock;
let h: Harness;
let dataDir: string;

beforeAll(async () => {
  clock = new ManualClock(new Date());
  sims = await startRetentionSims(() => clock.now());
});
afterAll(async () => {
  await sims.close();
});
afterEach(async () => {
  await h?.close({ keepData: true });
  rmSync(dataDir, { recursive: true, force: true });
  for (const id of ['prod-1']) sims.starrocks.instance(id).faults.clear();
});

async function start(options: Partial<HarnessOptions> = {}): Promise<Harness> {
  dataDir ??= mkdtempSync(join(tmpdir(), 'retention-expiry-'));
  h = await startHarness({ sims: sims.description, clock, dataDir, ...options });
  return h;
}

async function restart(options: Partial<HarnessOptions> = {}): Promise<Harness> {
  await h.close({ keepData: true });
  return start(options);
}

async function backup(): Promise<BackupSet> {
  const set = await endedSet(h, await startBackup(h, 'prod-1'));
  await h.settle();
  return set;
}

/** One pass of a controller, then every deletion it started, then the announcements. */
async function pass(name: 'retention' | 'expiry-warnings'): Promise<void> {
  await h.bot.runner.runOnce(name);
  await h.flush();
}

const keepNone = (c: Parameters<NonNullable<HarnessOptions['config']>>[0]) => ({ ...c, instances: c.instances.map((i) => ({ ...i, keepLastGood: 0 })) });
const warnings = (id: string) => h.channel.texts().filter((t) => t.includes(id) && /expires in/.test(t));
const tokenCommand = (value: string) => (JSON.parse(Buffer.from(value.split('.')[1] ?? '', 'base64url').toString('utf8')) as { c: string }).c;

describe('expiry', () => {
  it('warns once at the lead time with a Restore button, never again after a restart, and expires the set at the end of its retention', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'retention-expiry-'));
    clock.set(new Date());
    await start({ config: keepNone });
    const set = await backup();
    expect(set.state).toBe('FINISHED');
    const expires = Date.parse(set.expiresAt ?? '');
    expect(expires - Date.parse(set.finishedAt ?? '')).toBe(7 * 24 * HOUR);

    clock.set(new Date(expires - 25 * HOUR));
    await pass('expiry-warnings');
    expect(warnings(set.id)).toEqual([]);

    clock.set(new Date(expires - 23 * HOUR));
    await pass('expiry-warnings');
    await pass('expiry-warnings');
    expect(warnings(set.id)).toHaveLength(1);
    const warning = h.channel.find(/expires in/)?.versions[0] as Reply;
    expect(warning.text).toContain(`Backup *${set.id}* of *prod-1* expires in 23 hours`);
    expect(warning.text).toMatch(/Snapshot taken \d{4}-\d{2}-\d{2} \d{2}:\d{2} /);
    expect(warning.notes?.join(' ')).toMatch(/restore in time to avoid losing a backup/);
    const restore = warning.buttons?.find((b) => b.label === 'Restore');
    expect(restore).toMatchObject({ action: 'restore', subject: set.id });
    expect(tokenCommand(restore?.value ?? '')).toBe(`restore ${set.id}`);

    await restart({ config: keepNone });
    await pass('expiry-warnings');
    expect(warnings(set.id)).toEqual([]);
    expect((await h.store.backupSets.get(set.id))?.expiryWarnedAt).toBe(new Date(expires - 23 * HOUR).toISOString());

    clock.set(new Date(expires - 1000));
    await pass('retention');
    expect((await h.store.backupSets.get(set.id))?.state).toBe('FINISHED');

    clock.set(new Date(expires + 60_000));
    await pass('retention');
    const expired = await h.store.backupSets.get(set.id);
    expect(expired?.state).toBe('EXPIRED');
    expect(keysOf(sims.oss, set)).toEqual([]);
    const told = h.channel.texts().filter((t) => t.includes(`Backup *${set.id}* of *prod-1* expired`));
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(/its data was deleted from OSS: \d+ objects deleted, [\d.]+ (KiB|MiB) freed\. It can no longer be restored/);
    const actions = (await h.store.audit.list({ instanceId: 'prod-1' })).map((a) => `${a.action} ${a.subject}`);
    expect(actions).toEqual(expect.arrayContaining([`backup.expire ${set.id}`, `backup.expired ${set.id}`]));
    const tasks = await h.say('viewer1', 'tasks prod-1 --all');
    expect(tasks.items?.find((i) => i.text.includes(`*delete* ${set.id}`))?.fields?.find((f) => f.label === 'Progress')?.value).toBe('100%');

    // A second sweep finds nothing more to do.
    await pass('retention');
    expect(h.channel.texts().filter((t) => t.includes(`Backup *${set.id}* of *prod-1* expired`))).toHaveLength(1);
  });

  it('keeps the last good backup past its expiry, says so once, and expires it once a newer backup finishes', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'retention-expiry-'));
    clock.set(new Date());
    await start();
    const first = await backup();
    clock.set(new Date(Date.parse(first.expiresAt ?? '') + HOUR));
    await pass('retention');
    await pass('retention');
    const kept = h.channel.texts().filter((t) => t.includes('Kept past expiry'));
    expect(kept).toHaveLength(1);
    expect(kept[0]).toContain(`Kept past expiry: *${first.id}*, the last good backup of *prod-1*; newer backups are failing or missing.`);
    expect((await h.store.backupSets.get(first.id))?.state).toBe('FINISHED');
    expect((await h.say('viewer1', 'list prod-1')).items?.[0]?.fields?.find((f) => f.label === 'Expires')?.value).toMatch(/kept past it as the last good backup/);

    // A failing backup changes nothing.
    const prod = sims.starrocks.instance('prod-1');
    for (const db of ['sales', 'inventory', 'web']) prod.faults.failNextBackup(db, 'disk full');
    expect((await backup()).state).toBe('FAILED');
    await pass('retention');
    expect((await h.store.backupSets.get(first.id))?.state).toBe('FINISHED');
    expect(h.channel.texts().filter((t) => t.includes('Kept past expiry'))).toHaveLength(1);

    const second = await backup();
    expect(second.state).toBe('FINISHED');
    await pass('retention');
    expect((await h.store.backupSets.get(first.id))?.state).toBe('EXPIRED');
    expect((await h.store.backupSets.get(second.id))?.state).toBe('FINISHED');
    expect(keysOf(sims.oss, first)).toEqual([]);
    expect(keysOf(sims.oss, second).length).toBe(second.objectCount);
    const audit = await h.store.audit.list({ instanceId: 'prod-1' });
    expect(audit.filter((a) => a.action === 'backup.keep' && a.subject === first.id)).toHaveLength(1);
    expect(audit.find((a) => a.action === 'backup.expire' && a.subject === first.id)?.before).toMatchObject({ keptAs: 'last_good' });
  });

  it('keeps a set a restore uses until the restore ends, and says why', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'retention-expiry-'));
    clock.set(new Date());
    await start();
    const used = await backup();
    clock.advance(HOUR);
    const newer = await backup();
    clock.set(new Date(Date.parse(used.expiresAt ?? '') + HOUR / 2));
    // Awaiting approval, so that the restores controller leaves it as it is while the test looks.
    const restore = aRestoreRequest({ id: 'rs-20261201-1000-staging-1', backupSetId: used.id, state: 'PENDING_APPROVAL', requestedAt: clock.now().toISOString(), approvalExpiresAt: new Date(clock.now().getTime() + 24 * HOUR).toISOString() });
    await h.store.restores.create(restore);
    await pass('retention');
    expect((await h.store.backupSets.get(used.id))?.state).toBe('FINISHED');
    expect(h.channel.texts().join('\n')).toContain(`*${used.id}* of *prod-1* (expired`);
    expect(h.channel.texts().join('\n')).toContain(`is used by restore ${restore.id}; it is deleted once that restore ends.`);
    expect((await h.say('admin1', `delete ${used.id}`)).text).toBe(`${used.id} is used by restore ${restore.id} (awaiting approval); it can be deleted once that restore ends.`);

    // (A running restore keeps it too: test/restore/e2e-terminal.test.ts, while its restore runs.)
    await h.store.restores.update(restore.id, (r) => ({ ...r, state: 'WITHDRAWN', finishedAt: clock.now().toISOString() }));
    await pass('retention');
    expect((await h.store.backupSets.get(used.id))?.state).toBe('EXPIRED');
    expect((await h.store.backupSets.get(newer.id))?.state).toBe('FINISHED');
    expect(h.channel.texts().filter((t) => t.includes('Kept past expiry'))).toHaveLength(1);
  });

  it('never sweeps an orphaned set, whose instance is gone from the configuration', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'retention-expiry-'));
    clock.set(new Date());
    await start({ config: keepNone });
    const set = await backup();
    clock.set(new Date(Date.parse(set.expiresAt ?? '') + 2 * HOUR));
    await restart({ config: (c) => ({ ...c, instances: c.instances.filter((i) => i.id !== 'prod-1') }) });
    await pass('expiry-warnings');
    await pass('retention');
    expect((await h.store.backupSets.get(set.id))?.state).toBe('FINISHED');
    expect(keysOf(sims.oss, set).length).toBe(set.objectCount);
    expect((await h.say('admin1', 'list prod-1')).items?.[0]?.text).toContain('ORPHANED');
  });
});

describe('a clock that jumps', () => {
  it('forward by days while running, then again between two starts, leads straight to the right warnings and expiries, each once', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'retention-expiry-'));
    const t0 = Date.now();
    clock.set(new Date(t0));
    await start();
    // Three sets made days apart, each with the default 7-day retention.
    const a = await backup();
    clock.set(new Date(t0 + 3 * 24 * HOUR));
    const b = await backup();
    clock.set(new Date(t0 + 6 * 24 * HOUR));
    const c = await backup();
    const at = (s: BackupSet) => Date.parse(s.expiresAt ?? '');

    // While running: a jump to 12 hours before b expires. a expired days ago (no warning now,
    // it is deleted), b is within the lead time (one warning), c is not.
    clock.set(new Date(at(b) - 12 * HOUR));
    await pass('expiry-warnings');
    await pass('retention');
    await pass('expiry-warnings');
    await pass('retention');
    expect(warnings(a.id)).toEqual([]);
    expect(warnings(b.id)).toHaveLength(1);
    expect(warnings(c.id)).toEqual([]);
    expect((await h.store.backupSets.get(a.id))?.state).toBe('EXPIRED');
    expect(h.channel.texts().filter((t) => t.includes(`*${a.id}* of *prod-1* expired`))).toHaveLength(1);

    // Between two starts: a jump past the expiry of b and c. b expires; c, the last good, is kept.
    await h.close({ keepData: true });
    clock.set(new Date(at(c) + 2 * 24 * HOUR));
    await start();
    await h.flush();
    expect((await h.store.backupSets.get(b.id))?.state).toBe('EXPIRED');
    expect((await h.store.backupSets.get(c.id))?.state).toBe('FINISHED');
    await pass('expiry-warnings');
    await pass('retention');
    expect(h.channel.texts().filter((t) => t.includes(`*${b.id}* of *prod-1* expired`))).toHaveLength(1);
    expect(h.channel.texts().filter((t) => t.includes(`Kept past expiry: *${c.id}*`))).toHaveLength(1);
    expect(warnings(b.id)).toEqual([]);
    expect(warnings(c.id)).toEqual([]);
  });
});
