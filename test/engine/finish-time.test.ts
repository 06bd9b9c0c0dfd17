// A job that finished while the bot was down keeps the job's own finish time: expiry counts
// from it, never from the moment the restarted bot noticed.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxSimulators } from '../../sim/sandbox';
import type { BotConfig } from '../../src/config/types';
import { ManualClock } from '../support/clock';
import { endedSet, startBackup } from '../support/backups';
import { startHarness } from '../support/harness';
import type { Harness } from '../support/harness';
import { waitFor } from '../support/wait';

let sims: Awaited<ReturnType<typeof startSandboxSimulators>>;
let h: Harness;

beforeAll(async () => {
  sims = await startSandboxSimulators({ stepMs: 15 });
});
afterAll(async () => {
  await sims.close();
});
afterEach(async () => {
  await h?.close();
});

describe('finish times', () => {
  it('come from the jobs when they finished while the bot was down for three days', async () => {
    const clock = new ManualClock(new Date().toISOString());
    const config = (c: BotConfig): BotConfig => ({ ...c, scheduler: { ...c.scheduler, databaseConcurrency: 8 } });
    h = await startHarness({ sims: sims.description, clock, config });
    const id = await startBackup(h, 'prod-1');
    // Every database submitted, then the bot stops while the jobs still run.
    const submitted = await waitFor(async () => {
      const set = await h.store.backupSets.get(id);
      return set && set.databases.length > 0 && set.databases.every((d) => d.state === 'SUBMITTED') ? set : null;
    }, 'every database submitted');
    const labels = new Set(submitted.databases.map((d) => d.snapshotName));
    const dir = h.dataDir;
    await h.close({ keepData: true });
    const prod = sims.starrocks.instance('prod-1');
    const jobs = await waitFor(() => {
      const done = prod.jobs.jobs().filter((j) => labels.has(j.label) && j.finishedTime);
      return done.length === labels.size ? done : null;
    }, 'the jobs to finish while the bot is down');
    const lastJobEnd = Math.max(...jobs.map((j) => (j.finishedTime as Date).getTime()));

    clock.advance(3 * 86_400_000);
    h = await startHarness({ sims: sims.description, clock, dataDir: dir, config });
    const set = await endedSet(h, id);
    expect(set.state).toBe('FINISHED');
    // StarRocks reports times to the second in the FE's zone.
    expect(Math.abs(Date.parse(set.finishedAt ?? '') - lastJobEnd)).toBeLessThan(1500);
    expect(Date.parse(set.expiresAt ?? '') - Date.parse(set.finishedAt ?? '')).toBe(set.retentionDays * 86_400_000);
    for (const db of set.databases) expect(Date.parse(db.finishedAt ?? '')).toBeLessThan(clock.now().getTime() - 2 * 86_400_000);
  });
});
