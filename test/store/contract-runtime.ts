// Typed runner state, remembered ids (firstSeen) and leadership (see contract.ts).

import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/ports';
import { outcomes } from './builders';
import type { ContractContext } from './contract';

const KEY = 'a1b2c3d4'.repeat(8);
const at = new Date('2026-11-24T00:00:00Z');
const HOUR = 3_600_000;
const plus = (ms: number) => new Date(at.getTime() + ms);

export function defineRuntimeContract(ctx: ContractContext): void {
  describe('runner state', () => {
    it('is null until set, then the last value set, seen from both handles', async () => {
      expect(await ctx.store.runnerState.get('signingKey')).toBeNull();
      expect(await ctx.store.runnerState.get('schedulerLastSeen')).toBeNull();
      await ctx.store.runnerState.set('schedulerLastSeen', '2026-11-24T00:00:00.000Z');
      await (await ctx.second()).runnerState.set('schedulerLastSeen', '2026-11-24T00:01:00.000Z');
      expect(await ctx.store.runnerState.get('schedulerLastSeen')).toBe('2026-11-24T00:01:00.000Z');
      expect(await ctx.store.runnerState.get('signingKey')).toBeNull();
    });

    it('keeps each value with its type', async () => {
      await ctx.store.runnerState.set('signingKey', KEY);
      await ctx.store.runnerState.set('watchdogAlerts', { 'prod-1': '2026-11-24T00:00:00.000Z', 'prod-sh': '2026-11-23T00:00:00.000Z' });
      expect(await ctx.store.runnerState.get('signingKey')).toBe(KEY);
      expect(await ctx.store.runnerState.get('watchdogAlerts')).toEqual({ 'prod-1': '2026-11-24T00:00:00.000Z', 'prod-sh': '2026-11-23T00:00:00.000Z' });
      await ctx.store.runnerState.set('watchdogAlerts', {});
      expect(await ctx.store.runnerState.get('watchdogAlerts')).toEqual({});
    });

    it.each([
      ['signingKey', 'not hex at all'],
      ['signingKey', 'abcd'],
      ['schedulerLastSeen', 'yesterday'],
      ['schedulerLastSeen', 42],
      ['watchdogAlerts', { 'prod-1': 'soon' }],
      ['watchdogAlerts', ['prod-1']],
    ] as const)('refuses a %s of %j, writing nothing', async (key, bad) => {
      const good = { signingKey: KEY, schedulerLastSeen: '2026-11-24T00:00:00.000Z', watchdogAlerts: { 'prod-1': '2026-11-24T00:00:00.000Z' } }[key];
      const set = ctx.store.runnerState.set as (k: string, v: unknown) => Promise<void>;
      await set(key, good);
      await expect(set(key, bad)).rejects.toBeInstanceOf(Error);
      expect(await ctx.store.runnerState.get(key)).toEqual(good);
      const reopened = await ctx.reopen();
      expect(await reopened.runnerState.get(key)).toEqual(good);
    });

    it('sets a value only if absent: of many handles racing, all get the first value', async () => {
      const { won, lost } = outcomes(await ctx.race(6, (store, i) => store.runnerState.setIfAbsent('signingKey', String(i).repeat(64))));
      expect(lost).toEqual([]);
      expect(new Set(won).size).toBe(1);
      expect(won[0]).toMatch(/^([0-5])\1{63}$/);
      expect(await ctx.store.runnerState.get('signingKey')).toBe(won[0]);
      expect(await ctx.store.runnerState.setIfAbsent('signingKey', KEY)).toBe(won[0]);
      await expect((ctx.store.runnerState.setIfAbsent as (k: string, v: unknown) => Promise<unknown>)('signingKey', 'not hex')).rejects.toBeInstanceOf(Error);
    });

    it('survives a restart', async () => {
      await ctx.store.runnerState.set('signingKey', KEY);
      await ctx.store.runnerState.set('watchdogAlerts', { 'prod-1': '2026-11-24T00:00:00.000Z' });
      const store = await ctx.reopen();
      expect(await store.runnerState.get('signingKey')).toBe(KEY);
      expect(await store.runnerState.get('watchdogAlerts')).toEqual({ 'prod-1': '2026-11-24T00:00:00.000Z' });
      expect(await store.runnerState.get('schedulerLastSeen')).toBeNull();
    });
  });

  describe('firstSeen', () => {
    it('is true the first time, false again within the ttl, per scope', async () => {
      expect(await ctx.store.runnerState.firstSeen('slack', 'Ev001', at, HOUR)).toBe(true);
      expect(await ctx.store.runnerState.firstSeen('slack', 'Ev001', plus(HOUR - 1), HOUR)).toBe(false);
      expect(await (await ctx.second()).runnerState.firstSeen('slack', 'Ev001', plus(1), HOUR)).toBe(false);
      expect(await ctx.store.runnerState.firstSeen('dingtalk', 'Ev001', at, HOUR)).toBe(true);
      expect(await ctx.store.runnerState.firstSeen('slack', 'Ev002', at, HOUR)).toBe(true);
    });

    it('may see an id again once it expired, then remembers it anew', async () => {
      expect(await ctx.store.runnerState.firstSeen('slack', 'Ev001', at, HOUR)).toBe(true);
      expect(await ctx.store.runnerState.firstSeen('slack', 'Ev001', plus(HOUR), HOUR)).toBe(true);
      expect(await ctx.store.runnerState.firstSeen('slack', 'Ev001', plus(2 * HOUR - 1), HOUR)).toBe(false);
      expect(await ctx.store.runnerState.firstSeen('slack', 'Ev001', plus(2 * HOUR), HOUR)).toBe(true);
    });

    it('is true for exactly one of many callers of one id at once, across handles', async () => {
      const { won, lost } = outcomes(await ctx.race(10, (store) => store.runnerState.firstSeen('slack', 'Ev-race', at, HOUR)));
      expect(lost).toEqual([]);
      expect(won.filter((first) => first)).toHaveLength(1);
      expect(won.filter((first) => !first)).toHaveLength(9);
    });

    it('is true for each of many different ids at once', async () => {
      const { won } = outcomes(await ctx.race(10, (store, i) => store.runnerState.firstSeen('slack', `Ev-${i}`, at, HOUR)));
      expect(won).toEqual(Array.from({ length: 10 }, () => true));
    });

    it('forgets an id on request (a failed action may be tried again), in that scope only', async () => {
      await ctx.store.runnerState.firstSeen('buttons', 'b1', at, HOUR);
      await ctx.store.runnerState.firstSeen('other', 'b1', at, HOUR);
      await (await ctx.second()).runnerState.forget('buttons', 'b1');
      await ctx.store.runnerState.forget('buttons', 'never-seen');
      expect(await ctx.store.runnerState.firstSeen('buttons', 'b1', plus(1), HOUR)).toBe(true);
      expect(await ctx.store.runnerState.firstSeen('other', 'b1', plus(1), HOUR)).toBe(false);
    });

    it('remembers across a restart', async () => {
      await ctx.store.runnerState.firstSeen('slack', 'Ev001', at, HOUR);
      const store = await ctx.reopen();
      expect(await store.runnerState.firstSeen('slack', 'Ev001', plus(1), HOUR)).toBe(false);
    });
  });

  describe('leadership', () => {
    const leaseOf = async (store: Store) => {
      const lease = await store.leadership.acquire(new Date());
      if (!lease) throw new Error('a fresh store must grant leadership');
      return lease;
    };

    it('grants a lease with a holder and an epoch, kept while held', async () => {
      expect(ctx.store.leadership.description).not.toBe('');
      const lease = await leaseOf(ctx.store);
      expect(lease.holder).not.toBe('');
      expect(Number.isInteger(lease.epoch) && lease.epoch >= 1).toBe(true);
      expect(lease.acquiredAt).toBeInstanceOf(Date);
      if (ctx.store.leadership.renewEveryMs === null) expect(lease.expiresAt).toBeNull();
      else expect(lease.expiresAt?.getTime()).toBeGreaterThan(lease.acquiredAt.getTime());
      const again = await leaseOf(ctx.store);
      expect([again.holder, again.epoch]).toEqual([lease.holder, lease.epoch]);
      // Anyone may ask who leads (health), through any handle.
      const current = await (await ctx.second()).leadership.current?.();
      expect([current?.holder, current?.epoch, current?.acquiredAt]).toEqual([again.holder, again.epoch, again.acquiredAt]);
    });

    it('grows the epoch when the store is opened again (a new leader term)', async () => {
      const before = await leaseOf(ctx.store);
      await ctx.store.leadership.release();
      const after = await leaseOf(await ctx.reopen());
      expect(after.epoch).toBeGreaterThan(before.epoch);
    });
  });
}
