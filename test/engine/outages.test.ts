// A backup on its worst day: a BACKUP statement lost on the wire, an answer lost after the
// statement ran, an FE that stops answering mid-run, for minutes or for longer than the
// invisible-job limit. The whole bot in-process, mysql2 and ali-oss against the simulators.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxSimulators } from '../../sim/sandbox';
import type { BotConfig } from '../../src/config/types';
import { ManualClock } from '../support/clock';
import { endedSet, startBackup } from '../support/backups';
import { startHarness } from '../support/harness';
import type { Harness } from '../support/harness';
import { waitFor } from '../support/wait';

type Sandbox = Awaited<ReturnType<typeof startSandboxSimulators>>;
let sims: Sandbox;
let h: Harness;

beforeAll(async () => {
  sims = await startSandboxSimulators({ stepMs: 15 });
});
afterAll(async () => {
  await sims.close();
});
afterEach(async () => {
  sims.starrocks.instance('prod-1').faults.clear();
  await h?.close();
});

const prod = () => sims.starrocks.instance('prod-1');
const events = (event: string) => h.log.filter((r) => (r.fields as { event?: string }).event === event);
const quickResend = { pollMinMs: 20, pollMaxMs: 100, resendGraceMs: 200 };

describe('a BACKUP statement', () => {
  it('lost on the wire is sent again, once SHOW BACKUP and OSS prove it never ran', async () => {
    h = await startHarness({ sims: sims.description, timing: quickResend });
    prod().faults.dropConnectionOn(/^BACKUP SNAPSHOT `sales`/);
    const set = await endedSet(h, await startBackup(h, 'prod-1'));
    expect(set.state).toBe('FINISHED');
    const sales = set.databases.find((d) => d.database === 'sales');
    expect(sales).toMatchObject({ state: 'FINISHED', resends: 1 });
    expect(prod().backupSubmissions.get(sales?.snapshotName ?? '')).toBe(1);
    expect(events('backup.resend').map((e) => (e.fields as { database?: string }).database)).toEqual(['sales']);
  });

  it('that ran but whose answer was lost is followed, never sent again', async () => {
    h = await startHarness({ sims: sims.description, timing: quickResend });
    prod().faults.dropAnswerOn(/^BACKUP SNAPSHOT `sales`/);
    const set = await endedSet(h, await startBackup(h, 'prod-1'));
    expect(set.state).toBe('FINISHED');
    const sales = set.databases.find((d) => d.database === 'sales');
    expect(sales).toMatchObject({ state: 'FINISHED', resends: 0 });
    expect(prod().backupSubmissions.get(sales?.snapshotName ?? '')).toBe(1);
    expect(events('backup.resend')).toEqual([]);
  });
});

describe('an FE that stops answering during a backup', () => {
  const noticeAfterOneMinute = (c: BotConfig): BotConfig => ({ ...c, scheduler: { ...c.scheduler, outageNoticeMinutes: 1 } });

  const everyDatabaseAtOnce = (c: BotConfig): BotConfig => noticeAfterOneMinute({ ...c, scheduler: { ...c.scheduler, databaseConcurrency: 8 } });

  it('is announced once after the notice time, with the backup fate unknown, then its recovery', async () => {
    const clock = new ManualClock(new Date().toISOString());
    h = await startHarness({ sims: sims.description, clock, config: everyDatabaseAtOnce, timing: quickResend });
    prod().faults.hold('sales', 'UPLOADING');
    const id = await startBackup(h, 'prod-1');
    await waitFor(async () => (await h.store.backupSets.get(id))?.databases.find((d) => d.database === 'sales')?.jobState === 'UPLOADING', 'sales to upload');
    prod().faults.unreachable();
    await waitFor(async () => (await h.store.backupSets.get(id))?.outage, 'the outage to be noticed');
    await h.flush();
    expect(h.channel.texts().join('\n')).not.toMatch(/does not answer|has not answered/);
    clock.advance(90_000);
    await waitFor(async () => (await h.store.backupSets.get(id))?.outage?.announcedAt, 'the outage to be announced');
    clock.advance(90_000);
    await h.bot.runner.runOnce('backups');
    await h.flush();
    const told = h.channel.find(/has not answered/);
    expect(told?.versions).toHaveLength(1);
    expect(told?.versions[0]?.text).toMatch(new RegExp(`Backup \\*${id}\\* is still RUNNING as far as the bot knows; its fate is unknown`));
    expect(told?.versions[0]?.text).toMatch(/StarRocks: /);

    prod().faults.reachable();
    prod().faults.release('sales');
    const set = await endedSet(h, id);
    expect(set.state).toBe('FINISHED');
    expect(set.outage).toBeNull();
    await h.flush();
    expect(h.channel.texts().join('\n')).toMatch(/prod-1\* answers again after/);
  });

  it('for longer than the invisible-job limit ends the database with its fate unknown, its objects left for reconcile', async () => {
    const clock = new ManualClock(new Date().toISOString());
    h = await startHarness({ sims: sims.description, clock, config: everyDatabaseAtOnce });
    prod().faults.hold('sales', 'SAVE_META'); // every file uploaded, the __info_ file not yet written
    const id = await startBackup(h, 'prod-1');
    await waitFor(async () => (await h.store.backupSets.get(id))?.databases.find((d) => d.database === 'sales')?.jobState === 'SAVE_META', 'sales to save its metadata');
    const snapshot = (await h.store.backupSets.get(id))?.databases.find((d) => d.database === 'sales')?.snapshotName as string;
    await waitFor(() => sims.oss.listKeys('sandbox-backups-hz').some((k) => k.includes(`__ss_${snapshot}/`)), 'objects of sales on OSS');
    await waitFor(async () => (await h.store.backupSets.get(id))?.databases.every((d) => d.database === 'sales' || d.state === 'FINISHED'), 'the other databases to finish');
    prod().faults.unreachable();
    clock.advance(61 * 60_000);
    const set = await endedSet(h, id);
    const sales = set.databases.find((d) => d.database === 'sales');
    expect(sales?.state).toBe('FAILED');
    expect(sales?.error).toMatch(/^StarRocks did not answer for more than 60 minutes .*the backup job's fate is unknown/);
    expect(sims.oss.listKeys('sandbox-backups-hz').some((k) => k.includes(`__ss_${snapshot}/`))).toBe(true);
    expect(set.state).toBe('PARTIAL');
  });
});
