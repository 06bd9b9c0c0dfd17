// The keys of requests and buttons already handled, kept in the store: remembered across a
// reopen, forgotten after their time (or when told), hashed so a huge key costs nothing.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLowdbStore, STORE_FILE_NAME } from '../../adapters/store/lowdb';
import { storedSeenKeys } from '../../src/app/seen-keys';
import type { Store } from '../../src/ports';

let dir: string;
let store: Store;
const at = (minutes: number) => new Date(Date.UTC(2026, 10, 24, 0, minutes));

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'seen-keys-'));
  store = await openLowdbStore(dir);
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('keys seen before', () => {
  it('answer true once per key, also after the store is reopened', async () => {
    const seen = storedSeenKeys(store, 'slack.request', 10 * 60_000);
    expect(await seen.firstTime('trigger:1', at(0))).toBe(true);
    expect(await seen.firstTime('trigger:1', at(1))).toBe(false);
    await store.close();
    store = await openLowdbStore(dir);
    const after = storedSeenKeys(store, 'slack.request', 10 * 60_000);
    expect(await after.firstTime('trigger:1', at(2))).toBe(false);
    expect(await after.firstTime('trigger:2', at(2))).toBe(true);
  });

  it('are forgotten after their time, or at the time the caller gives', async () => {
    const seen = storedSeenKeys(store, 'slack.request', 10 * 60_000);
    await seen.firstTime('a', at(0));
    expect(await seen.firstTime('a', at(9))).toBe(false);
    expect(await seen.firstTime('a', at(10))).toBe(true);
    await seen.firstTime('button', at(0), at(60));
    expect(await seen.firstTime('button', at(59))).toBe(false);
    expect(await seen.firstTime('button', at(60))).toBe(true);
  });

  it('may be forgotten on purpose, in their own scope only', async () => {
    const buttons = storedSeenKeys(store, 'commands.button', 3600_000);
    const requests = storedSeenKeys(store, 'slack.request', 3600_000);
    await buttons.firstTime('k', at(0));
    await requests.firstTime('k', at(0));
    await buttons.forget('k');
    expect(await buttons.firstTime('k', at(1))).toBe(true);
    expect(await requests.firstTime('k', at(1))).toBe(false);
  });

  it('are kept hashed: a 100 KB key never reaches the store file', async () => {
    const huge = `U${'A'.repeat(100_000)}`;
    const seen = storedSeenKeys(store, 'slack.request', 3600_000);
    expect(await seen.firstTime(huge, at(0))).toBe(true);
    expect(await seen.firstTime(huge, at(1))).toBe(false);
    const file = await readFile(join(dir, STORE_FILE_NAME), 'utf8');
    expect(file).not.toContain('AAAAAAAAAA');
    expect(file.length).toBeLessThan(10_000);
  });

  it('are first for exactly one of many concurrent callers', async () => {
    const seen = storedSeenKeys(store, 'slack.request', 3600_000);
    const results = await Promise.all(Array.from({ length: 8 }, () => seen.firstTime('same', at(0))));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
