// One bad record must not cost the store: a write that would save an invalid record is refused
// (nothing saved, the next start still works), and a file with bad records (written by an
// older build) is repaired by moving them aside and keeping the rest.

import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLowdbStore, repairStore, STORE_FILE_NAME } from '../../adapters/store/lowdb';
import type { AuditEvent } from '../../src/domain/types';
import { aBackupSet } from '../domain/fixtures';
import { anAuditEvent, someSettings } from './builders';

const run = promisify(execFile);
const KEY = 'ab'.repeat(32);
let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'store-repair-'));
  file = join(dir, STORE_FILE_NAME);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The audit record the probe's forged click wrote: `user` a string, so no user id. */
const forgedAudit = (): AuditEvent => ({ ...anAuditEvent({ id: 'ev-forged' }), actor: { platform: 'slack', userId: undefined, personId: null } as unknown as AuditEvent['actor'] });

describe('every write is checked with the schemas reads use', () => {
  it('refuses an audit record without a user id, naming it; nothing is saved and the store opens again', async () => {
    const store = await openLowdbStore(dir);
    await store.audit.append(anAuditEvent({ id: 'ev-ok' }));
    const before = await readFile(file, 'utf8');
    const error = await store.audit.append(forgedAudit()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^refused to save audit event ev-forged: actor\.userId: .*nothing was changed$/);
    expect(await readFile(file, 'utf8')).toBe(before);
    expect((await store.audit.list()).map((a) => a.id)).toEqual(['ev-ok']);
    await store.close();
    const again = await openLowdbStore(dir);
    expect((await again.audit.list()).map((a) => a.id)).toEqual(['ev-ok']);
    await again.close();
  });

  it('refuses an update that breaks a record, and keeps the record as it was', async () => {
    const store = await openLowdbStore(dir);
    await store.backupSets.create(aBackupSet());
    const id = aBackupSet().id;
    const broken = store.backupSets.update(id, (s) => ({ ...s, state: 'HALF_DONE' as never }));
    await expect(broken).rejects.toThrow(new RegExp(`refused to save backup set ${id}: state: `));
    expect((await store.backupSets.get(id))?.state).toBe(aBackupSet().state);
    await expect(store.settings.save({ ...someSettings(), time: '25:99' })).rejects.toThrow(/refused to save the settings of prod-1: time: /);
    expect(await store.settings.get('prod-1')).toBeNull();
    await store.close();
  });
});

describe('npm run store:repair', () => {
  const brokenFile = () => ({
    version: 1,
    settings: [someSettings()],
    backupSets: [aBackupSet()],
    restoreRequests: [],
    tasks: [],
    audit: [anAuditEvent({ id: 'ev-1' }), forgedAudit(), anAuditEvent({ id: 'ev-3' })],
    outbox: [],
    deliveries: [],
    values: [{ name: 'signing.key', value: KEY }],
  });

  it('moves the bad records into a side file, keeps the rest, and the store opens', async () => {
    await writeFile(file, JSON.stringify(brokenFile()));
    await expect(openLowdbStore(dir)).rejects.toThrow(/audit\[1\] \(ev-forged\) actor\.userId: .*npm run store:repair/s);
    const result = await repairStore(dir, new Date('2026-11-24T10:00:00.000Z'));
    expect(result.rejected.map((r) => r.record)).toEqual(['audit[1] (ev-forged)']);
    expect(result.kept).toBe(5);
    expect(result.rejectedFile).toBe(join(dir, 'backup-bot.rejected-2026-11-24T10-00-00-000Z.json'));
    const side = JSON.parse(await readFile(result.rejectedFile as string, 'utf8')) as { from: string; records: { record: string; problems: string[]; value: unknown }[] };
    expect(side.from).toBe(file);
    expect(side.records[0]).toMatchObject({ record: 'audit[1] (ev-forged)', value: { id: 'ev-forged' } });
    expect(side.records[0]?.problems.join()).toMatch(/^actor\.userId: /);

    const store = await openLowdbStore(dir);
    expect((await store.audit.list()).map((a) => a.id).sort()).toEqual(['ev-1', 'ev-3']);
    expect(await store.settings.get('prod-1')).toEqual(someSettings());
    expect(await store.runnerState.get('signingKey')).toBe(KEY);
    await store.close();
  });

  it('changes nothing in a valid file, and refuses a file that is not JSON', async () => {
    const good = { ...brokenFile(), audit: [anAuditEvent()], values: [] };
    await writeFile(file, JSON.stringify(good));
    const result = await repairStore(dir);
    expect(result).toMatchObject({ rejectedFile: null, rejected: [] });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(good);
    expect(await readdir(dir)).toEqual([STORE_FILE_NAME]); // not even a lock left behind
    await writeFile(file, '{"version": 1, "settings": [');
    await expect(repairStore(dir)).rejects.toThrow(/not valid JSON.*cannot be repaired record by record/);
    expect(await readFile(file, 'utf8')).toBe('{"version": 1, "settings": [');
    expect((await readdir(dir)).filter((n) => n.includes('rejected'))).toEqual([]);
  });

  it('runs as the npm script on BOT_DATA_DIR and says what it moved', async () => {
    await writeFile(file, JSON.stringify(brokenFile()));
    const { stdout } = await run('npm', ['run', '--silent', 'store:repair'], { env: { ...process.env, BOT_DATA_DIR: dir, BOT_STORE_URL: '' }, timeout: 60_000 });
    expect(stdout).toMatch(/moved 1 record\(s\) the bot could not read into .*backup-bot\.rejected-.*\.json; kept 5\./);
    expect(stdout).toMatch(/- audit\[1\] \(ev-forged\): actor\.userId: /);
    const store = await openLowdbStore(dir);
    expect((await store.audit.list()).length).toBe(2);
    await store.close();
  });
});
