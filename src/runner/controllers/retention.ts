// The retention controller, every few minutes and at start-up: the sweep's decisions (expire or
// keep, from the wall clock each time), releases moved on, and every unfinished deletion
// (EXPIRING or DELETING, whether the sweep, `/backup delete` or a release started it) worked on
// until its objects are gone: a few sets at once, each retried with back-off after an OSS error.
// A deletion a previous process left half-way is simply an unfinished one: it resumes.

import type { Logger } from '../../ports';
import type { SetDeletions } from '../../services/retention/deletions';
import type { ReleaseService } from '../../services/retention/releases';
import type { RetentionSweep } from '../../services/retention/sweep';
import type { Controller, ReconcileResult } from '../controller';
import { StepTracker, type Tracked } from '../step-tracker';

export interface RetentionControllerDeps {
  sweep: RetentionSweep;
  deletions: SetDeletions;
  releases: ReleaseService;
  log: Logger;
  /** Sets deleted at once. */
  concurrency: number;
  /** First and longest pause before a failed deletion is tried again. */
  retryMinMs: number;
  retryMaxMs: number;
  /** Asks the runner for a reconcile (after a deletion ended). */
  kick: () => void;
}

export class RetentionController implements Controller {
  readonly name = 'retention';
  readonly intervalMs = 5 * 60_000;
  private readonly deletions: StepTracker;

  constructor(private readonly deps: RetentionControllerDeps) {
    this.deletions = new StepTracker(deps.kick);
  }

  async reconcile(): Promise<ReconcileResult> {
    await this.deps.sweep.sweep();
    await this.deps.releases.advance();
    const due = await this.deps.deletions.due();
    this.deletions.keepOnly(new Set(due.map((s) => s.id)));
    const now = performance.now();
    for (const set of due) {
      let t = this.deletions.get(set.id);
      if (!t) {
        if (this.deletions.busy >= this.deps.concurrency) continue;
        t = this.deletions.add(set.id, this.deps.retryMinMs, now);
      }
      if (this.deletions.isDue(t, now) && this.deletions.busy < this.deps.concurrency) this.deletions.launch(set.id, t, (tracked) => this.delete(set.id, tracked));
    }
    return this.deletions.nextLook(now);
  }

  /** Deletes a set's objects; after a failure, a pause that doubles each time. */
  private async delete(id: string, t: Tracked): Promise<number | null> {
    try {
      await this.deps.deletions.run(id);
      return null;
    } catch (err) {
      this.deps.log.warn({ event: 'backup.delete_retry', setId: id, retryInMs: t.delayMs, err: err instanceof Error ? err.message : String(err) }, 'a deletion failed half-way; it resumes after a pause');
      const wait = t.delayMs;
      t.delayMs = Math.min(this.deps.retryMaxMs, t.delayMs * 2);
      return wait;
    }
  }

  /** Ids of the sets being deleted (or waiting to be tried again) now. */
  get deleting(): string[] {
    return this.deletions.ids;
  }

  settled(): Promise<void> {
    return this.deletions.settled();
  }

  stop(): Promise<void> {
    return this.deletions.stop();
  }
}
