// Announcements go to an instance's channels through the outbox, so a chat outage loses none.
// A message key makes later announcements edit the same message (progress) instead of adding.
// Given a transaction, the announcement lands with the change of state that causes it.

import { randomUUID } from 'node:crypto';
import type { Reply } from '../reply';
import type { ChannelAddress } from '../domain/types';
import type { Clock, Store, StoreRecords } from '../ports';
import type { InstanceDirectory } from './instances';

export class Announcer {
  /** Called after something was queued, so the deliverer can run at once. */
  onQueued: () => void = () => {};

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly instances: InstanceDirectory,
  ) {}

  channelsOf(instanceId: string): ChannelAddress[] {
    const instance = this.instances.find(instanceId);
    if (!instance) return [];
    const out: ChannelAddress[] = [];
    for (const id of instance.channels.slack) out.push({ platform: 'slack', channelId: id });
    for (const id of instance.channels.dingtalk) out.push({ platform: 'dingtalk', channelId: id });
    if (instance.channels.terminal) out.push({ platform: 'terminal', channelId: 'terminal' });
    return out;
  }

  /** Posts to every channel of the instance. With a key, later calls edit that message. */
  async announce(instanceId: string, reply: Reply, key: string | null = null, tx?: StoreRecords): Promise<void> {
    for (const channel of this.channelsOf(instanceId)) {
      await this.send(channel, { ...reply, visibility: 'channel' }, key, tx);
    }
  }

  async send(channel: ChannelAddress, reply: Reply, key: string | null = null, tx?: StoreRecords): Promise<void> {
    const now = this.clock.now().toISOString();
    await (tx ?? this.store).outbox.enqueue({
      id: randomUUID(),
      key: key === null ? null : `${key}@${channel.platform}:${channel.channelId}`,
      channel,
      reply,
      createdAt: now,
    });
    // In a transaction the item is visible once it commits; the deliverer's interval covers the gap.
    if (tx) setImmediate(() => this.onQueued());
    else this.onQueued();
  }
}
