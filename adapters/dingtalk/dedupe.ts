// DingTalk may deliver a frame again (an ACK lost with a dropped socket, a redelivery after a
// restart). Each robot message and card click runs once: its ids are remembered in a
// `SeenMessages` that the bot keeps in its store, so a redelivery after a restart is known too.

export interface SeenMessages {
  /** Remembers the id; true the first time it is seen, false for a repeat. */
  firstTime(id: string, at: Date): Promise<boolean>;
}

/** Ids in memory, bounded in count and age: tests, and the fast path in front of the store. */
export class MemorySeenMessages implements SeenMessages {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly max = 5000,
    private readonly maxAgeMs = 24 * 3600_000,
  ) {}

  async firstTime(id: string, at: Date): Promise<boolean> {
    return this.firstTimeSync(id, at.getTime());
  }

  firstTimeSync(id: string, at: number): boolean {
    const before = this.seen.get(id);
    if (before !== undefined && at - before <= this.maxAgeMs) return false;
    this.seen.delete(id);
    this.seen.set(id, at);
    while (this.seen.size > this.max) {
      const oldest = this.seen.keys().next();
      if (oldest.done === true) break;
      this.seen.delete(oldest.value);
    }
    return true;
  }
}
