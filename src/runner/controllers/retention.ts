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

interface Tracked {
  delayMs: number;
  /** performance.now() when the set may be tried again. */
  dueAt: number;
  step: Promise<void> | null;
}

export class RetentionController implements Controller {
  readonly name = 'retention';
  readonly intervalMs = 5 * 60_000;
  private readonly tracked = new Map<string, Tracked>();
  private stopping = false;

  constructor(private readonly deps: RetentionControllerDeps) {}

  async reconcile(): Promise<ReconcileResult> {
    this.stopping = false;
    await this.deps.sweep.sweep();
    await this.deps.releases.advance();
    const due = await this.deps.deletions.due();
    const ids = new Set(due.map((s) => s.id));
    for (const [id, t] of this.tracked) if (!ids.has(id) && !t.step) this.tracked.delete(id);
    const now = performance.now();
    for (const set of due) {
      let t = this.tracked.get(set.id);
      if (!t) {
        if (this.busy() >= this.deps.concurrency) continue;
        t = { delayMs: this.deps.retryMinMs, dueAt: now, step: null };
        this.tracked.set(set.id, t);
      }
      if (!t.step && t.dueAt <= now && this.busy() < this.deps.concurrency) this.launch(set.id, t);
    }
    const waits = [...this.tracked.values()].filter((t) => !t.step).map((t) => t.dueAt - now);
    return waits.length ? { requeueAfterMs: Math.max(0, Math.min(...waits)) } : {};
  }

  private busy(): number {
    return [...this.tracked.values()].filter((t) => t.step !== null).length;
  }

  private launch(id: string, t: Tracked): void {
    t.step = this.deps.deletions
      .run(id)
      .then(() => {
        this.tracked.delete(id);
      })
      .catch((err: unknown) => {
        this.deps.log.warn({ event: 'backup.delete_retry', setId: id, retryInMs: t.delayMs, err: err instanceof Error ? err.message : String(err) }, 'a deletion failed half-way; it resumes after a pause');
        t.dueAt = performance.now() + t.delayMs;
        t.delayMs = Math.min(this.deps.retryMaxMs, t.delayMs * 2);
      })
      .finally(() => {
        t.step = null;
        if (!this.stopping) this.deps.kick();
      });
  }

  /** Ids of the sets being deleted (or waiting to be tried again) now. */
  get deleting(): string[] {
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
