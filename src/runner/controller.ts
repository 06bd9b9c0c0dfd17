// A controller is one background duty (the cron scheduler, the backup tracker, the watchdog,
// outbox delivery, ...): a name and one reconcile step that reads the store, looks at the world
// and moves things one step toward what they should be. It must be safe to run again after a
// crash at any line. The runner owns the timers, errors, logs and metrics of every controller,
// and runs them only while this process holds leadership.

import type { Lease } from '../ports';

export interface ReconcileContext {
  /** The leadership this step runs under (its epoch fences writes of a former leader). */
  lease: Lease;
}

export interface ReconcileResult {
  /** Look again after this long instead of the controller's interval. */
  requeueAfterMs?: number;
}

export interface Controller {
  readonly name: string;
  /** How long between two reconciles when nothing asks sooner. */
  readonly intervalMs: number;
  reconcile(ctx: ReconcileContext): Promise<ReconcileResult | void>;
  /** Ends work the controller started (timers, in-flight steps) when leadership ends or on shutdown. */
  stop?(): Promise<void>;
  /** Resolves when work the controller started outside reconcile has settled (tests, piped sessions). */
  settled?(): Promise<void>;
}
