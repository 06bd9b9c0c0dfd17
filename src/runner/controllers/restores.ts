// Follows every approved and running restore to its end, one step at a time
// (src/services/restore/run.ts): restores a previous process left running are simply RUNNING
// requests, so resuming after a restart or a change of leader is the same work as following a new
// one, and a job already submitted is only looked at, never sent again. Each restore is looked at
// again soon after a change, less often while nothing moves.

import type { Logger, Store } from '../../ports';
import type { RestoreRuns } from '../../services/restore/run';
import type { Controller, ReconcileResult } from '../controller';

export interface RestoreControllerDeps {
  store: Store;
  runs: RestoreRuns;
  log: Logger;
  pollMinMs: number;
  pollMaxMs: number;
  /** Asks the runner for a reconcile (after a step ended). */
  kick: () => void;
  onError?: (err: unknown) => void;
}

interface Tracked {
  delayMs: number;
  /** performance.now() when the restore is due for its next step. */
  dueAt: number;
  step: Promise<void> | null;
}

export class RestoreController implements Controller {
  readonly name = 'restores';
  readonly intervalMs: number;
  private readonly tracked = new Map<string, Tracked>();
  private stopping = false;

  constructor(private readonly deps: RestoreControllerDeps) {
    this.intervalMs = deps.pollMaxMs;
  }

  async reconcile(): Promise<ReconcileResult> {
    this.stopping = false;
    const active = (await this.deps.store.restores.list({ states: ['APPROVED', 'RUNNING'] })).reverse(); // oldest first
    const ids = new Set(active.map((r) => r.id));
    for (const [id, t] of this.tracked) if (!ids.has(id) && !t.step) this.tracked.delete(id);
    const now = performance.now();
    for (const request of active) {
      let t = this.tracked.get(request.id);
      if (!t) {
        t = { delayMs: this.deps.pollMinMs, dueAt: now, step: null };
        this.tracked.set(request.id, t);
      }
      if (!t.step && t.dueAt <= now) this.launch(request.id, t);
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
        this.deps.log.error({ event: 'restore.step_failed', restoreId: id, err: err instanceof Error ? err.message : String(err) }, 'a restore step failed; will look again');
        this.deps.onError?.(err);
        t.delayMs = this.deps.pollMaxMs;
        t.dueAt = performance.now() + t.delayMs;
      })
      .finally(() => {
        t.step = null;
        if (!this.stopping) this.deps.kick();
      });
  }

  /** Ids of the restores being followed now. */
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
