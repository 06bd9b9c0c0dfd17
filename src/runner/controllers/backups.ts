// Follows every RUNNING backup set to its end, one step at a time (src/services/backup/run.ts):
// sets a previous process left running are simply RUNNING sets, so resuming after a restart or
// a change of leader is the same work as following a new one. At most `concurrency` sets are
// worked on at once; each set is looked at again soon after a change, less often while nothing
// moves. A slow cluster delays only its own set.

import type { Logger, Store } from '../../ports';
import type { BackupRuns } from '../../services/backup/run';
import type { Controller, ReconcileResult } from '../controller';

export interface BackupControllerDeps {
  store: Store;
  runs: BackupRuns;
  log: Logger;
  /** At most this many sets are worked on at once. */
  concurrency: number;
  /** First and longest pause between two looks at a set. */
  pollMinMs: number;
  pollMaxMs: number;
  /** Asks the runner for a reconcile (after a step ended). */
  kick: () => void;
  onError?: (err: unknown) => void;
}

interface Tracked {
  delayMs: number;
  /** performance.now() when the set is due for its next step. */
  dueAt: number;
  step: Promise<void> | null;
}

export class BackupController implements Controller {
  readonly name = 'backups';
  readonly intervalMs: number;
  private readonly tracked = new Map<string, Tracked>();
  private stopping = false;

  constructor(private readonly deps: BackupControllerDeps) {
    this.intervalMs = deps.pollMaxMs;
  }

  async reconcile(): Promise<ReconcileResult> {
    this.stopping = false;
    const running = (await this.deps.store.backupSets.list({ states: ['RUNNING'] })).reverse(); // oldest first
    const ids = new Set(running.map((s) => s.id));
    for (const [id, t] of this.tracked) if (!ids.has(id) && !t.step) this.tracked.delete(id);
    const now = performance.now();
    for (const set of running) {
      let t = this.tracked.get(set.id);
      if (!t) {
        // A set with jobs already submitted is followed whatever the cap: its jobs run anyway.
        const underWay = set.databases.some((d) => d.state !== 'PENDING');
        if (!underWay && this.tracked.size >= this.deps.concurrency) continue;
        t = { delayMs: this.deps.pollMinMs, dueAt: now, step: null };
        this.tracked.set(set.id, t);
      }
      if (!t.step && t.dueAt <= now) this.launch(set.id, t);
    }
    const waits = [...this.tracked.values()].filter((t) => !t.step).map((t) => t.dueAt - now);
    return waits.length ? { requeueAfterMs: Math.max(0, Math.min(...waits)) } : {};
  }

  private launch(id: string, t: Tracked): void {
    t.step = this.deps.runs
      .step(id)
      .then((outcome) => {
        if (outcome === 'ended') {
          this.tracked.delete(id);
          return;
        }
        t.delayMs = outcome === 'changed' ? this.deps.pollMinMs : Math.min(this.deps.pollMaxMs, Math.round(t.delayMs * 1.5));
        t.dueAt = performance.now() + t.delayMs;
      })
      .catch((err: unknown) => {
        this.deps.log.error({ event: 'backup.step_failed', setId: id, err: err instanceof Error ? err.message : String(err) }, 'a backup step failed; will look again');
        this.deps.onError?.(err);
        t.delayMs = this.deps.pollMaxMs;
        t.dueAt = performance.now() + t.delayMs;
      })
      .finally(() => {
        t.step = null;
        if (!this.stopping) this.deps.kick();
      });
  }

  /** Ids of the sets being followed now. */
  get following(): string[] {
    return [...this.tracked.keys()];
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
