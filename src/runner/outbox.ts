// Delivers queued notifications with retries, so a chat outage loses none. A keyed message is
// posted once and edited afterwards (progress), on each channel it goes to.

import type { ChannelAddress } from '../domain/types';
import type { Clock, Logger, Notifier, OutboxItem, Store } from '../ports';

const MAX_BACKOFF_MS = 5 * 60_000;

export class OutboxDeliverer {
  private timer: NodeJS.Timeout | null = null;
  private busy: Promise<void> | null = null;
  private again = false;
  private readonly missing = new Set<string>();

  constructor(
    private readonly deps: { store: Store; clock: Clock; notifiers: Map<ChannelAddress['platform'], Notifier>; log: Logger },
  ) {}

  start(intervalMs = 1000): void {
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Delivers what is due now (coalescing concurrent calls). */
  kick(): void {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = this.deliverDue()
      .then(() => undefined)
      .catch((err: unknown) => this.deps.log.error({ err: err instanceof Error ? err.message : String(err) }, 'outbox delivery failed'))
      .finally(() => {
        this.busy = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves when nothing is being delivered (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.busy) await this.busy;
  }

  /** Delivers everything due now and waits for it (serialized with the timer's deliveries). */
  async drain(): Promise<void> {
    this.kick();
    await this.idle();
  }

  private async deliverDue(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const due = await this.deps.store.dueOutbox(this.deps.clock.now(), 50);
      if (due.length === 0) return delivered;
      for (const item of due) delivered += (await this.deliver(item)) ? 1 : 0;
      if (due.length < 50) return delivered;
    }
  }

  private async deliver(item: OutboxItem): Promise<boolean> {
    const { store, clock, notifiers, log } = this.deps;
    const notifier = notifiers.get(item.channel.platform);
    if (!notifier) {
      if (!this.missing.has(item.channel.platform)) {
        this.missing.add(item.channel.platform);
        log.warn({ platform: item.channel.platform }, 'no chat surface for this platform is running; its notifications are dropped');
      }
      await store.markDelivered(item.id, clock.now());
      return false;
    }
    try {
      if (item.key) {
        const previous = (await store.getDelivery(item.key))[0];
        const message = previous ? await notifier.update(previous, item.reply) : await notifier.post(item.channel, item.reply);
        await store.setDelivery(item.key, [message]);
      } else {
        await notifier.post(item.channel, item.reply);
      }
      await store.markDelivered(item.id, clock.now());
      return true;
    } catch (err) {
      const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(item.attempts, 10));
      const message = err instanceof Error ? err.message : String(err);
      log.warn({ platform: item.channel.platform, channel: item.channel.channelId, attempts: item.attempts + 1, err: message }, 'notification not delivered; will retry');
      await store.markFailed(item.id, message, new Date(clock.now().getTime() + backoff));
      return false;
    }
  }
}
