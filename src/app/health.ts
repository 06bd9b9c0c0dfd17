// What GET /healthz says: the store reachable, this process leading (running the controllers)
// or following, the scheduler, and the chat surfaces running.

import type { ChannelAddress } from '../domain/types';
import type { Notifier, Store } from '../ports';
import type { SchedulerController } from '../runner/controllers/scheduler';
import type { Runner } from '../runner/runner';

export interface Health {
  ok: boolean;
  store: string;
  /** `leader` runs the controllers; `follower` serves chat while another process leads. */
  role: 'leader' | 'follower' | 'stopped';
  lease: { holder: string; epoch: number; since: string; expiresAt: string | null } | null;
  scheduler: 'up' | 'down';
  scheduledInstances: number;
  runningBackups: number;
  surfaces: string[];
  controllers: { name: string; lastRunAt: string | null; lastError: string | null }[];
  [part: string]: unknown;
}

export async function checkHealth(parts: {
  store: Store;
  runner: Runner;
  scheduler: SchedulerController;
  notifiers: Map<ChannelAddress['platform'], Notifier>;
}): Promise<Health> {
  const { store, runner, scheduler, notifiers } = parts;
  let storeState = 'up';
  let running = 0;
  try {
    await store.ping();
    running = (await store.backupSets.list({ states: ['RUNNING'] })).length;
  } catch (err) {
    storeState = `down: ${err instanceof Error ? err.message : String(err)}`;
  }
  const lease = runner.currentLease;
  const role = lease ? 'leader' : storeState === 'up' ? 'follower' : 'stopped';
  const schedulerUp = scheduler.isRunning;
  return {
    // A follower is healthy while the store answers; a leader also needs its scheduler running.
    ok: storeState === 'up' && (lease ? schedulerUp : true) && (lease !== null || runner.started),
    store: storeState,
    role,
    lease: lease && { holder: lease.holder, epoch: lease.epoch, since: lease.acquiredAt.toISOString(), expiresAt: lease.expiresAt?.toISOString() ?? null },
    scheduler: schedulerUp ? 'up' : 'down',
    scheduledInstances: scheduler.size,
    runningBackups: running,
    surfaces: [...notifiers.keys()],
    controllers: runner.status(),
  };
}
