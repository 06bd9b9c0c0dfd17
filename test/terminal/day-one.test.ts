// The terminal chat in front of the whole bot (real core, simulators over real sockets): the
// day-one commands as an operator types them, and what the screen shows.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxSimulators } from '../../sim/sandbox';
import { endedSet, startBackup } from '../support/backups';
import { startHarness } from '../support/harness';
import type { Harness } from '../support/harness';
import { pipe } from './helpers';

let sims: Awaited<ReturnType<typeof startSandboxSimulators>>;
let h: Harness;

beforeAll(async () => {
  sims = await startSandboxSimulators({ stepMs: 10 });
  h = await startHarness({ sims: sims.description });
});
afterAll(async () => {
  await h.close();
  await sims.close();
});

const typed = (lines: string[]) => pipe(lines, { core: h.bot.core });

describe('the terminal chat: describe, doctor, next run, refusals', () => {
  it('describes a set with its snapshots, OSS location and timeline', async () => {
    const set = await endedSet(h, await startBackup(h, 'prod-1'));
    const { output } = await typed(['/as viewer1', `/backup describe ${set.id}`]);
    expect(output.text).toContain(`ℹ Backup ${set.id}\n  ${set.id} of prod-1: FINISHED. 3 of 3 databases backed up, 7 tables,`);
    expect(output.text).toMatch(/ {2}OSS location: +oss:\/\/sandbox-backups-hz\/starrocks-backups\/__starrocks_repository_bot_prod_1\/ \(region cn-hangzhou\)/);
    for (const db of set.databases) {
      expect(output.text).toMatch(new RegExp(`Snapshot: +\`${db.snapshotName}\``));
      expect(output.text).toMatch(new RegExp(`backup_timestamp: +\`${db.backupTimestamp ?? '-'}\``));
    }
    expect(output.text).toMatch(/Timeline \(Asia\/Shanghai\):\n {2}- \d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}started by Admin One \(\/backup run\)/);
  });

  it('runs the doctor, and shows the next run in instances and the settings form', async () => {
    const { output } = await typed(['/backup doctor prod-1', '/backup settings prod-1 on days=mon,thu time=02:30', '/backup instances', '/backup settings prod-1']);
    expect(output.text).toContain('✔ Doctor: prod-1\n  prod-1 is ready for backups: every check passed.\n   1. ✔ Frontends: the FE address answers');
    expect(output.text).toContain("✔ Privileges: the user 'root'@'%' holds everything backup, restore and verify need");
    expect(output.text).toMatch(/Next run: +\d{4}-\d\d-\d\d 02:30 UTC\+8 \(in /);
    expect(output.text).toMatch(/Last scheduled run: +none yet/);
    expect(output.text).toMatch(/Next run: +\d{4}-\d\d-\d\d 02:30 UTC\+8 \(in [^)]+\) \(read-only\)/);
  });

  it('refuses a shared-data instance at once, without a question', async () => {
    const { output } = await typed(['/backup run lake-1', 'y']);
    expect(output.text).toContain('✖ lake-1 is a shared-data cluster (run_mode = shared_data, read from the cluster)');
    expect(output.text).not.toContain('[1] Run backup now');
    expect(await h.store.backupSets.list({ instanceId: 'lake-1' })).toEqual([]);
  });
});
