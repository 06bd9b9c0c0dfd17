// Keys seen before, kept in the store so a restart does not forget them: the chat requests
// already handled (a signed request replayed within Slack's 5-minute window after a restart must
// not run twice) and the confirm buttons already used. Each key is remembered for a while,
// atomically (two checks of one key: exactly one is first); keys are hashed, so a long key costs
// the store no more than a short one.

import { createHash } from 'node:crypto';
import type { Store } from '../ports';

export interface StoredSeenKeys {
  /** True the first time `key` is seen (it is remembered, durably, before this returns). */
  firstTime(key: string, at: Date, keepUntil?: Date): Promise<boolean>;
  /** Forgets a key (an action that failed may be tried again with the same button). */
  forget(key: string): Promise<void>;
}

function digest(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 24);
}

export function storedSeenKeys(store: Pick<Store, 'runnerState'>, scope: string, keepMs: number): StoredSeenKeys {
  return {
    firstTime(key, at, keepUntil) {
      const ttl = keepUntil ? Math.max(1, keepUntil.getTime() - at.getTime()) : keepMs;
      return store.runnerState.firstSeen(scope, digest(key), at, ttl);
    },
    forget: (key) => store.runnerState.forget(scope, digest(key)),
  };
}
