// Delivers queued notifications with retries and back-off, so a chat outage loses none. Items
// are claimed for a while before they are sent, so that two deliverers never send the same one;
// a keyed message is posted once and edited afterwards (progress), on each channel it goes to.

import type { ChannelAddress } from '../../domain/types';
import type { Clock, Logger, Notifier, OutboxItem, Store } from '../../ports';
import type { Controller, ReconcileContext, ReconcileResult } from '../controller';

const MAX_BACKOFF_MS = 5 * 60_000;
/**
 * A notification still undeliverable this long after it was queued is given up (logged as an
 * error): a channel that refuses for a week is misconfigured, not down, and its queue must not
 * grow in the store forever.
 */
export const GIVE_UP_AFTER_MS = 7 * 24 * 60 * 60_000;
const BATCH = 50;
/** A claim outlives any one delivery (Slack's client gives up well before). */
const CLAIM_MS = 2 * 60_000;

export class OutboxController implements Controller {
  readonly name = 'outbox';
  readonly intervalMs: number;
  private readonly missing = new Set<string>();

  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      notifiers: Map<ChannelAddress['platform'], Notifier>;
      log: Logger;
      intervalMs?: number;
      onChatError?: (platform: ChannelAddress['platform']) => void;
    },
  ) {
    this.intervalMs = deps.intervalMs ?? 1000;
  }

  async reconcile(ctx: ReconcileContext): Promise<ReconcileResult> {
    const claimant = `${ctx.lease.holder}#${ctx.lease.epoch}`;
    for (;;) {
      const due = await this.deps.store.outbox.claimDue(this.deps.clock.now(), { claimant, leaseMs: CLAIM_MS, limit: BATCH });
      // In order within a channel; channels side by side, so one channel waiting for its
      // platform's rate budget (or timing out) does not hold the others' announcements back.
      await Promise.all([...byChannel(due).values()].map(async (items) => {
        for (const item of items) await this.deliver(item, claimant);
      }));
      if (due.length < BATCH) return {};
    }
  }

  private async deliver(item: OutboxItem, claimant: string): Promise<void> {
    const { store, clock, notifiers, log } = this.deps;
    const notifier = notifiers.get(item.channel.platform);
    if (!notifier) {
      if (!this.missing.has(item.channel.platform)) {
        this.missing.add(item.channel.platform);
        log.warn({ platform: item.channel.platform }, 'no chat surface for this platform is running; its notifications are dropped');
      }
      await store.outbox.markDelivered(item.id, claimant, clock.now());
      return;
    }
    try {
      if (item.key) {
        const previous = (await store.outbox.getDelivery(item.key))[0];
        const message = previous ? await notifier.update(previous, item.reply) : await notifier.post(item.channel, item.reply);
        await store.outbox.setDelivery(item.key, [message]);
      } else {
        await notifier.post(item.channel, item.reply);
      }
      await store.outbox.markDelivered(item.id, claimant, clock.now());
    } catch (err) {
      const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(item.attempts, 10));
      const message = err instanceof Error ? err.message : String(err);
      log.warn({ event: 'chat.error', platform: item.channel.platform, channel: item.channel.channelId, attempts: item.attempts + 1, err: message }, 'notification not delivered; will retry');
      this.deps.onChatError?.(item.channel.platform);
      if (clock.now().getTime() - Date.parse(item.createdAt) >= GIVE_UP_AFTER_MS) {
        log.error(
          { event: 'chat.given_up', platform: item.channel.platform, channel: item.channel.channelId, attempts: item.attempts + 1, title: item.reply.title ?? null, err: message },
          'notification given up: still not delivered a week after it was queued',
        );
        await store.outbox.markDelivered(item.id, claimant, clock.now());
        return;
      }
      await store.outbox.markFailed(item.id, claimant, message, new Date(clock.now().getTime() + backoff));
    }
  }
}

function byChannel(items: OutboxItem[]): Map<string, OutboxItem[]> {
  const groups = new Map<string, OutboxItem[]>();
  for (const item of items) {
    const key = `${item.channel.platform}\u0000${item.channel.channelId}`;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
