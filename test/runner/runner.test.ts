// The runner: controllers run only while this process leads, one reconcile of a controller at a
// time, in order at start; failures are logged as events, counted and retried; losing leadership
// stops every controller.

import { afterEach, describe, expect, it } from 'vitest';
import { LeaseLostError } from '../../src/domain/errors';
import type { Lease, Leadership } from '../../src/ports';
import type { Controller, ReconcileContext } from '../../src/runner/controller';
import { Runner } from '../../src/runner/runner';
import { memoryLogger } from '../support/logger';
import { waitFor } from '../support/wait';

class SwitchLeadership implements Leadership {
  readonly description = 'a test switch';
  granted = true;
  epoch = 1;
  released = 0;
  constructor(readonly renewEveryMs: number | null = null) {}
  async acquire(now: Date): Promise<Lease | null> {
    return this.granted ? { holder: 'me', epoch: this.epoch, acquiredAt: now, expiresAt: null } : null;
  }
  async release(): Promise<void> {
    this.released++;
  }
}

class Probe implements Controller {
  runs = 0;
  active = 0;
  maxActive = 0;
  stops = 0;
  leases: number[] = [];
  fail = 0;
  gate: Promise<void> | null = null;
  constructor(
    readonly name: string,
    readonly intervalMs = 60_000,
    private readonly order: string[] = [],
  ) {}
  async reconcile(ctx: ReconcileContext): Promise<void> {
    this.runs++;
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    this.order.push(this.name);
    this.leases.push(ctx.lease.epoch);
    try {
      if (this.gate) await this.gate;
      if (this.fail > 0) {
        this.fail--;
        throw new Error(`${this.name} broke`);
      }
    } finally {
      this.active--;
    }
  }
  async stop(): Promise<void> {
    this.stops++;
  }
}

const clock = { now: () => new Date('2026-12-01T00:00:00Z') };
let runner: Runner | null = null;
afterEach(async () => {
  await runner?.stop();
  runner = null;
});

describe('the runner', () => {
  it('runs every controller once at start, in the order given, under the lease', async () => {
    const order: string[] = [];
    const a = new Probe('backups', 60_000, order);
    const b = new Probe('scheduler', 60_000, order);
    runner = new Runner({ controllers: [a, b], leadership: new SwitchLeadership(), clock, log: memoryLogger() });
    await runner.start();
    expect(order).toEqual(['backups', 'scheduler']);
    expect(a.leases).toEqual([1]);
    expect(runner.isLeader).toBe(true);
  });

  it('runs nothing while another process leads', async () => {
    const leadership = new SwitchLeadership();
    leadership.granted = false;
    const a = new Probe('backups');
    runner = new Runner({ controllers: [a], leadership, clock, log: memoryLogger() });
    await runner.start();
    runner.kick('backups');
    await runner.runOnce('backups');
    expect(a.runs).toBe(0);
    expect(runner.isLeader).toBe(false);
  });

  it('never runs two reconciles of one controller at once; kicks during one coalesce into one more', async () => {
    const a = new Probe('outbox');
    runner = new Runner({ controllers: [a], leadership: new SwitchLeadership(), clock, log: memoryLogger() });
    await runner.start();
    let open!: () => void;
    a.gate = new Promise((r) => (open = r));
    runner.kick('outbox');
    await waitFor(() => a.active === 1, 'the kicked reconcile to start');
    for (let i = 0; i < 5; i++) runner.kick('outbox');
    open();
    a.gate = null;
    await waitFor(() => a.runs === 3, 'one more reconcile after the kicks');
    await runner.idle();
    expect(a.maxActive).toBe(1);
    expect(a.runs).toBe(3);
  });

  it('logs a failing controller as an event, counts it, retries it, and keeps the others running', async () => {
    const log = memoryLogger();
    const failed: string[] = [];
    const a = new Probe('watchdog', 60_000);
    const b = new Probe('outbox', 60_000);
    a.fail = 1;
    runner = new Runner({ controllers: [a, b], leadership: new SwitchLeadership(), clock, log, events: { controllerFailed: (n) => failed.push(n) } });
    await runner.start();
    expect(b.runs).toBe(1);
    expect(failed).toEqual(['watchdog']);
    const event = log.records.find((r) => (r.fields as { event?: string }).event === 'controller.error');
    expect(event?.fields).toMatchObject({ controller: 'watchdog', failures: 1, err: 'watchdog broke' });
    expect(runner.status().find((s) => s.name === 'watchdog')?.lastError).toBe('watchdog broke');
    // Retried after a short back-off (1 s for the first failure), not after its 60 s interval.
    await waitFor(() => a.runs === 2, 'the retry', 5000);
    expect(runner.status().find((s) => s.name === 'watchdog')?.lastError).toBeNull();
  });

  it('stops every controller when leadership is lost, and starts them again under the new epoch', async () => {
    const leadership = new SwitchLeadership(20);
    const a = new Probe('backups');
    const changes: (number | null)[] = [];
    runner = new Runner({ controllers: [a], leadership, clock, log: memoryLogger(), events: { leadershipChanged: (l) => changes.push(l?.epoch ?? null) } });
    await runner.start();
    leadership.granted = false;
    await waitFor(() => !runner?.isLeader, 'leadership to be lost');
    expect(a.stops).toBe(1);
    const runsWhileFollowing = a.runs;
    runner.kick('backups');
    await runner.idle();
    expect(a.runs).toBe(runsWhileFollowing);
    leadership.granted = true;
    leadership.epoch = 2;
    await waitFor(() => runner?.isLeader, 'leadership again');
    await runner.idle();
    expect(a.leases.at(-1)).toBe(2);
    expect(changes).toEqual([1, null, 2]);
  });

  it('gives leadership up only once the controllers stopped, so a shared store lets this process write as a follower', async () => {
    const leadership = new SwitchLeadership(20);
    const a = new Probe('backups');
    runner = new Runner({ controllers: [a], leadership, clock, log: memoryLogger() });
    await runner.start();
    let open!: () => void;
    a.gate = new Promise((r) => (open = r));
    runner.kick('backups');
    await waitFor(() => a.active === 1, 'a reconcile under way');
    leadership.granted = false;
    // The lease is gone, but a reconcile is still under way: leadership is not given up yet.
    await waitFor(() => !runner?.isLeader, 'leadership to be lost');
    expect(leadership.released).toBe(0);
    open();
    await waitFor(() => leadership.released === 1, 'leadership given up after the controllers stopped');
    expect(a.active).toBe(0);
    expect(a.stops).toBe(1);
  });

  it('looks at its lease at once when the store refuses a write as a former leader', async () => {
    const leadership = new SwitchLeadership(null);
    const a = new Probe('outbox', 60_000);
    const log = memoryLogger();
    runner = new Runner({ controllers: [a], leadership, clock, log });
    await runner.start();
    leadership.granted = false;
    a.reconcile = async () => {
      throw new LeaseLostError(1, 2);
    };
    runner.kick('outbox');
    // No renewal timer (renewEveryMs null): only the refused write can make it look.
    await waitFor(() => !runner?.isLeader, 'the runner to find its lease gone');
    expect(a.stops).toBe(1);
    await waitFor(() => leadership.released === 1, 'leadership given up');
    expect(log.records.some((r) => (r.fields as { event?: string }).event === 'leadership.lost')).toBe(true);
  });

  it('on stop waits for a reconcile under way, stops the controllers and releases leadership', async () => {
    const leadership = new SwitchLeadership();
    const a = new Probe('backups');
    runner = new Runner({ controllers: [a], leadership, clock, log: memoryLogger() });
    await runner.start();
    let open!: () => void;
    a.gate = new Promise((r) => (open = r));
    runner.kick('backups');
    await waitFor(() => a.active === 1, 'a reconcile under way');
    const stopping = runner.stop();
    open();
    await stopping;
    expect(a.active).toBe(0);
    expect(a.stops).toBe(1);
    expect(leadership.released).toBe(1);
    expect(runner.isLeader).toBe(false);
  });
});
