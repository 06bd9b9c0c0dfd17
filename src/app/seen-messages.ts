// Ids of chat messages already handled, kept in the store so a message a platform delivers
// again after a restart is still known (DingTalk redelivers frames whose ACK was lost). The
// store remembers each id for a while, atomically (two checks of one id: exactly one is first).

import type { Store } from '../ports';

export interface StoredSeenMessages {
  firstTime(id: string, at: Date): Promise<boolean>;
}

/** DingTalk redelivers within about a minute; six hours covers a restart with room to spare. */
const KEPT_MS = 6 * 3600_000;

export function storedSeenMessages(store: Store, scope = 'dingtalk.message', keptMs = KEPT_MS): StoredSeenMessages {
  return { firstTime: (id, at) => store.runnerState.firstSeen(scope, id, at, keptMs) };
}
