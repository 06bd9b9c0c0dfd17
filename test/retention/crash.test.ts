// A bot killed during a deletion resumes it after a restart: the set stays DELETING while any
// object remains and ends DELETED with every object gone (the bot as a child process, SIGKILL).

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupSet } from '../../src/domain/types';
import { endedSet, startBackup } from '../support/backups';
import { startHarness } from '../support/harness';
import { waitFor } from '../support/wait';
import { keysOf, seedObjects, startRetentionSims, type RetentionSims } from './sims';

let sims: RetentionSims;
const dataDir = mkdtempSync(join(tmpdir(), 'retention-crash-'));

beforeAll(async () => {
  sims = await startRetentionSims(() => new Date());
});
afterAll(async () => {
  await sims.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface BotProcess {
  child: ChildProcess;
  lines: string[];
}

function startBot(env: Record<string, string>): BotProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/retention/bot-child.ts'], {
    env: { ...process.env, SIMS_JSON: JSON.stringify(sims.description), BOT_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr?.on('data', (chunk: Buffer) => lines.push(`stderr: ${chunk.toString()}`));
  return { child, lines };
}

function killed(p: BotProcess): Promise<void> {
  return new Promise((resolve) => {
    p.child.once('exit', () => resolve());
    p.child.kill('SIGKILL');
  });
}

describe('a bot killed during a deletion', () => {
  it('resumes it after a restart and reports DELETED only once every object is gone', async () => {
    const h = await startHarness({ sims: sims.description, dataDir });
    const set: BackupSet = await endedSet(h, await startBackup(h, 'prod-1'));
    const keep: BackupSet = await endedSet(h, await startBackup(h, 'prod-1'));
    await h.settle();
    await h.close({ keepData: true });
    seedObjects(sims.oss, set, 8000);
    const total = keysOf(sims.oss, set).length;
    const kept = keysOf(sims.oss, keep);
    // Every delete request is answered slowly, so the process dies with most objects still there.
    sims.oss.faults.delayNext(1000, 300, 'POST');

    const first = startBot({ DELETE_SET: set.id });
    await waitFor(() => first.lines.includes(`STATE ${set.id} DELETING`), 'the deletion to start', 30_000);
    await waitFor(() => keysOf(sims.oss, set).length < total, 'some objects to be deleted', 30_000);
    await killed(first);
    const left = keysOf(sims.oss, set).length;
    expect(left).toBeGreaterThan(0);
    expect(first.lines).not.toContain(`STATE ${set.id} DELETED`);

    sims.oss.faults.reset();
    const second = startBot({});
    const done = await waitFor(() => second.lines.find((l) => l.startsWith(`STATE ${set.id} DELETED`)), 'the resumed deletion to end', 60_000);
    // DELETED is written only after a listing found nothing left.
    expect(keysOf(sims.oss, set)).toEqual([]);
    await killed(second);
    expect(done).toBe(`STATE ${set.id} DELETED`);
    expect(keysOf(sims.oss, keep)).toEqual(kept);
  }, 120_000);
});
