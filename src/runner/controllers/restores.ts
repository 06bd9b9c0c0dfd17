// Follows every approved and running restore to its end, one step at a time
// (src/services/restore/run.ts): restores a previous process left running are simply RUNNING
// requests, so resuming after a restart or a change of leader is the same work as following a new
// one, and a job already submitted is only looked at, never sent again. Each restore is looked at
// again soon after a change, less often while nothing moves.

import type { Logger, Store } from '../../ports';
import type { RestoreRuns } from '../../services/restore/run';
import type { Controller, ReconcileResult } from '../controller';
import { followPause, StepTracker, type Tracked } from '../step-tracker';

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

export class RestoreController implements Controller {
  readonly name = 'restores';
  readonly intervalMs: number;
  private readonly restores: StepTracker;

  constructor(private readonly deps: RestoreControllerDeps) {
    this.intervalMs = deps.pollMaxMs;
    this.restores = new StepTracker(deps.kick);
  }

  async reconcile(): Promise<ReconcileResult> {
    const active = (await this.deps.store.restores.list({ states: ['APPROVED', 'RUNNING'] })).reverse(); // oldest first
    this.restores.keepOnly(new Set(active.map((r) => r.id)));
    const now = performance.now();
    for (const request of active) {
      const t = this.restores.get(request.id) ?? this.restores.add(request.id, this.deps.pollMinMs, now);
      if (this.restores.isDue(t, now)) this.restores.launch(request.id, t, (tracked) => this.step(request.id, tracked));
    }
    return this.restores.nextLook(now);
  }

  /** One step of a restore; the pause before the next (soon after a change, longer while nothing moves). */
  private async step(id: string, t: Tracked): Promise<number | null> {
    try {
      const outcome = await this.deps.runs.step(id);
      return outcome === 'ended' ? null : followPause(t, outcome, this.deps);
    } catch (err) {
      this.deps.log.error({ event: 'restore.step_failed', restoreId: id, err: err instanceof Error ? err.message : String(err) }, 'a restore step failed; will look again');
      this.deps.onError?.(err);
      return followPause(t, 'failed', this.deps);
    }
  }

  /** Ids of the restores being followed now. */
  get following(): string[] {
    return this.restores.ids;
  }

  settled(): Promise<void> {
    return this.restores.settled();
  }

  stop(): Promise<void> {
    return this.restores.stop();
  }
}
