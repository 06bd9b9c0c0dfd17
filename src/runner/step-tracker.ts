// The items a controller works on one step at a time (backup sets, restores, deletions): when
// each is due for its next step, the step under way, and the runner asked for a reconcile when a
// step ends. The controller decides what a step is and how long to wait after it.

/** One item followed: its current pause and when its next step is due (performance.now()). */
export interface Tracked {
  delayMs: number;
  dueAt: number;
  step: Promise<void> | null;
}

/**
 * The pause before the next look at a followed job: the shortest right after a change, growing
 * by half while nothing moves, the longest after a failed step.
 */
export function followPause(t: Tracked, outcome: 'changed' | 'unchanged' | 'failed', poll: { pollMinMs: number; pollMaxMs: number }): number {
  t.delayMs = outcome === 'changed' ? poll.pollMinMs : outcome === 'failed' ? poll.pollMaxMs : Math.min(poll.pollMaxMs, Math.round(t.delayMs * 1.5));
  return t.delayMs;
}

export class StepTracker {
  private readonly tracked = new Map<string, Tracked>();
  private stopping = false;

  /** `kick` asks the runner for a reconcile (after a step ended). */
  constructor(private readonly kick: () => void) {}

  /** Starts a reconcile pass: forgets the idle items no longer wanted. */
  keepOnly(wanted: Set<string>): void {
    this.stopping = false;
    for (const [id, t] of this.tracked) if (!wanted.has(id) && !t.step) this.tracked.delete(id);
  }

  get(id: string): Tracked | undefined {
    return this.tracked.get(id);
  }

  /** Starts following an item, due now. */
  add(id: string, delayMs: number, now: number): Tracked {
    const t: Tracked = { delayMs, dueAt: now, step: null };
    this.tracked.set(id, t);
    return t;
  }

  get size(): number {
    return this.tracked.size;
  }

  /** Items with a step under way. */
  get busy(): number {
    return [...this.tracked.values()].filter((t) => t.step !== null).length;
  }

  get ids(): string[] {
    return [...this.tracked.keys()];
  }

  /** True when the item is idle and due. */
  isDue(t: Tracked, now: number): boolean {
    return !t.step && t.dueAt <= now;
  }

  /**
   * Runs one step. `work` resolves to the pause before the next step, or null when the item is
   * done (it is forgotten); it handles its own errors.
   */
  launch(id: string, t: Tracked, work: (t: Tracked) => Promise<number | null>): void {
    t.step = work(t)
      .then((waitMs) => {
        if (waitMs === null) this.tracked.delete(id);
        else t.dueAt = performance.now() + waitMs;
      })
      // `work` handles its errors; should one escape, the item is looked at again after its pause.
      .catch(() => {
        t.dueAt = performance.now() + t.delayMs;
      })
      .finally(() => {
        t.step = null;
        if (!this.stopping) this.kick();
      });
  }

  /** The reconcile result: look again when the first idle item is due. */
  nextLook(now: number): { requeueAfterMs?: number } {
    const waits = [...this.tracked.values()].filter((t) => !t.step).map((t) => t.dueAt - now);
    return waits.length ? { requeueAfterMs: Math.max(0, Math.min(...waits)) } : {};
  }

  async settled(): Promise<void> {
    for (;;) {
      const steps = [...this.tracked.values()].map((t) => t.step).filter((s): s is Promise<void> => s !== null);
      if (steps.length === 0) return;
      await Promise.allSettled(steps);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.settled();
    this.tracked.clear();
  }
}
