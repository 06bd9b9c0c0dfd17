// The outbox: claims with a lease so that only one deliverer sends each item, retries, coalescing
// of keyed progress messages, and where keyed messages were delivered (see contract.ts).

import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/domain/errors';
import type { OutboxClaim, Store } from '../../src/ports';
import { aNotification, aQueuedItem, aReply, outcomes } from './builders';
import type { ContractContext } from './contract';

const now = new Date('2026-11-24T00:10:00Z');
const later = (ms: number) => new Date(now.getTime() + ms);
const MINUTE = 60_000;
const claimBy = (claimant: string, over: Partial<OutboxClaim> = {}): OutboxClaim => ({ claimant, leaseMs: 2 * MINUTE, limit: 10, ...over });
const ids = async (store: Store, at: Date, claimant: string, over?: Partial<OutboxClaim>) => (await store.outbox.claimDue(at, claimBy(claimant, over))).map((o) => o.id);

export function defineOutboxContract(ctx: ContractContext): void {
  describe('outbox', () => {
    it('hands out due items oldest first, up to the limit, claimed', async () => {
      await ctx.store.outbox.enqueue(aNotification({ id: 'ob-2', createdAt: '2026-11-24T00:02:00.000Z' }));
      await ctx.store.outbox.enqueue(aNotification({ id: 'ob-1', createdAt: '2026-11-24T00:01:00.000Z' }));
      await ctx.store.outbox.enqueue(aNotification({ id: 'ob-3', createdAt: '2026-11-24T00:03:00.000Z' }));
      const claimed = await ctx.store.outbox.claimDue(now, claimBy('deliverer-a', { limit: 2 }));
      expect(claimed).toEqual([
        aQueuedItem({ id: 'ob-1', createdAt: '2026-11-24T00:01:00.000Z', claimedBy: 'deliverer-a', claimedUntil: later(2 * MINUTE).toISOString() }),
        aQueuedItem({ id: 'ob-2', createdAt: '2026-11-24T00:02:00.000Z', claimedBy: 'deliverer-a', claimedUntil: later(2 * MINUTE).toISOString() }),
      ]);
      expect(await ids(ctx.store, now, 'deliverer-b')).toEqual(['ob-3']);
    });

    it('holds back items not yet due', async () => {
      await ctx.store.outbox.enqueue(aNotification({ id: 'later', createdAt: '2026-11-24T00:20:00.000Z' }));
      expect(await ids(ctx.store, now, 'deliverer-a')).toEqual([]);
      expect(await ids(ctx.store, new Date('2026-11-24T00:20:00Z'), 'deliverer-a')).toEqual(['later']);
    });

    it('does not hand a claimed item to another deliverer until the claim lapses', async () => {
      await ctx.store.outbox.enqueue(aNotification());
      expect(await ids(ctx.store, now, 'deliverer-a')).toEqual(['ob-1']);
      const second = await ctx.second();
      expect(await ids(second, later(MINUTE), 'deliverer-b')).toEqual([]);
      expect(await ids(second, later(2 * MINUTE - 1), 'deliverer-b')).toEqual([]);
      const taken = await second.outbox.claimDue(later(2 * MINUTE), claimBy('deliverer-b'));
      expect(taken).toEqual([aQueuedItem({ claimedBy: 'deliverer-b', claimedUntil: later(4 * MINUTE).toISOString() })]);
      expect(await ids(ctx.store, later(3 * MINUTE), 'deliverer-a')).toEqual([]);
    });

    it('gives every item to exactly one of many deliverers claiming at once through two handles', async () => {
      for (let i = 0; i < 24; i++) await ctx.store.outbox.enqueue(aNotification({ id: `ob-${i}`, createdAt: new Date(Date.UTC(2026, 10, 24, 0, 0, i)).toISOString() }));
      const { won, lost } = outcomes(await ctx.race(6, (store, i) => ids(store, now, `deliverer-${i}`, { limit: 5 })));
      expect(lost).toEqual([]);
      const claimed = won.flat();
      expect(claimed).toHaveLength(24);
      expect(new Set(claimed).size).toBe(24);
      expect(await ids(ctx.store, now, 'deliverer-late', { limit: 50 })).toEqual([]);
      expect(await ctx.store.outbox.depth()).toBe(24);
    });

    it('removes a delivered item: never handed out again, not counted', async () => {
      await ctx.store.outbox.enqueue(aNotification({ id: 'ob-1' }));
      await ctx.store.outbox.enqueue(aNotification({ id: 'ob-2' }));
      expect(await ctx.store.outbox.depth()).toBe(2);
      await ctx.store.outbox.claimDue(now, claimBy('deliverer-a'));
      await ctx.store.outbox.markDelivered('ob-1', 'deliverer-a', now);
      expect(await ctx.store.outbox.depth()).toBe(1);
      expect(await ids(await ctx.second(), later(60 * MINUTE), 'deliverer-b')).toEqual(['ob-2']);
    });

    it('retries a failed item when due, counting attempts, released at once for any deliverer', async () => {
      await ctx.store.outbox.enqueue(aNotification());
      await ctx.store.outbox.claimDue(now, claimBy('deliverer-a', { leaseMs: 60 * MINUTE }));
      await ctx.store.outbox.markFailed('ob-1', 'deliverer-a', 'slack: ratelimited', later(MINUTE));
      expect(await ctx.store.outbox.depth()).toBe(1);
      expect(await ids(ctx.store, later(MINUTE - 1), 'deliverer-b')).toEqual([]);
      const [retry] = await ctx.store.outbox.claimDue(later(MINUTE), claimBy('deliverer-b'));
      expect(retry).toEqual(aQueuedItem({ attempts: 1, lastError: 'slack: ratelimited', nextAttemptAt: later(MINUTE).toISOString(), claimedBy: 'deliverer-b', claimedUntil: later(3 * MINUTE).toISOString() }));
      await ctx.store.outbox.markFailed('ob-1', 'deliverer-b', 'again', later(2 * MINUTE));
      expect((await ctx.store.outbox.claimDue(later(2 * MINUTE), claimBy('deliverer-a')))[0]).toMatchObject({ attempts: 2, lastError: 'again' });
    });

    it('ignores the failure of a deliverer whose claim lapsed and was taken by another', async () => {
      await ctx.store.outbox.enqueue(aNotification());
      await ctx.store.outbox.claimDue(now, claimBy('deliverer-a'));
      await ctx.store.outbox.claimDue(later(3 * MINUTE), claimBy('deliverer-b'));
      await ctx.store.outbox.markFailed('ob-1', 'deliverer-a', 'timed out', later(3 * MINUTE));
      expect(await ids(ctx.store, later(4 * MINUTE), 'deliverer-c')).toEqual([]);
      expect(await ids(ctx.store, later(5 * MINUTE), 'deliverer-c')).toEqual(['ob-1']);
      expect((await ctx.store.outbox.claimDue(later(8 * MINUTE), claimBy('deliverer-d')))[0]).toMatchObject({ attempts: 0, lastError: null });
    });

    it('coalesces: a keyed item replaces the reply of the undelivered one with its key, keeping its place', async () => {
      await ctx.store.outbox.enqueue(aNotification({ id: 'first', createdAt: '2026-11-24T00:00:30.000Z' }));
      await ctx.store.outbox.enqueue(aNotification({ id: 'p1', key: 'progress:bk-1', reply: aReply('10%') }));
      await ctx.store.outbox.enqueue(aNotification({ id: 'p2', key: 'progress:bk-1', reply: aReply('50%'), createdAt: '2026-11-24T00:05:00.000Z' }));
      await ctx.store.outbox.enqueue(aNotification({ id: 'p3', key: 'progress:bk-1', reply: aReply('90%'), createdAt: '2026-11-24T00:06:00.000Z' }));
      expect(await ctx.store.outbox.depth()).toBe(2);
      const due = await ctx.store.outbox.claimDue(now, claimBy('deliverer-a'));
      expect(due.map((o) => [o.id, o.key, o.reply.text])).toEqual([
        ['p3', 'progress:bk-1', '90%'],
        ['first', null, 'hello'],
      ]);
    });

    it('coalesces keyed items queued at once through two handles into one', async () => {
      const { lost } = outcomes(await ctx.race(10, (store, i) => store.outbox.enqueue(aNotification({ id: `p${i}`, key: 'progress:bk-1', reply: aReply(`${i * 10}%`) }))));
      expect(lost).toEqual([]);
      expect(await ctx.store.outbox.depth()).toBe(1);
      const [item] = await ctx.store.outbox.claimDue(now, claimBy('deliverer-a'));
      expect(item?.reply.text).toBe(`${Number(item?.id.slice(1)) * 10}%`);
    });

    it('never marks a newer reply delivered when the older one of its key was being delivered', async () => {
      await ctx.store.outbox.enqueue(aNotification({ id: 'p1', key: 'progress:bk-1', reply: aReply('10%') }));
      const [inFlight] = await ctx.store.outbox.claimDue(now, claimBy('deliverer-a'));
      await ctx.store.outbox.enqueue(aNotification({ id: 'p2', key: 'progress:bk-1', reply: aReply('50%') }));
      await ctx.store.outbox.markDelivered(inFlight?.id ?? 'p1', 'deliverer-a', now);
      expect(await ctx.store.outbox.depth()).toBe(1);
      const [next] = await ctx.store.outbox.claimDue(later(2 * MINUTE), claimBy('deliverer-a'));
      expect([next?.id, next?.reply.text]).toEqual(['p2', '50%']);
    });

    it('adds a new item once the keyed one was delivered', async () => {
      await ctx.store.outbox.enqueue(aNotification({ id: 'p1', key: 'progress:bk-1', reply: aReply('10%') }));
      await ctx.store.outbox.claimDue(now, claimBy('deliverer-a'));
      await ctx.store.outbox.markDelivered('p1', 'deliverer-a', now);
      await ctx.store.outbox.enqueue(aNotification({ id: 'p2', key: 'progress:bk-1', reply: aReply('50%'), createdAt: now.toISOString() }));
      expect((await ctx.store.outbox.claimDue(now, claimBy('deliverer-a'))).map((o) => [o.id, o.reply.text, o.attempts])).toEqual([['p2', '50%', 0]]);
    });

    it('never coalesces unkeyed items, nor one key across channels', async () => {
      await ctx.store.outbox.enqueue(aNotification({ id: 'a' }));
      await ctx.store.outbox.enqueue(aNotification({ id: 'b' }));
      await ctx.store.outbox.enqueue(aNotification({ id: 'k-slack', key: 'progress:bk-1' }));
      await ctx.store.outbox.enqueue(aNotification({ id: 'k-ding', key: 'progress:bk-1', channel: { platform: 'dingtalk', channelId: 'cid1' } }));
      expect(await ctx.store.outbox.depth()).toBe(4);
      expect((await ids(ctx.store, now, 'deliverer-a')).sort()).toEqual(['a', 'b', 'k-ding', 'k-slack']);
    });

    it('refuses an item id twice', async () => {
      await ctx.store.outbox.enqueue(aNotification());
      await expect(ctx.store.outbox.enqueue(aNotification({ reply: aReply('other') }))).rejects.toBeInstanceOf(ConflictError);
      expect((await ctx.store.outbox.claimDue(now, claimBy('deliverer-a')))[0]?.reply.text).toBe('hello');
    });
  });

  describe('deliveries', () => {
    it('are empty until set, then the last messages set for the key, seen from both handles', async () => {
      expect(await ctx.store.outbox.getDelivery('progress:bk-1')).toEqual([]);
      const first = [{ platform: 'slack' as const, channelId: 'C1', messageId: '1700000000.000100' }];
      const second = [...first, { platform: 'dingtalk' as const, channelId: 'cid', messageId: 'm2' }];
      await ctx.store.outbox.setDelivery('progress:bk-1', first);
      await (await ctx.second()).outbox.setDelivery('progress:bk-1', second);
      expect(await ctx.store.outbox.getDelivery('progress:bk-1')).toEqual(second);
      expect(await ctx.store.outbox.getDelivery('progress:bk-2')).toEqual([]);
      expect(await ctx.store.outbox.getDelivery('__proto__')).toEqual([]);
    });
  });
}
