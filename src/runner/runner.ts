// Runs the controllers while this process holds leadership: one loop per controller (never two
// reconciles of one controller at once), a first reconcile of each at start in the order given,
// then on its interval or when kicked. Errors are logged as structured events, counted, and
// retried with back-off; a controller that fails never stops the others.

import { LeaseLostError } from '../domain/errors';
import type { Clock, Lease, Leadership, Logger } from '../ports';
import type { Controller } from './controller';

export interface RunnerEvents {
  controllerRan?(name: string, seconds: number): void;
  controllerFailed?(name: string): void;
  leadershipChanged?(lease: Lease | null): void;
}

interface Loop {
  controller: Controller;
  timer: NodeJS.Timeout | null;
  running: Promise<void> | null;
  again: boolean;
  failures: number;
  lastError: string | null;
  lastRunAt: Date | null;
}

const MAX_ERROR_BACKOFF_MS = 5 * 60_000;

export interface ControllerStatus {
  name: string;
  lastRunAt: string | null;
  lastError: string | null;
}

export class Runner {
  private readonly loops = new Map<string, Loop>();
  private lease: Lease | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private stopped = true;
  private transition: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: { controllers: Controller[]; leadership: Leadership; clock: Clock; log: Logger; events?: RunnerEvents },
  ) {
    for (const controller of deps.controllers) {
      if (this.loops.has(controller.name)) throw new Error(`two controllers are named ${controller.name}`);
      this.loops.set(controller.name, { controller, timer: null, running: null, again: false, failures: 0, lastError: null, lastRunAt: null });
    }
  }

  /** Started and not stopped (leading or following). */
  get started(): boolean {
    return !this.stopped;
  }

  get isLeader(): boolean {
    return this.lease !== null;
  }

  get currentLease(): Lease | null {
    return this.lease;
  }

  status(): ControllerStatus[] {
    return [...this.loops.values()].map((l) => ({ name: l.controller.name, lastRunAt: l.lastRunAt?.toISOString() ?? null, lastError: l.lastError }));
  }

  /** Takes leadership if it can and starts the controllers; keeps renewing a lease that lapses. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.renew();
    const every = this.deps.leadership.renewEveryMs;
    if (every !== null) {
      this.renewTimer = setInterval(() => void this.renew(), every);
      this.renewTimer.unref();
    }
  }

  /** Stops every controller (waiting for reconciles under way) and gives leadership up. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = null;
    await this.serial(async () => {
      await this.stopControllers();
      if (this.lease) {
        this.lease = null;
        this.deps.events?.leadershipChanged?.(null);
        await this.deps.leadership.release().catch((err: unknown) => this.deps.log.warn({ err: message(err) }, 'could not release leadership'));
      }
    });
  }

  /** Asks a controller to reconcile soon (coalesced with one under way). */
  kick(name: string): void {
    const loop = this.loops.get(name);
    if (!loop || !this.lease || this.stopped) return;
    if (loop.running) loop.again = true;
    else this.schedule(loop, 0);
  }

  /** Runs one reconcile of a controller now and waits for it (tests, draining before exit). */
  async runOnce(name: string): Promise<void> {
    const loop = this.loops.get(name);
    if (!loop) throw new Error(`no controller ${name}`);
    if (!this.lease) return;
    while (loop.running) await loop.running;
    await this.run(loop, false);
  }

  /** Resolves when no reconcile is under way and every controller's own work has settled. */
  async idle(): Promise<void> {
    for (;;) {
      const busy = [...this.loops.values()].map((l) => l.running).filter((r): r is Promise<void> => r !== null);
      if (busy.length === 0) break;
      await Promise.allSettled(busy);
    }
    for (const loop of this.loops.values()) await loop.controller.settled?.();
  }

  private serial(work: () => Promise<void>): Promise<void> {
    const next = this.transition.then(work, work);
    this.transition = next.catch(() => undefined);
    return next;
  }

  private renew(): Promise<void> {
    return this.serial(async () => {
      if (this.stopped) return;
      let lease: Lease | null;
      try {
        lease = await this.deps.leadership.acquire(this.deps.clock.now());
      } catch (err) {
        this.deps.log.warn({ event: 'leadership.error', err: message(err) }, 'could not renew leadership');
        lease = null;
      }
      const was = this.lease;
      this.lease = lease;
      if (lease && (!was || was.epoch !== lease.epoch)) {
        this.deps.log.info({ event: 'leadership.acquired', holder: lease.holder, epoch: lease.epoch, by: this.deps.leadership.description }, 'leading: running the controllers');
        this.deps.events?.leadershipChanged?.(lease);
        if (was) await this.stopControllers();
        await this.startControllers();
      } else if (!lease && was) {
        this.deps.log.warn({ event: 'leadership.lost', epoch: was.epoch }, 'leadership lost: controllers stopped');
        this.deps.events?.leadershipChanged?.(null);
        await this.stopControllers();
        // Only now, with no controller left running, may this process write as a follower: a
        // shared store refuses a former leader's writes until it is told leadership was given up.
        await this.deps.leadership.release().catch((err: unknown) => this.deps.log.warn({ err: message(err) }, 'could not release leadership'));
      }
    });
  }

  private async startControllers(): Promise<void> {
    // The first pass in order (backups are resumed before the scheduler may start new ones).
    for (const loop of this.loops.values()) {
      if (!this.lease || this.stopped) return;
      await this.run(loop, true);
    }
  }

  private async stopControllers(): Promise<void> {
    for (const loop of this.loops.values()) {
      if (loop.timer) clearTimeout(loop.timer);
      loop.timer = null;
      loop.again = false;
    }
    for (const loop of this.loops.values()) {
      while (loop.running) await loop.running;
      await loop.controller.stop?.().catch((err: unknown) => this.deps.log.warn({ controller: loop.controller.name, err: message(err) }, 'controller did not stop cleanly'));
    }
  }

  private schedule(loop: Loop, delayMs: number): void {
    if (loop.timer) clearTimeout(loop.timer);
    loop.timer = setTimeout(() => {
      loop.timer = null;
      void this.run(loop, true);
    }, Math.max(0, delayMs));
    loop.timer.unref();
  }

  private run(loop: Loop, reschedule: boolean): Promise<void> {
    if (loop.running) {
      loop.again = true;
      return loop.running;
    }
    const lease = this.lease;
    if (!lease || this.stopped) return Promise.resolve();
    const { controller } = loop;
    const started = performance.now();
    loop.running = (async () => {
      let next = controller.intervalMs;
      try {
        const result = await controller.reconcile({ lease });
        loop.failures = 0;
        loop.lastError = null;
        if (result?.requeueAfterMs !== undefined) next = Math.min(next, Math.max(0, result.requeueAfterMs));
        this.deps.events?.controllerRan?.(controller.name, (performance.now() - started) / 1000);
      } catch (err) {
        loop.failures += 1;
        loop.lastError = message(err);
        next = Math.min(controller.intervalMs, MAX_ERROR_BACKOFF_MS, 1000 * 2 ** Math.min(loop.failures - 1, 12));
        this.deps.log.error({ event: 'controller.error', controller: controller.name, failures: loop.failures, err: message(err) }, `controller ${controller.name} failed; will retry`);
        this.deps.events?.controllerFailed?.(controller.name);
        // The store refused a write: another process leads now. Find out at once, not at the next renewal.
        if (err instanceof LeaseLostError) void this.renew();
      } finally {
        loop.lastRunAt = this.deps.clock.now();
        loop.running = null;
      }
      if (!this.lease || this.stopped) return;
      if (loop.again) {
        loop.again = false;
        this.schedule(loop, 0);
      } else if (reschedule || !loop.timer) {
        this.schedule(loop, next);
      }
    })();
    return loop.running;
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
