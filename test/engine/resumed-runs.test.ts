// A piped terminal session waits for the backups its own commands started, not for one resumed
// from an earlier run of the bot (which may take long): the engine's whenIdle picks by launcher.

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

describe('runs by launcher', () => {
  it("whenIdle for the terminal's commands ends with their run, while a resumed run goes on", async () => {
    const shanghai = sims.starrocks.instance('prod-sh');
    shanghai.faults.hold('finance', 'UPLOADING');
    const first = await startHarness({ sims: sims.description, dataDir });
    const resumedId = await startBackup(first, 'prod-sh');
    await waitFor(() => shanghai.jobs.job('finance')?.state === 'UPLOADING', 'the prod-sh job to be uploading');
    await first.close({ keepData: true });

    const second = await startHarness({ sims: sims.description, dataDir });
    try {
      await second.bot.start();
      const ownId = await startBackup(second, 'prod-1');
      await second.bot.engine.whenIdle((run) => run.launchedBy === 'command' && run.platform === 'terminal');
      expect((await second.store.getBackupSet(ownId))?.state).toBe('FINISHED');
      expect((await second.store.getBackupSet(resumedId))?.state).toBe('RUNNING');
    } finally {
      shanghai.faults.release();
      await second.close({ keepData: true });
    }
  });
});
