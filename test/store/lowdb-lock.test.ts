// One process per data folder: real second processes (test/store/hold-store.ts) against the lock
// file, and the leader epoch that grows each time a process takes the folder.

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_FILE_NAME, openLowdbStore, STORE_FILE_NAME, StoreLockedError } from '../../adapters/store/lowdb';
import type { Store } from '../../src/ports';
import { someSettings } from './builders';
import { aDeadPid, holdStore, tryHoldStore, type Holder } from './lowdb-files';

describe('lowdb lock file: one process per data folder', () => {
  let dir: string;
  const holders: Holder[] = [];
  const stores: Store[] = [];
  const open = async () => {
    const store = await openLowdbStore(dir);
    stores.push(store);
    return store;
  };
  const hold = async () => {
    const holder = await holdStore(dir);
    holders.push(holder);
    return holder;
  };
  const epochOf = async (store: Store) => (await store.leadership.acquire(new Date()))?.epoch;
  const lockFile = () => join(dir, LOCK_FILE_NAME);
  const writeLock = (content: object | string) => writeFile(lockFile(), typeof content === 'string' ? content : JSON.stringify(content));

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lowdb-lock-'));
  });
  afterEach(async () => {
    await Promise.all(holders.splice(0).map((h) => h.crash()));
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a second process, naming the pid of the one that holds the folder, until that one dies', async () => {
    const holder = await hold();
    const before = await readFile(join(dir, STORE_FILE_NAME), 'utf8');
    const error = await openLowdbStore(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreLockedError);
    expect((error as Error).message).toContain(`pid ${holder.pid}`);
    expect((error as Error).message).toContain(dir);
    expect(await readFile(join(dir, STORE_FILE_NAME), 'utf8')).toBe(before);

    await holder.crash();
    const store = await open();
    await store.settings.save(someSettings());
    expect(JSON.parse(await readFile(lockFile(), 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
  });

  it('makes a process that starts while this one holds the folder refuse, naming this pid', async () => {
    await open();
    const outcome = await tryHoldStore(dir);
    expect(outcome).toEqual({ refused: expect.stringMatching(new RegExp(`^StoreLockedError: .*pid ${process.pid}\\b`)) as unknown });
  });

  it('grows the epoch by one each time a process takes the folder', async () => {
    const first = await open();
    expect(await epochOf(first)).toBe(1);
    await first.close();
    const holder = await hold();
    expect(holder.epoch).toBe(2);
    await holder.crash();
    const third = await open();
    expect(await epochOf(third)).toBe(3);
    const sameProcess = await open();
    expect(await epochOf(sameProcess)).toBe(3);
    await Promise.all([third.close(), sameProcess.close()]);
    expect(await epochOf(await open())).toBe(4);
  });

  it('lets exactly one of several processes take over a stale lock at once', async () => {
    await mkdir(dir, { recursive: true });
    await writeLock({ pid: await aDeadPid(), host: hostname(), startedAt: '2026-11-24T00:00:00.000Z' });
    const outcomes = await Promise.all([tryHoldStore(dir), tryHoldStore(dir), tryHoldStore(dir)]);
    const holding = outcomes.flatMap((o) => ('refused' in o ? [] : [o]));
    holders.push(...holding);
    expect(holding).toHaveLength(1);
    const refusals = outcomes.flatMap((o) => ('refused' in o ? [o.refused] : []));
    expect(refusals).toHaveLength(2);
    for (const refusal of refusals) expect(refusal).toMatch(new RegExp(`^StoreLockedError: .*pid ${holding[0]?.pid}\\b`));
  });

  it('never takes over the lock of a process on another host', async () => {
    await writeLock({ pid: 4242, host: 'bot-replica-2', startedAt: '2026-11-24T00:00:00.000Z' });
    const error = await openLowdbStore(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreLockedError);
    expect((error as Error).message).toContain('pid 4242 on host bot-replica-2');
  });

  it.each([
    ['a lock torn by a crash', '{"pid":'],
    ['a lock of a former life of this pid (pid 1 in a container)', JSON.stringify({ pid: process.pid, host: hostname(), startedAt: '2026-11-01T00:00:00.000Z' })],
  ])('takes over %s', async (_what, content) => {
    await writeLock(content);
    const store = await open();
    await store.settings.save(someSettings());
    expect(JSON.parse(await readFile(lockFile(), 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
  });
});
