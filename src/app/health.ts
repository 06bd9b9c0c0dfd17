// What GET /healthz says: the store reachable, this process leading (running the controllers)
// or following, the lease (its epoch and age) and who leads, the scheduler, and the chat surfaces.

import type { ChannelAddress } from '../domain/types';
import type { Lease, Notifier, Store } from '../ports';
import type { SchedulerController } from '../runner/controllers/scheduler';
import type { Runner } from '../runner/runner';

export interface LeaseHealth {
  holder: string;
  epoch: number;
  since: string;
  /** Seconds since this lease (term) began. */
  ageSeconds: number;
  expiresAt: string | null;
  /** Seconds until it lapses unless renewed (negative: lapsed); null for a lock file. */
  expiresInSeconds: number | null;
}

export interface Health {
  ok: boolean;
  store: string;
  /** `leader` runs the controllers; `follower` serves chat while another process leads. */
  role: 'leader' | 'follower' | 'stopped';
  /** The lease this process holds. */
  lease: LeaseHealth | null;
  /** The lease as the store has it (who leads, seen from any replica); null when nobody leads. */
  leader: LeaseHealth | null;
  /** What grants leadership (`lock file ...`, `lease in mysql://...`). */
  leadership: string;
  scheduler: 'up' | 'down';
  scheduledInstances: number;
  runningBackups: number;
  surfaces: string[];
  controllers: { name: string; lastRunAt: string | null; lastError: string | null }[];
  [part: string]: unknown;
}

function leaseHealth(lease: Lease, now: Date): LeaseHealth {
  const seconds = (ms: number) => Math.round(ms / 100) / 10;
  return {
    holder: lease.holder,
    epoch: lease.epoch,
    since: lease.acquiredAt.toISOString(),
    ageSeconds: seconds(now.getTime() - lease.acquiredAt.getTime()),
    expiresAt: lease.expiresAt?.toISOString() ?? null,
    expiresInSeconds: lease.expiresAt ? seconds(lease.expiresAt.getTime() - now.getTime()) : null,
  };
}

export async function checkHealth(parts: {
  store: Store;
  runner: Runner;
  scheduler: SchedulerController;
  notifiers: Map<ChannelAddress['platform'], Notifier>;
  now: () => Date;
}): Promise<Health> {
  const { store, runner, scheduler, notifiers } = parts;
  let storeState = 'up';
  let running = 0;
  let leader: Lease | null = null;
  try {
    await store.ping();
    running = (await store.backupSets.list({ states: ['RUNNING'] })).length;
    leader = (await store.leadership.current?.()) ?? null;
  } catch (err) {
    storeState = `down: ${err instanceof Error ? err.message : String(err)}`;
  }
  const lease = runner.currentLease;
  const role = lease ? 'leader' : storeState === 'up' ? 'follower' : 'stopped';
  const schedulerUp = scheduler.isRunning;
  const now = parts.now();
  return {
    // A follower is healthy while the store answers; a leader also needs its scheduler running.
    ok: storeState === 'up' && (lease ? schedulerUp : true) && (lease !== null || runner.started),
    store: storeState,
    role,
    lease: lease && leaseHealth(lease, now),
    leader: leader && leaseHealth(leader, now),
    leadership: store.leadership.description,
    scheduler: schedulerUp ? 'up' : 'down',
    scheduledInstances: scheduler.size,
    runningBackups: running,
    surfaces: [...notifiers.keys()],
    controllers: runner.status(),
  };
}
