// Ids of chat messages already handled, kept in the store so a message a platform delivers
// again after a restart is still known (DingTalk redelivers frames whose ACK was lost). One
// named value of the store holds them, bounded in count and age; writes are serialized.

import type { Store } from '../ports';

const VALUE_NAME = 'dingtalk.seenMessages';

export interface StoredSeenMessagesOptions {
  /** Most ids kept (the oldest go first). */
  maxEntries?: number;
  /** Ids older than this are forgotten. */
  maxAgeMs?: number;
  name?: string;
}

export interface StoredSeenMessages {
  firstTime(id: string, at: Date): Promise<boolean>;
}

export function storedSeenMessages(store: Store, opts: StoredSeenMessagesOptions = {}): StoredSeenMessages {
  const maxEntries = opts.maxEntries ?? 1000;
  const maxAgeMs = opts.maxAgeMs ?? 6 * 3600_000;
  const name = opts.name ?? VALUE_NAME;
  let seen: Map<string, number> | null = null;
  let chain: Promise<unknown> = Promise.resolve();

  async function load(): Promise<Map<string, number>> {
    if (seen !== null) return seen;
    const raw = await store.getValue(name);
    const map = new Map<string, number>();
    if (raw !== null) {
      try {
        const parsed: unknown = JSON.parse(raw);
        if (Array.isArray(parsed)) {
          for (const entry of parsed) {
            if (Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'number') map.set(entry[0], entry[1]);
          }
        }
      } catch {
        // A damaged value only costs the memory of old ids.
      }
    }
    seen = map;
    return map;
  }

  async function check(id: string, at: number): Promise<boolean> {
    const map = await load();
    for (const [key, t] of map) if (at - t > maxAgeMs) map.delete(key);
    if (map.has(id)) return false;
    map.set(id, at);
    while (map.size > maxEntries) {
      const oldest = map.keys().next();
      if (oldest.done === true) break;
      map.delete(oldest.value);
    }
    try {
      await store.setValue(name, JSON.stringify([...map]));
    } catch (err) {
      map.delete(id); // not recorded: let a redelivery run it
      throw err;
    }
    return true;
  }

  return {
    firstTime(id, at) {
      const result = chain.then(() => check(id, at.getTime()));
      chain = result.catch(() => undefined);
      return result;
    },
  };
}
