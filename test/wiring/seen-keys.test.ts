// The keys of requests and buttons already handled, kept in the store: remembered across a
// reopen, forgotten after their time, bounded in number, never half-remembered when the store
// refuses the write.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLowdbStore } from '../../adapters/store/lowdb';
import type { Store } from '../../src/ports';
import { SeenKeys } from '../../src/wiring/seen-keys';

let dir: string;
let store: Store;
const opts = { name: 'chat.seen-requests', keepMs: 10 * 60_000, maxEntries: 3 };
const at = (minutes: number) => new Date(Date.UTC(2026, 10, 24, 0, minutes));

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'seen-keys-'));
  store = await openLowdbStore(dir);
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('SeenKeys', () => {
  it('answers true once per key, also after the store is reopened', async () => {
    const seen = new SeenKeys(store, opts);
    expect(await seen.firstTime('trigger:1', at(0))).toBe(true);
    expect(await seen.firstTime('trigger:1', at(1))).toBe(false);
    expect(await seen.firstTime('trigger:2', at(1))).toBe(true);
    await store.close();
    store = await openLowdbStore(dir);
    const after = new SeenKeys(store, opts);
    expect(await after.firstTime('trigger:1', at(2))).toBe(false);
    expect(await after.firstTime('trigger:3', at(2))).toBe(true);
  });

  it('forgets a key after its time, and the oldest when there are too many', async () => {
    const seen = new SeenKeys(store, opts);
    await seen.firstTime('a', at(0));
    expect(await seen.firstTime('a', at(9))).toBe(false);
    expect(await seen.firstTime('a', at(10))).toBe(true); // ten minutes on: Slack's window is over
    await seen.firstTime('b', at(10), at(60));
    expect(await seen.firstTime('b', at(30))).toBe(false); // kept until the time it was given
    await seen.firstTime('c', at(30));
    await seen.firstTime('d', at(30));
    await seen.firstTime('e', at(30));
    expect(seen.size).toBe(3);
    expect(await seen.firstTime('b', at(31))).toBe(true); // the oldest went first
  });

  it('keys of any length take the same room, and concurrent calls see each other', async () => {
    const seen = new SeenKeys(store, { ...opts, maxEntries: 100 });
    const huge = 'k'.repeat(100_000);
    const answers = await Promise.all([seen.firstTime(huge, at(0)), seen.firstTime(huge, at(0)), seen.firstTime('x', at(0))]);
    expect(answers).toEqual([true, false, true]);
    expect((await store.getValue(opts.name))?.length).toBeLessThan(200);
  });

  it('does not remember a key the store refused to save, and can forget one', async () => {
    let refuse = true;
    const flaky: Pick<Store, 'getValue' | 'setValue'> = {
      getValue: (name) => store.getValue(name),
      setValue: async (name, value) => {
        if (refuse) throw new Error('disk full');
        await store.setValue(name, value);
      },
    };
    const seen = new SeenKeys(flaky, opts);
    await expect(seen.firstTime('a', at(0))).rejects.toThrow('disk full');
    refuse = false;
    expect(await seen.firstTime('a', at(0))).toBe(true);
    await seen.forget('a');
    expect(await seen.firstTime('a', at(1))).toBe(true);
  });

  it('starts afresh, and says so, when the stored value cannot be read', async () => {
    await store.setValue(opts.name, '{"not": "pairs"}');
    const problems: string[] = [];
    const seen = new SeenKeys(store, { ...opts, onUnreadable: (p) => problems.push(p) });
    expect(await seen.firstTime('a', at(0))).toBe(true);
    expect(problems).toEqual(['chat.seen-requests: not a list of [key, time] pairs']);
  });
});
