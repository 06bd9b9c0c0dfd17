// One channel whose platform holds its sends (DingTalk's per-group budget, a slow API) does not
// hold the other channels' announcements back; within a channel, order is kept.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLowdbStore } from '../../adapters/store/lowdb';
import type { ChannelAddress } from '../../src/domain/types';
import type { DeliveredMessage, Notifier, Store } from '../../src/ports';
import type { Reply } from '../../src/reply';
import { OutboxController } from '../../src/runner/controllers/outbox';
import { aNotification, aReply } from '../store/builders';
import { ManualClock } from '../support/clock';
import { memoryLogger } from '../support/logger';

describe('the outbox, across channels', () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'outbox-channels-'));
    store = await openLowdbStore(dir);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers to other channels while one waits, and keeps the order within each channel', async () => {
    const clock = new ManualClock(new Date('2026-11-24T00:00:00.000Z'));
    const posted: string[] = [];
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const notifier = (platform: ChannelAddress['platform']): Notifier => ({
      platform,
      async post(channel: ChannelAddress, reply: Reply): Promise<DeliveredMessage> {
        if (channel.channelId === 'cidBusy') await held;
        posted.push(`${channel.channelId}:${reply.text}`);
        return { platform, channelId: channel.channelId, messageId: String(posted.length) };
      },
      update: async (message) => message,
    });
    const notifiers = new Map<ChannelAddress['platform'], Notifier>([
      ['slack', notifier('slack')],
      ['dingtalk', notifier('dingtalk')],
    ]);
    const at = (n: number) => new Date(clock.now().getTime() - 10 + n).toISOString();
    await store.outbox.enqueue(aNotification({ id: 'ob-1', channel: { platform: 'dingtalk', channelId: 'cidBusy' }, reply: aReply('busy 1'), createdAt: at(1) }));
    await store.outbox.enqueue(aNotification({ id: 'ob-2', channel: { platform: 'dingtalk', channelId: 'cidBusy' }, reply: aReply('busy 2'), createdAt: at(2) }));
    await store.outbox.enqueue(aNotification({ id: 'ob-3', channel: { platform: 'slack', channelId: 'C0OPS' }, reply: aReply('slack 1'), createdAt: at(3) }));
    await store.outbox.enqueue(aNotification({ id: 'ob-4', channel: { platform: 'slack', channelId: 'C0OPS' }, reply: aReply('slack 2'), createdAt: at(4) }));

    const controller = new OutboxController({ store, clock, notifiers, log: memoryLogger() });
    const pass = controller.reconcile({ lease: { holder: 'test', epoch: 1, acquiredAt: clock.now(), expiresAt: null } });
    // Slack's two are delivered while DingTalk's group is still held.
    await expect.poll(() => posted).toEqual(['C0OPS:slack 1', 'C0OPS:slack 2']);
    release();
    await pass;
    expect(posted).toEqual(['C0OPS:slack 1', 'C0OPS:slack 2', 'cidBusy:busy 1', 'cidBusy:busy 2']);
    expect(await store.outbox.depth()).toBe(0);
  });
});
