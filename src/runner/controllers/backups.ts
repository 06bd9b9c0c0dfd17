// Follows every RUNNING backup set to its end, one step at a time (src/services/backup/run.ts):
// sets a previous process left running are simply RUNNING sets, so resuming after a restart or
// a change of leader is the same work as following a new one. At most `concurrency` sets are
// worked on at once; each set is looked at again soon after a change, less often while nothing
// moves. A slow cluster delays only its own set.

import type { Logger, Store } from '../../ports';
import type { BackupRuns } from '../../services/backup/run';
import type { Controller, ReconcileResult } from '../controller';
import { followPause, StepTracker, type Tracked } from '../step-tracker';

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

export class BackupController implements Controller {
  readonly name = 'backups';
  readonly intervalMs: number;
  private readonly sets: StepTracker;

  constructor(private readonly deps: BackupControllerDeps) {
    this.intervalMs = deps.pollMaxMs;
    this.sets = new StepTracker(deps.kick);
  }

  async reconcile(): Promise<ReconcileResult> {
    const running = (await this.deps.store.backupSets.list({ states: ['RUNNING'] })).reverse(); // oldest first
    this.sets.keepOnly(new Set(running.map((s) => s.id)));
    const now = performance.now();
    for (const set of running) {
      let t = this.sets.get(set.id);
      if (!t) {
        // A set with jobs already submitted is followed whatever the cap: its jobs run anyway.
        const underWay = set.databases.some((d) => d.state !== 'PENDING');
        if (!underWay && this.sets.size >= this.deps.concurrency) continue;
        t = this.sets.add(set.id, this.deps.pollMinMs, now);
      }
      if (this.sets.isDue(t, now)) this.sets.launch(set.id, t, (tracked) => this.step(set.id, tracked));
    }
    return this.sets.nextLook(now);
  }

  /** One step of a set; the pause before the next (soon after a change, longer while nothing moves). */
  private async step(id: string, t: Tracked): Promise<number | null> {
    try {
      const outcome = await this.deps.runs.step(id);
      return outcome === 'ended' ? null : followPause(t, outcome, this.deps);
    } catch (err) {
      this.deps.log.error({ event: 'backup.step_failed', setId: id, err: err instanceof Error ? err.message : String(err) }, 'a backup step failed; will look again');
      this.deps.onError?.(err);
      return followPause(t, 'failed', this.deps);
    }
  }

  /** Ids of the sets being followed now. */
  get following(): string[] {
    return this.sets.ids;
  }

  settled(): Promise<void> {
    return this.sets.settled();
  }

  stop(): Promise<void> {
    return this.sets.stop();
  }
}
