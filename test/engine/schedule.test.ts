// The schedule: settings make cron jobs in the instance's zone, the cron makes backups, the
// store keeps one scheduled set a day, downtime is caught up or announced, and the watchdog
// speaks when backups stop.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxSimulators } from '../../sim/sandbox';
import type { BackupSet } from '../../src/domain/types';
import { ManualClock } from '../support/clock';
import { aFinishedSet } from '../domain/fixtures';
import { startHarness } from '../support/harness';
import type { Harness } from '../support/harness';
import { waitFor } from '../support/wait';

let sims: Awaited<ReturnType<typeof startSandboxSimulators>>;
let h: Harness;

beforeAll(async () => {
  sims = await startSandboxSimulators({ stepMs: 10 });
});
afterAll(async () => {
  await sims.close();
});
afterEach(async () => {
  await h?.close();
});

async function scheduledSets(instance: string): Promise<BackupSet[]> {
  return (await h.store.backupSets.list({ instanceId: instance })).filter((s) => s.trigger === 'scheduled');
}

async function settle(): Promise<void> {
  await h.bot.controllers.scheduler.settled();
  await h.settle();
  await h.flush();
}

describe('the scheduler', () => {
  it('turns saved settings into a cron job in the instance zone, rebuilt on every change', async () => {
    h = await startHarness({ sims: sims.description });
    await h.say('oper1', 'settings prod-1 on days=mon,thu time=02:30 retention=14');
    await h.bot.runner.runOnce('scheduler');
    expect(h.cron.active().map((j) => [j.expression, j.timezone])).toEqual([['30 2 * * 1,4', 'Asia/Shanghai']]);
    await h.say('oper1', 'settings prod-1 time=03:15');
    await h.bot.runner.runOnce('scheduler');
    expect(h.cron.active().map((j) => j.expression)).toEqual(['15 3 * * 1,4']);
    await h.say('oper1', 'settings prod-1 off');
    await h.bot.runner.runOnce('scheduler');
    expect(h.cron.active()).toEqual([]);
  });

  it('backs up when the cron fires, to FINISHED with size and the retention in force at the start', async () => {
    h = await startHarness({ sims: sims.description });
    await h.say('oper1', 'settings prod-1 on days=mon,thu time=02:30 retention=10');
    await h.bot.runner.runOnce('scheduler');
    h.cron.active()[0]?.fire(new Date('2026-11-26T18:30:00Z')); // Fri 02:30 in Shanghai
    await h.bot.controllers.scheduler.settled();
    const [started] = await scheduledSets('prod-1');
    expect(started?.scheduledDay).toBe('2026-11-27');
    await h.say('oper1', 'settings prod-1 retention=7'); // a later change never shortens it
    await settle();
    const [set] = await scheduledSets('prod-1');
    expect(set?.state).toBe('FINISHED');
    expect(set?.sizeBytes).toBeGreaterThan(0);
    expect(set?.retentionDays).toBe(10);
    expect(new Date(set?.expiresAt ?? 0).getTime() - new Date(set?.finishedAt ?? 0).getTime()).toBe(10 * 86_400_000);
  });

  it('never makes a second scheduled set for the same day, also across a restart', async () => {
    h = await startHarness({ sims: sims.description });
    await h.say('oper1', 'settings prod-1 on days=fri time=02:30');
    await h.bot.runner.runOnce('scheduler');
    const firedAt = new Date('2026-11-26T18:30:00Z');
    h.cron.active()[0]?.fire(firedAt);
    h.cron.active()[0]?.fire(firedAt); // a clock jump or a double fire
    await settle();
    expect(await scheduledSets('prod-1')).toHaveLength(1);
    const dir = h.dataDir;
    await h.close({ keepData: true });
    h = await startHarness({ sims: sims.description, dataDir: dir });
    h.cron.active()[0]?.fire(new Date(firedAt.getTime() + 60_000));
    await settle();
    expect(await scheduledSets('prod-1')).toHaveLength(1);
  });

  it('lets a FAILED scheduled set give its day back, so the next try runs', async () => {
    h = await startHarness({ sims: sims.description });
    // Saved while the cluster could not say it is shared-data (/backup settings refuses it now).
    await h.store.settings.save({ instanceId: 'lake-1', enabled: true, weekdays: ['fri'], time: '02:30', retentionDays: 7, version: 1, updatedAt: '2026-11-20T00:00:00.000Z', updatedBy: 'oper1' });
    await h.bot.runner.runOnce('scheduler');
    const firedAt = new Date('2026-11-26T18:30:00Z');
    h.cron.active()[0]?.fire(firedAt);
    await settle();
    h.cron.active()[0]?.fire(firedAt);
    await settle();
    const sets = await scheduledSets('lake-1');
    expect(sets.map((s) => s.state)).toEqual(['FAILED', 'FAILED']);
    expect(new Set(sets.map((s) => s.scheduledDay))).toEqual(new Set(['2026-11-27']));
  });

  it('runs a backup missed while the bot was down once, late, and announces days missed entirely', async () => {
    const clock = new ManualClock('2026-11-20T00:00:00Z');
    h = await startHarness({ sims: sims.description, clock, start: false });
    await h.say('oper1', 'settings prod-1 on days=mon,tue,wed,thu,fri,sat,sun time=01:00');
    await h.bot.runner.runOnce('scheduler');
    await h.store.runnerState.set('schedulerLastSeen', '2026-11-21T12:00:00Z'); // down from Sat 20:00 Shanghai
    clock.set('2026-11-23T20:00:00Z'); // Tue 04:00 Shanghai
    await h.start();
    await settle();
    const sets = await scheduledSets('prod-1');
    expect(sets).toHaveLength(1);
    expect(sets[0]).toMatchObject({ scheduledDay: '2026-11-24', late: true, state: 'FINISHED' });
    const said = h.channel.texts().join('\n');
    expect(said).toMatch(/for 2026-11-22 .* did not run/);
    expect(said).toMatch(/for 2026-11-23 .* did not run/);
    expect(said).toMatch(/it runs now, late/);
    // A second start the same day runs nothing more.
    await h.bot.stop();
    await h.start();
    await settle();
    expect(await scheduledSets('prod-1')).toHaveLength(1);
  });
});

describe('a FAILED scheduled set', () => {
  it('leaves its day free, so the catch-up after a restart runs the day again', async () => {
    const clock = new ManualClock('2026-11-23T20:00:00Z'); // Tue 04:00 Shanghai
    h = await startHarness({ sims: sims.description, clock, start: false });
    await h.say('oper1', 'settings prod-1 on days=mon,tue,wed,thu,fri,sat,sun time=01:00');
    const failed = aFinishedSet({ id: 'bk-20261124-0100-prod-1', trigger: 'scheduled', scheduledDay: '2026-11-24', state: 'FAILED', error: 'the FE was unreachable', databases: [] });
    await h.store.backupSets.create(failed);
    await h.store.runnerState.set('schedulerLastSeen', '2026-11-23T16:00:00Z'); // down since Tue 00:00, before the 01:00 run
    await h.start();
    await settle();
    const sets = await scheduledSets('prod-1');
    expect(sets.map((s) => [s.scheduledDay, s.state, s.late])).toEqual([
      ['2026-11-24', 'FINISHED', true],
      ['2026-11-24', 'FAILED', false],
    ]);
    expect(h.channel.texts().join('\n')).toMatch(/it runs now, late/);
  });
});

describe('the watchdog', () => {
  it('alerts once when an enabled instance has no good backup for longer than its schedule allows, then daily', async () => {
    const clock = new ManualClock('2026-11-02T00:00:00Z');
    h = await startHarness({ sims: sims.description, clock });
    await h.say('oper1', 'settings prod-1 on days=mon time=02:00');
    await h.bot.runner.runOnce('scheduler');
    clock.advance(7 * 86_400_000); // one weekday: 7 days allowed plus one
    expect(await h.bot.controllers.watchdog.check()).toEqual([]);
    clock.advance(2 * 86_400_000);
    expect(await h.bot.controllers.watchdog.check()).toEqual(['prod-1']);
    clock.advance(3600_000);
    expect(await h.bot.controllers.watchdog.check()).toEqual([]);
    clock.advance(24 * 3600_000);
    expect(await h.bot.controllers.watchdog.check()).toEqual(['prod-1']);
    await h.flush();
    expect(h.channel.texts().filter((t) => /no good backup yet/.test(t))).toHaveLength(2);
    // A good backup silences it.
    await h.bot.services.backups.startManual(h.bot.core.resolveActor('terminal', 'admin1'), 'prod-1');
    await waitFor(async () => (await h.store.backupSets.list({ instanceId: 'prod-1', states: ['FINISHED'] }))[0], 'a good backup');
    clock.advance(24 * 3600_000);
    expect(await h.bot.controllers.watchdog.check()).toEqual([]);
  });
});
