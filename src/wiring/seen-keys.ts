// Keys seen before, kept in the store so a restart does not forget them: the Slack requests
// already handled (a signed request replayed within Slack's 5-minute window after a restart
// must not run twice) and the confirm buttons already used. Bounded in age (each key is
// forgotten after its time) and in count (the oldest go first); keys are hashed, so a long key
// costs the store no more than a short one. Built on Store.getValue / setValue, one named value.

import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Store } from '../ports';

export interface SeenKeysOptions {
  /** The store value that holds the keys, e.g. `slack.seen-requests`. */
  name: string;
  /** How long a key is remembered when the caller does not say. */
  keepMs: number;
  maxEntries: number;
  /** Told when the stored value could not be read and was started afresh. */
  onUnreadable?: (problem: string) => void;
}

const storedEntries = z.array(z.tuple([z.string(), z.number()]));

export class SeenKeys {
  /** Hashed key → when it may be forgotten (epoch ms), oldest first. Loaded on first use. */
  private entries: Map<string, number> | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Pick<Store, 'getValue' | 'setValue'>,
    private readonly opts: SeenKeysOptions,
  ) {}

  /** True the first time `key` is seen (it is remembered, durably, before this returns). */
  firstTime(key: string, at: Date, keepUntil?: Date): Promise<boolean> {
    return this.serially(async () => {
      const entries = await this.load();
      const now = at.getTime();
      for (const [k, until] of entries) if (until <= now) entries.delete(k);
      const hashed = digest(key);
      if (entries.has(hashed)) return false;
      entries.set(hashed, keepUntil?.getTime() ?? now + this.opts.keepMs);
      while (entries.size > this.opts.maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done === true) break;
        entries.delete(oldest.value);
      }
      try {
        await this.save(entries);
      } catch (err) {
        entries.delete(hashed);
        throw err;
      }
      return true;
    });
  }

  /** Forgets a key (an action that failed may be tried again with the same button). */
  forget(key: string): Promise<void> {
    return this.serially(async () => {
      const entries = await this.load();
      if (entries.delete(digest(key))) await this.save(entries);
    });
  }

  get size(): number {
    return this.entries?.size ?? 0;
  }

  private async load(): Promise<Map<string, number>> {
    if (this.entries !== null) return this.entries;
    const raw = await this.store.getValue(this.opts.name);
    let parsed: [string, number][] = [];
    if (raw !== null) {
      try {
        const result = storedEntries.safeParse(JSON.parse(raw));
        if (result.success) parsed = result.data;
        else this.opts.onUnreadable?.(`${this.opts.name}: not a list of [key, time] pairs`);
      } catch {
        this.opts.onUnreadable?.(`${this.opts.name}: not JSON`);
      }
    }
    this.entries = new Map(parsed);
    return this.entries;
  }

  private save(entries: Map<string, number>): Promise<void> {
    return this.store.setValue(this.opts.name, JSON.stringify([...entries]));
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

function digest(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 24);
}
