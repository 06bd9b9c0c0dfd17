import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLowdbStore, STORE_FILE_NAME, type LowdbStoreOptions, type WriteTextFile } from '../../adapters/store/lowdb';
import type { Store } from '../../src/ports';
import { aBackupSet } from '../domain/fixtures';
import { anAuditEvent, someSettings } from './builders';
import { describeStoreContract } from './contract';

describeStoreContract('lowdb', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'store-contract-'));
  let store: Store = await openLowdbStore(dir);
  return {
    store,
    async reopen() {
      await store.close();
      store = await openLowdbStore(dir);
      return store;
    },
    async cleanup() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('lowdb store file', () => {
  let dir: string;
  let file: string;
  const opened: Store[] = [];
  const open = async (options?: LowdbStoreOptions) => {
    const store = await openLowdbStore(dir, options);
    opened.push(store);
    return store;
  };
  const isRoot = process.getuid?.() === 0;

  beforeEach(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'lowdb-store-')), 'data', 'nested');
    file = join(dir, STORE_FILE_NAME);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    await chmod(dir, 0o700).catch(() => undefined);
    await rm(join(dir, '..', '..'), { recursive: true, force: true });
  });

  it('creates the directory and a versioned, empty document', async () => {
    await open();
    const doc = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    expect(doc).toMatchObject({ version: 1, settings: [], backupSets: [], outbox: [] });
  });

  describe('refuses to open a file it cannot trust, and never touches it', () => {
    const moveAside = /Move it aside/;
    const repair = /Only some records are bad: `BOT_DATA_DIR=.* npm run store:repair` moves them into backup-bot\.rejected-<time>\.json/;
    const cases: [string, string, RegExp, RegExp][] = [
      ['not JSON', '{"version": 1, "settings": [', /not valid JSON/, moveAside],
      ['empty', '', /it is empty/, moveAside],
      ['a JSON array', '[]', /not a backup-bot store/, moveAside],
      ['a wrong shape', JSON.stringify({ version: 1, settings: 'nope' }), /settings: .*expected array/i, moveAside],
      [
        'a bad record inside',
        JSON.stringify({ ...emptyDoc(), backupSets: [{ ...aBackupSet(), state: 'HALF_DONE' }] }),
        /backupSets\[0\] \(id bk-[^)]+\) state: /,
        repair,
      ],
      [
        'an audit record written for a forged user',
        JSON.stringify({ ...emptyDoc(), audit: [anAuditEvent({ id: 'ev-ok' }), { ...anAuditEvent({ id: 'ev-forged' }), actor: { platform: 'slack', personId: null } }] }),
        /audit\[1\] \(id ev-forged\) actor\.userId: /,
        repair,
      ],
      ['a newer version', JSON.stringify({ ...emptyDoc(), version: 99 }), /newer version of the bot/, moveAside],
    ];

    it.each(cases)('%s', async (_what, content, why, advice) => {
      await mkdir(dir, { recursive: true });
      await writeFile(file, content);
      const error = await openLowdbStore(dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      const message = (error as Error).message;
      expect(message).toContain(file);
      expect(message).toMatch(why);
      expect(message).toMatch(advice);
      expect(await readFile(file, 'utf8')).toBe(content);
    });

    it('a file that cannot be read', async () => {
      await mkdir(file, { recursive: true }); // a directory where the file should be
      await expect(openLowdbStore(dir)).rejects.toThrow(/cannot be read/);
    });

    it.skipIf(isRoot)('a file without read permission', async () => {
      await mkdir(dir, { recursive: true });
      await writeFile(file, JSON.stringify(emptyDoc()));
      await chmod(file, 0o000);
      await expect(openLowdbStore(dir)).rejects.toThrow(/cannot be read/);
      await chmod(file, 0o600);
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(emptyDoc());
    });
  });

  it('keeps fields it does not know (written by a later version) through a write', async () => {
    await mkdir(dir, { recursive: true });
    const future = { ...emptyDoc(), leases: [{ holder: 'replica-2' }], backupSets: [{ ...aBackupSet(), newField: 42 }] };
    await writeFile(file, JSON.stringify(future));
    const store = await open();
    await store.setValue('x', 'y');
    const doc = JSON.parse(await readFile(file, 'utf8')) as typeof future;
    expect(doc.leases).toEqual([{ holder: 'replica-2' }]);
    expect(doc.backupSets[0]?.newField).toBe(42);
  });

  it('reads a __proto__ key in the file as nothing, not as a prototype', async () => {
    await mkdir(dir, { recursive: true });
    const set = JSON.stringify(aBackupSet()).replace(/^\{/, '{"__proto__":{"state":"FINISHED","polluted":true},');
    await writeFile(file, `{"version":1,"settings":[],"backupSets":[${set}],"restoreRequests":[],"tasks":[],"audit":[],"outbox":[],"deliveries":[],"values":[]}`);
    const store = await open();
    const got = (await store.getBackupSet(aBackupSet().id)) as unknown as Record<string, unknown>;
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
    expect(got.polluted).toBeUndefined();
    expect(got.state).toBe('RUNNING');
  });

  it('leaves a valid file with every write after many concurrent writes, and no temporary files', async () => {
    const store = await open();
    await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        i % 3 === 0
          ? store.setValue(`v${i}`, String(i))
          : store.appendAudit(anAuditEvent({ id: `e${i}`, at: new Date(Date.UTC(2026, 10, 24, 0, 0, i)).toISOString() })),
      ),
    );
    const doc = JSON.parse(await readFile(file, 'utf8')) as { audit: unknown[]; values: unknown[] };
    expect(doc.audit).toHaveLength(100);
    expect(doc.values).toHaveLength(50);
    expect((await readdir(dir)).filter((n) => n !== STORE_FILE_NAME)).toEqual([]);
  });

  it('a failed write rejects and leaves the file and the store as they were', async () => {
    let fail = false;
    const writeTextFile: WriteTextFile = async (path, text) => {
      if (fail) {
        await writeFile(path, text.slice(0, text.length / 2)); // half written, then the disk fills up
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      }
      await writeFile(path, text);
    };
    const store = await open({ writeTextFile });
    await store.saveSettings(someSettings());
    const before = await readFile(file, 'utf8');

    fail = true;
    await expect(store.saveSettings(someSettings({ version: 2, time: '05:00' }))).rejects.toThrow(/no space left.*previous content is intact/);
    await expect(store.createBackupSet(aBackupSet())).rejects.toThrow(/could not save/);
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(await store.getSettings('prod-1')).toMatchObject({ version: 1, time: '02:30' });
    expect(await store.getBackupSet(aBackupSet().id)).toBeNull();
    expect((await readdir(dir)).filter((n) => n !== STORE_FILE_NAME)).toEqual([]);

    fail = false;
    await store.saveSettings(someSettings({ version: 2, time: '05:00' }));
    expect(await store.getSettings('prod-1')).toMatchObject({ version: 2, time: '05:00' });
  });

  it.skipIf(isRoot)('a read-only directory makes writes fail without harm', async () => {
    const store = await open();
    await store.setValue('a', '1');
    const before = await readFile(file, 'utf8');
    await chmod(dir, 0o500);
    await expect(store.setValue('a', '2')).rejects.toThrow(/could not save/);
    await chmod(dir, 0o700);
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(await store.getValue('a')).toBe('1');
  });

  it('removes temporary files a crash left behind, keeping the last saved content', async () => {
    const store = await open();
    await store.setValue('a', '1');
    await store.close();
    await writeFile(join(dir, `.${STORE_FILE_NAME}.1234.abcdef.tmp`), '{"half":');
    const reopened = await open();
    expect(await reopened.getValue('a')).toBe('1');
    expect(await readdir(dir)).toEqual([STORE_FILE_NAME]);
  });

  it('refuses work after close', async () => {
    const store = await open();
    await store.close();
    await expect(store.getValue('a')).rejects.toThrow(/closed/);
  });
});

function emptyDoc() {
  return {
    version: 1,
    settings: [],
    backupSets: [],
    restoreRequests: [],
    tasks: [],
    audit: [],
    outbox: [],
    deliveries: [],
    values: [],
  };
}
