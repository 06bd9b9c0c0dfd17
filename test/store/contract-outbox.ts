// The outbox and delivery part of the Store contract (see contract.ts).

import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/domain/errors';
import type { Store } from '../../src/ports';
import { aReply, anOutboxItem } from './builders';

const now = new Date('2026-11-24T00:10:00Z');

export function defineOutboxContract(use: () => { store: Store }): void {
  describe('outbox', () => {
    it('hands out due items oldest first, up to the limit', async () => {
      const { store } = use();
      await store.enqueue(anOutboxItem({ id: 'ob-2', createdAt: '2026-11-24T00:02:00.000Z' }));
      await store.enqueue(anOutboxItem({ id: 'ob-1', createdAt: '2026-11-24T00:01:00.000Z' }));
      await store.enqueue(anOutboxItem({ id: 'ob-3', createdAt: '2026-11-24T00:03:00.000Z' }));
      expect((await store.dueOutbox(now, 10)).map((o) => o.id)).toEqual(['ob-1', 'ob-2', 'ob-3']);
      expect((await store.dueOutbox(now, 2)).map((o) => o.id)).toEqual(['ob-1', 'ob-2']);
    });

    it('holds back items not yet due', async () => {
      const { store } = use();
      await store.enqueue(anOutboxItem({ id: 'later', nextAttemptAt: '2026-11-24T00:20:00.000Z' }));
      expect(await store.dueOutbox(now, 10)).toEqual([]);
      expect(await store.dueOutbox(new Date('2026-11-24T00:20:00Z'), 10)).toHaveLength(1);
    });

    it('stops handing out an item once delivered', async () => {
      const { store } = use();
      await store.enqueue(anOutboxItem());
      await store.markDelivered('ob-1', now);
      expect(await store.dueOutbox(now, 10)).toEqual([]);
    });

    it('retries a failed item later, counting attempts', async () => {
      const { store } = use();
      await store.enqueue(anOutboxItem());
      await store.markFailed('ob-1', 'slack: ratelimited', new Date('2026-11-24T00:11:00Z'));
      expect(await store.dueOutbox(now, 10)).toEqual([]);
      const [item] = await store.dueOutbox(new Date('2026-11-24T00:11:00Z'), 10);
      expect(item).toMatchObject({ id: 'ob-1', attempts: 1, lastError: 'slack: ratelimited', nextAttemptAt: '2026-11-24T00:11:00.000Z' });
      await store.markFailed('ob-1', 'again', new Date('2026-11-24T00:12:00Z'));
      expect((await store.dueOutbox(new Date('2026-11-24T00:12:00Z'), 10))[0]?.attempts).toBe(2);
    });

    it('coalesces: a keyed item replaces the reply of the undelivered one with its key', async () => {
      const { store } = use();
      await store.enqueue(anOutboxItem({ id: 'p1', key: 'progress:bk-1', reply: aReply('10%') }));
      await store.enqueue(anOutboxItem({ id: 'p2', key: 'progress:bk-1', reply: aReply('50%'), createdAt: '2026-11-24T00:05:00.000Z' }));
      await store.enqueue(anOutboxItem({ id: 'p3', key: 'progress:bk-1', reply: aReply('90%'), createdAt: '2026-11-24T00:06:00.000Z' }));
      const due = await store.dueOutbox(now, 10);
      expect(due).toHaveLength(1);
      expect(due[0]).toMatchObject({ id: 'p3', reply: { text: '90%' } });
    });

    it('never marks a newer reply delivered when the older one of its key was being delivered', async () => {
      const { store } = use();
      await store.enqueue(anOutboxItem({ id: 'p1', key: 'progress:bk-1', reply: aReply('10%') }));
      const [inFlight] = await store.dueOutbox(now, 10);
      await store.enqueue(anOutboxItem({ id: 'p2', key: 'progress:bk-1', reply: aReply('50%') }));
      await store.markDelivered(inFlight?.id ?? '', now);
      expect((await store.dueOutbox(now, 10)).map((o) => [o.id, o.reply.text])).toEqual([['p2', '50%']]);
    });

    it('adds a new item once the keyed one was delivered', async () => {
      const { store } = use();
      await store.enqueue(anOutboxItem({ id: 'p1', key: 'progress:bk-1', reply: aReply('10%') }));
      await store.markDelivered('p1', now);
      await store.enqueue(anOutboxItem({ id: 'p2', key: 'progress:bk-1', reply: aReply('50%') }));
      expect((await store.dueOutbox(now, 10)).map((o) => [o.id, o.reply.text])).toEqual([['p2', '50%']]);
    });

    it('never coalesces unkeyed items, nor one key across channels', async () => {
      const { store } = use();
      await store.enqueue(anOutboxItem({ id: 'a' }));
      await store.enqueue(anOutboxItem({ id: 'b' }));
      await store.enqueue(anOutboxItem({ id: 'k-slack', key: 'progress:bk-1' }));
      await store.enqueue(anOutboxItem({ id: 'k-ding', key: 'progress:bk-1', channel: { platform: 'dingtalk', channelId: 'cid1' } }));
      expect((await store.dueOutbox(now, 10)).map((o) => o.id).sort()).toEqual(['a', 'b', 'k-ding', 'k-slack']);
    });

    it('refuses an item id twice', async () => {
      const { store } = use();
      await store.enqueue(anOutboxItem());
      await expect(store.enqueue(anOutboxItem())).rejects.toBeInstanceOf(ConflictError);
    });
  });

  describe('deliveries', () => {
    it('are empty until set, then the last messages set for the key', async () => {
      const { store } = use();
      expect(await store.getDelivery('progress:bk-1')).toEqual([]);
      const first = [{ platform: 'slack' as const, channelId: 'C1', messageId: 'm1' }];
      const second = [...first, { platform: 'dingtalk' as const, channelId: 'cid', messageId: 'm2' }];
      await store.setDelivery('progress:bk-1', first);
      await store.setDelivery('progress:bk-1', second);
      expect(await store.getDelivery('progress:bk-1')).toEqual(second);
      expect(await store.getDelivery('progress:bk-2')).toEqual([]);
    });
  });
}
