// Slack re-delivers a request it thinks went unanswered (X-Slack-Retry-Num). A delivery is
// known by its trigger_id (and a click also by action_ts + user): the first one runs, every
// later one is acked and dropped. A bounded map with a time to live; the oldest entries go
// first when it is full.

export interface DeliveryLogOptions {
  /** How long a delivery is remembered. Slack retries within minutes. */
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

export class DeliveryLog<T = true> {
  private readonly seen = new Map<string, { at: number; value: T }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(opts: DeliveryLogOptions = {}) {
    this.ttlMs = opts.ttlMs ?? 10 * 60_000;
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  /** The value remembered for a delivery that was seen before, else undefined. */
  get(key: string): T | undefined {
    const hit = this.seen.get(key);
    if (hit === undefined) return undefined;
    if (this.now() - hit.at > this.ttlMs) {
      this.seen.delete(key);
      return undefined;
    }
    return hit.value;
  }

  /**
   * Remembers the delivery and says whether it is the first of its kind. For several keys
   * (trigger_id and action_ts + user) any one seen before makes it a repeat.
   */
  first(keys: (string | null | undefined)[], value: T): boolean {
    const present = keys.filter((k): k is string => typeof k === 'string' && k !== '');
    if (present.some((k) => this.get(k) !== undefined)) return false;
    for (const k of present) this.remember(k, value);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private remember(key: string, value: T): void {
    this.seen.delete(key);
    this.seen.set(key, { at: this.now(), value });
    while (this.seen.size > this.maxEntries) {
      const oldest = this.seen.keys().next();
      if (oldest.done === true) break;
      this.seen.delete(oldest.value);
    }
  }
}

/**
 * The requests handled before, kept where a restart does not lose them (the bot wires one on
 * its store). A signed request replayed within Slack's 5-minute window, also after a restart,
 * is dropped. `firstTime` remembers the key before it answers true.
 */
export interface SeenRequests {
  firstTime(key: string, at: Date): Promise<boolean>;
}

/** SeenRequests in memory only (tests, or a surface started without a store). */
export class MemorySeenRequests implements SeenRequests {
  private readonly log: DeliveryLog;

  constructor(opts: DeliveryLogOptions = {}) {
    this.log = new DeliveryLog(opts);
  }

  async firstTime(key: string): Promise<boolean> {
    return this.log.first([key], true);
  }
}
