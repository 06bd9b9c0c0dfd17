// Killed mid-backup and restarted, the bot resumes tracking the same StarRocks jobs and
// finishes the same set; it never submits a second BACKUP SNAPSHOT (counted by the simulator).

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxSimulators } from '../../sim/sandbox';
import { waitFor } from '../support/wait';

let sims: Awaited<ReturnType<typeof startSandboxSimulators>>;
const dataDir = mkdtempSync(join(tmpdir(), 'backup-bot-crash-'));

beforeAll(async () => {
  sims = await startSandboxSimulators({ stepMs: 20 });
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
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/bot-process.ts'], {
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

describe('a bot killed mid-backup', () => {
  it('resumes the same set after a restart without submitting any backup twice', async () => {
    const prod = sims.starrocks.instance('prod-1');
    prod.faults.hold('sales', 'UPLOADING');
    const first = startBot({ START_BACKUP: 'prod-1' });
    const started = await waitFor(() => first.lines.find((l) => l.startsWith('STARTED ')), 'the backup to start', 30_000);
    const id = started.split(' ')[1] as string;
    await waitFor(() => first.lines.some((l) => l.startsWith(`STATE ${id} RUNNING`) && /sales:SUBMITTED/.test(l)), 'sales to be submitted', 30_000);
    await waitFor(() => [...prod.backupSubmissions.keys()].some((k) => k.includes('sales')), 'StarRocks to see the backup');
    await killed(first);

    const second = startBot({});
    await waitFor(() => second.lines.includes('READY'), 'the restarted bot', 30_000);
    prod.faults.release('sales');
    const done = await waitFor(() => second.lines.find((l) => l.startsWith(`STATE ${id} `) && !l.startsWith(`STATE ${id} RUNNING`)), 'the set to end', 30_000);
    await killed(second);

    expect(done).toMatch(new RegExp(`^STATE ${id} FINISHED`));
    const ours = [...prod.backupSubmissions.entries()].filter(([name]) => name.startsWith(id.replace(/-/g, '_')));
    expect(ours.length).toBeGreaterThan(1);
    for (const [, count] of ours) expect(count).toBe(1);
  }, 90_000);
});
