// A piped terminal session waits for the backups its own commands started, not for one resumed
// from an earlier run of the bot (which may take long): the bot knows which sets its commands
// started here, by platform.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandboxSimulators } from '../../sim/sandbox';
import { startHarness } from '../support/harness';
import { startBackup } from '../support/backups';
import { waitFor } from '../support/wait';

type Sandbox = Awaited<ReturnType<typeof startSandboxSimulators>>;
let sims: Sandbox;
const dataDir = mkdtempSync(join(tmpdir(), 'backup-bot-resumed-'));

beforeAll(async () => {
  sims = await startSandboxSimulators({ stepMs: 10 });
});
afterAll(async () => {
  await sims.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('backups started here', () => {
  it("waiting for the terminal's own backups ends with them, while a resumed one goes on", async () => {
    const shanghai = sims.starrocks.instance('prod-sh');
    shanghai.faults.hold('finance', 'UPLOADING');
    const first = await startHarness({ sims: sims.description, dataDir });
    const resumedId = await startBackup(first, 'prod-sh');
    await waitFor(() => shanghai.jobs.job('finance')?.state === 'UPLOADING', 'the prod-sh job to be uploading');
    await first.close({ keepData: true });

    const second = await startHarness({ sims: sims.description, dataDir });
    try {
      // Nothing of the terminal's runs yet: nothing to wait for, even with a set resumed.
      await second.bot.startedHere.ended('terminal');
      const ownId = await startBackup(second, 'prod-1');
      await second.bot.startedHere.ended('slack');
      expect((await second.store.backupSets.get(ownId))?.state).toBe('RUNNING');
      await second.bot.startedHere.ended('terminal');
      expect((await second.store.backupSets.get(ownId))?.state).toBe('FINISHED');
      expect((await second.store.backupSets.get(resumedId))?.state).toBe('RUNNING');
    } finally {
      shanghai.faults.release();
      await second.close({ keepData: true });
    }
  });
});
