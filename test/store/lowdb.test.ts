import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_LOG_NAME, LOCK_FILE_NAME, openLowdbStore, STORE_FILE_NAME, type LowdbStoreOptions, type WriteTextFile } from '../../adapters/store/lowdb';
import { StaleUpdateError } from '../../src/domain/errors';
import type { Store } from '../../src/ports';
import { aBackupSet } from '../domain/fixtures';
import { anAuditEvent, someSettings } from './builders';
import { describeStoreContract } from './contract';
import { emptyDocument } from './lowdb-files';

describeStoreContract('lowdb', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'store-contract-'));
  const handles: Store[] = [];
  const openHandle = async () => {
    const store = await openLowdbStore(dir);
    handles.push(store);
    return store;
  };
  const closeAll = () => Promise.all(handles.splice(0).map((h) => h.close()));
  return {
    store: await openHandle(),
    openSecond: openHandle,
    freesClaimsOnReopen: true,
    async reopen() {
      await closeAll();
      return openHandle();
    },
    async cleanup() {
      await closeAll();
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
  /** What the folder holds besides the store file, its lock and its audit log. */
  const strayFiles = async () => (await readdir(dir)).filter((n) => ![STORE_FILE_NAME, LOCK_FILE_NAME, AUDIT_LOG_NAME].includes(n));
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
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ ...emptyDocument(), leaderEpoch: 1 });
  });

  describe('refuses to open a file it cannot trust, never touches it, and lets go of the folder', () => {
    const cases: [string, string, RegExp][] = [
      ['not JSON', '{"version": 2, "settings": [', /not valid JSON/],
      ['empty', '', /it is empty/],
      ['a JSON array', '[]', /not a backup-bot store/],
      ['a wrong shape', JSON.stringify({ ...emptyDocument(), settings: 'nope' }), /settings: .*expected array/i],
      [
        'a bad record inside, named by its list, index and id',
        JSON.stringify({ ...emptyDocument(), backupSets: [aBackupSet({ id: 'bk-good' }), { ...aBackupSet({ id: 'bk-bad' }), state: 'HALF_DONE' }] }),
        /backupSets\[1\] \(bk-bad\) state/,
      ],
      [
        'a bad settings record, named by its instance',
        JSON.stringify({ ...emptyDocument(), settings: [{ ...someSettings(), time: '25:00' }] }),
        /settings\[0\] \(prod-1\) time/,
      ],
      ['a newer version', JSON.stringify({ ...emptyDocument(), version: 99 }), /newer version of the bot/],
    ];

    it.each(cases)('%s', async (_what, content, why) => {
      await mkdir(dir, { recursive: true });
      await writeFile(file, content);
      const error = await openLowdbStore(dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      const message = (error as Error).message;
      expect(message).toContain(file);
      expect(message).toMatch(why);
      expect(message).toMatch(/move it aside/);
      expect(await readFile(file, 'utf8')).toBe(content);
      expect(await readdir(dir)).toEqual([STORE_FILE_NAME]);
    });

    it('a file that cannot be read', async () => {
      await mkdir(file, { recursive: true }); // a directory where the file should be
      await expect(openLowdbStore(dir)).rejects.toThrow(/cannot be read/);
    });

    it.skipIf(isRoot)('a file without read permission', async () => {
      await mkdir(dir, { recursive: true });
      await writeFile(file, JSON.stringify(emptyDocument()));
      await chmod(file, 0o000);
      await expect(openLowdbStore(dir)).rejects.toThrow(/cannot be read/);
      await chmod(file, 0o600);
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(emptyDocument());
    });
  });

  it('keeps fields it does not know (written by a later version) through a write', async () => {
    await mkdir(dir, { recursive: true });
    const future = { ...emptyDocument(), leases: [{ holder: 'replica-2' }], backupSets: [{ ...aBackupSet(), newField: 42 }] };
    await writeFile(file, JSON.stringify(future));
    const store = await open();
    await store.runnerState.set('schedulerLastSeen', '2026-11-24T00:00:00.000Z');
    const doc = JSON.parse(await readFile(file, 'utf8')) as typeof future;
    expect(doc.leases).toEqual([{ holder: 'replica-2' }]);
    expect(doc.backupSets[0]?.newField).toBe(42);
  });

  it('reads a __proto__ key in the file as nothing, not as a prototype', async () => {
    await mkdir(dir, { recursive: true });
    const set = JSON.stringify(aBackupSet()).replace(/^\{/, '{"__proto__":{"state":"FINISHED","polluted":true},');
    await writeFile(file, JSON.stringify(emptyDocument()).replace('"backupSets":[]', `"backupSets":[${set}]`));
    const store = await open();
    const got = (await store.backupSets.get(aBackupSet().id)) as unknown as Record<string, unknown>;
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
    expect(got.polluted).toBeUndefined();
    expect(got.state).toBe('RUNNING');
  });

  it('leaves a valid file with every write after many concurrent writes, and no temporary files', async () => {
    const store = await open();
    await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        i % 3 === 0
          ? store.runnerState.firstSeen('slack', `Ev${i}`, new Date('2026-11-24T00:00:00Z'), 3_600_000)
          : store.audit.append(anAuditEvent({ id: `e${i}`, at: new Date(Date.UTC(2026, 10, 24, 0, 0, i)).toISOString() })),
      ),
    );
    const doc = JSON.parse(await readFile(file, 'utf8')) as { audit: unknown[]; seen: unknown[] };
    expect(doc.audit).toHaveLength(100);
    expect(doc.seen).toHaveLength(50);
    expect(await strayFiles()).toEqual([]);
  });

  it('saves a burst of concurrent writes together: each is on disk when it resolves, one saves for many', async () => {
    let saves = 0;
    const writeTextFile: WriteTextFile = async (path, text) => {
      saves += 1;
      await writeFile(path, text);
    };
    const store = await open({ writeTextFile });
    const at = new Date('2026-11-24T00:00:00Z');
    saves = 0;
    const onDisk: boolean[] = [];
    const firsts = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        store.runnerState.firstSeen('slack', `Ev${i % 30}`, at, 3_600_000).then(async (first) => {
          const doc = JSON.parse(await readFile(file, 'utf8')) as { seen: { id: string }[] };
          onDisk.push(doc.seen.some((s) => s.id === `Ev${i % 30}`));
          return first;
        }),
      ),
    );
    // Exactly one of the two checks of each id is first, in the order they were asked.
    expect(firsts.slice(0, 30).every((f) => f)).toBe(true);
    expect(firsts.slice(30).some((f) => f)).toBe(false);
    expect(onDisk.every((d) => d)).toBe(true);
    expect(saves).toBeLessThan(10);
  });

  it('a read asked between two writes sees the first and not the second', async () => {
    const store = await open();
    const first = store.runnerState.set('schedulerLastSeen', '2026-11-24T00:00:00.000Z');
    const read = store.runnerState.get('schedulerLastSeen');
    const second = store.runnerState.set('schedulerLastSeen', '2026-11-24T00:05:00.000Z');
    await Promise.all([first, second]);
    expect(await read).toBe('2026-11-24T00:00:00.000Z');
    expect(await store.runnerState.get('schedulerLastSeen')).toBe('2026-11-24T00:05:00.000Z');
  });

  it('a failed save fails every write saved with it, and changes nothing', async () => {
    let fail = false;
    const writeTextFile: WriteTextFile = async (path, text) => {
      if (fail) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      await writeFile(path, text);
    };
    const store = await open({ writeTextFile });
    const at = new Date('2026-11-24T00:00:00Z');
    fail = true;
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.runnerState.firstSeen('slack', `Ev${i}`, at, 3_600_000)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    fail = false;
    // Nothing was remembered: each id is new again.
    for (let i = 0; i < 10; i++) expect(await store.runnerState.firstSeen('slack', `Ev${i}`, at, 3_600_000)).toBe(true);
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
    await store.settings.save(someSettings());
    const before = await readFile(file, 'utf8');

    fail = true;
    await expect(store.settings.save(someSettings({ version: 2, time: '05:00' }))).rejects.toThrow(/no space left.*previous content is intact/);
    await expect(store.backupSets.create(aBackupSet())).rejects.toThrow(/could not save/);
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(await store.settings.get('prod-1')).toMatchObject({ version: 1, time: '02:30' });
    expect(await store.backupSets.get(aBackupSet().id)).toBeNull();
    expect(await strayFiles()).toEqual([]);

    fail = false;
    await store.settings.save(someSettings({ version: 2, time: '05:00' }));
    expect(await store.settings.get('prod-1')).toMatchObject({ version: 2, time: '05:00' });
  });

  it.skipIf(isRoot)('a read-only directory makes writes fail without harm', async () => {
    const store = await open();
    await store.settings.save(someSettings());
    const before = await readFile(file, 'utf8');
    await chmod(dir, 0o500);
    await expect(store.settings.save(someSettings({ version: 2 }))).rejects.toThrow(/could not save/);
    await chmod(dir, 0o700);
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(await store.settings.get('prod-1')).toMatchObject({ version: 1 });
  });

  it('removes temporary files a crash left behind, keeping the last saved content', async () => {
    const store = await open();
    await store.settings.save(someSettings());
    await store.close();
    await writeFile(join(dir, `.${STORE_FILE_NAME}.1234.abcdef.tmp`), '{"half":');
    const reopened = await open();
    expect(await reopened.settings.get('prod-1')).toEqual(someSettings());
    expect((await readdir(dir)).sort()).toEqual([STORE_FILE_NAME, LOCK_FILE_NAME].sort());
  });

  it('refuses work after close; another handle of the process keeps working until it closes too', async () => {
    const first = await open();
    const second = await open();
    await first.close();
    await expect(first.settings.get('prod-1')).rejects.toThrow(/closed/);
    await expect(first.ping()).rejects.toThrow(/closed/);
    await expect(first.leadership.acquire(new Date())).rejects.toThrow(/closed/);
    expect(await second.leadership.acquire(new Date())).toMatchObject({ epoch: 1 });
    await second.settings.save(someSettings());
    expect(await readdir(dir)).toContain(LOCK_FILE_NAME);
    await second.close();
    expect(await readdir(dir)).not.toContain(LOCK_FILE_NAME);
    await expect(second.settings.list()).rejects.toThrow(/closed/);
  });

  it('finishes the writes queued before a close, and a handle opened while it closes reads them', async () => {
    const store = await open();
    const writes = Array.from({ length: 20 }, (_, i) => store.audit.append(anAuditEvent({ id: `e${i}` })));
    const closing = store.close();
    const next = await open();
    await Promise.all([...writes, closing]);
    expect(await next.audit.list()).toHaveLength(20);
    await next.audit.append(anAuditEvent({ id: 'e-after' }));
    expect(await next.audit.list()).toHaveLength(21);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ leaderEpoch: 2 });
  });

  it('tells who saved the settings first, and when, in a stale save refusal', async () => {
    const store = await open();
    await store.settings.save(someSettings());
    await store.settings.save(someSettings({ version: 2, updatedBy: 'bob', updatedAt: '2026-11-24T02:00:00.000Z' }));
    const error = await store.settings.save(someSettings({ version: 2, updatedBy: 'carol' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StaleUpdateError);
    expect((error as Error).message).toMatch(/changed by bob at 2026-11-24T02:00:00.000Z \(version 2\)/);
  });
});
