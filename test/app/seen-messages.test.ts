// Message ids kept in the store: a repeat is known, also after the store is opened again (a
// restart); an id is forgotten after its time; concurrent checks of one id agree.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLowdbStore } from '../../adapters/store/lowdb';
import type { Store } from '../../src/ports';
import { storedSeenMessages } from '../../src/app/seen-messages';

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'seen-'));
  store = await openLowdbStore(dir);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 0, minutes));

describe('seen message ids in the store', () => {
  it('knows a repeat, also after a restart', async () => {
    const seen = storedSeenMessages(store);
    expect(await seen.firstTime('robot:m1', at(0))).toBe(true);
    expect(await seen.firstTime('robot:m1', at(1))).toBe(false);
    await store.close();
    store = await openLowdbStore(dir);
    const again = storedSeenMessages(store);
    expect(await again.firstTime('robot:m1', at(2))).toBe(false);
    expect(await again.firstTime('robot:m2', at(2))).toBe(true);
  });

  it('concurrent checks of one id: exactly one is first', async () => {
    const seen = storedSeenMessages(store);
    const results = await Promise.all(Array.from({ length: 5 }, () => seen.firstTime('card:x', at(0))));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('forgets an id once it is older than its time', async () => {
    const seen = storedSeenMessages(store, 'test', 60 * 60_000);
    expect(await seen.firstTime('d', at(0))).toBe(true);
    expect(await seen.firstTime('d', at(1))).toBe(false);
    expect(await seen.firstTime('d', at(62))).toBe(true); // an hour later it is forgotten
  });

});
