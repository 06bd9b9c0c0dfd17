// Edits of one chat message, spaced at least `intervalMs` apart (chat APIs rate-limit edits):
// an edit that comes sooner waits, and of several waiting edits only the latest content is
// sent; every caller's promise settles with that send. Shared by the Slack and DingTalk
// notifiers, which differ only in how one edit is made.

import type { Reply } from '../../src/reply';
import type { DeliveredMessage } from '../../src/ports';

interface Waiter {
  resolve: (m: DeliveredMessage) => void;
  reject: (e: unknown) => void;
}

interface EditSlot {
  message: DeliveredMessage;
  lastEditAt: number;
  draining: boolean;
  pending: { reply: Reply; waiters: Waiter[] } | null;
}

export interface EditThrottleOptions {
  intervalMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Makes one edit; returns where the message is now (a platform may have to post anew). */
  edit: (message: DeliveredMessage, reply: Reply) => Promise<DeliveredMessage>;
}

/** Idle slots are forgotten once this many are kept. */
const KEPT_SLOTS = 256;

export class EditThrottle {
  private readonly slots = new Map<string, EditSlot>();

  constructor(private readonly opts: EditThrottleOptions) {}

  update(message: DeliveredMessage, reply: Reply): Promise<DeliveredMessage> {
    const key = `${message.channelId}/${message.messageId}`;
    let slot = this.slots.get(key);
    if (slot === undefined) {
      this.prune();
      slot = { message, lastEditAt: Number.NEGATIVE_INFINITY, draining: false, pending: null };
      this.slots.set(key, slot);
    }
    const target = slot;
    return new Promise<DeliveredMessage>((resolve, reject) => {
      if (target.pending === null) target.pending = { reply, waiters: [{ resolve, reject }] };
      else {
        target.pending.reply = reply; // the latest content wins
        target.pending.waiters.push({ resolve, reject });
      }
      if (!target.draining) void this.drain(target);
    });
  }

  /** Sends the waiting edit of one message, spaced from the previous one, until none waits. */
  private async drain(slot: EditSlot): Promise<void> {
    slot.draining = true;
    try {
      while (slot.pending !== null) {
        const wait = slot.lastEditAt + this.opts.intervalMs - this.opts.now();
        if (wait > 0) await this.opts.sleep(wait);
        const batch = slot.pending;
        slot.pending = null;
        try {
          const delivered = await this.opts.edit(slot.message, batch.reply);
          slot.message = delivered;
          for (const w of batch.waiters) w.resolve(delivered);
        } catch (err) {
          for (const w of batch.waiters) w.reject(err);
        } finally {
          slot.lastEditAt = this.opts.now();
        }
      }
    } finally {
      slot.draining = false;
    }
  }

  private prune(): void {
    if (this.slots.size < KEPT_SLOTS) return;
    const now = this.opts.now();
    for (const [key, slot] of this.slots) {
      if (!slot.draining && slot.pending === null && now - slot.lastEditAt > this.opts.intervalMs) this.slots.delete(key);
    }
  }
}
