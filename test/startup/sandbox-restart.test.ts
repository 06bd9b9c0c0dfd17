// Issue 14, bug 1, as an operator meets it: `npm start`, `/backup run prod-1`, confirm, Ctrl-C
// at once, `npm start` again. The sandbox's clusters kept the job, so a piped session is not
// held by it, and the backup finishes by itself; afterwards prod-1 can be backed up again.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait';

const dataDir = mkdtempSync(join(tmpdir(), 'backup-bot-sandbox-restart-'));
const running = new Set<ChildProcessWithoutNullStreams>();
afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

interface Bot {
  child: ChildProcessWithoutNullStreams;
  out: () => string;
  exited: Promise<number | null>;
}

/** `npm start` in the sandbox (no configuration file), with the terminal chat on pipes. */
function startBot(): Bot {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(SLACK_|DINGTALK_|BOT_|BACKUP_BOT_|USER_NAME$)/.test(k)) env[k] = v;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...env, BOT_DATA_DIR: dataDir, BACKUP_BOT_CONFIG: join(dataDir, 'none.yml'), PORT: '0' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    running.delete(child);
    resolve(code);
  }));
  return { child, out: () => out, exited };
}

/** BACKUP SNAPSHOT statements prod-1's simulated FE received, from the state it keeps. */
function submissions(): [string, number][] {
  try {
    const state = JSON.parse(readFileSync(join(dataDir, 'sandbox', 'starrocks', 'prod-1.json'), 'utf8')) as { backupSubmissions: [string, number][] };
    return state.backupSubmissions;
  } catch {
    return [];
  }
}

describe('Ctrl-C during a sandbox backup, then npm start again', () => {
  it('the backup is found again and finishes; piped sessions end; prod-1 can run again', async () => {
    const first = startBot();
    first.child.stdin.write('/backup run prod-1\n1\ny\n');
    const started = await waitFor(() => /Started backup \*?(bk-[\w-]+)/.exec(first.out()), 'the backup to start', 30_000);
    const id = started[1] as string;
    // Ctrl-C once StarRocks runs the backup's first job (the simulated FE keeps it on disk),
    // maybe while the second is being sent: the bot finishes sending it before it stops.
    await waitFor(() => submissions().length > 0, 'a BACKUP SNAPSHOT to be submitted', 30_000);
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(first.out()).not.toContain(`Backup ${id} finished`);

    // A piped session ends once its own replies are printed, whatever the resumed backup does.
    const piped = startBot();
    piped.child.stdin.end('/backup help\n');
    const code = await Promise.race([piped.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 30_000))]);
    expect(code).toBe(0);
    expect(piped.out()).toContain('StarRocks backup bot: commands');

    // Left running, the bot follows the same StarRocks jobs to the end (a slow piped session
    // may already have seen it end).
    const third = startBot();
    const ending = () => new RegExp(`Backup ${id} (finished|PARTIAL|FAILED)[^\n]*\n.*`).exec(piped.out() + third.out());
    const ended = await waitFor(ending, `${id} to end`, 120_000).catch((err: unknown) => {
      throw new Error(`${String(err)}\nfirst run:\n${first.out()}\npiped run:\n${piped.out()}\nthird run:\n${third.out()}\nstate: ${readFileSync(join(dataDir, 'backup-bot.json'), 'utf8').slice(0, 3000)}`);
    });
    expect(ended[0]).toContain(`Backup ${id} finished`);
    third.child.stdin.end('/backup run prod-1\n');
    expect(await third.exited).toBe(0);
    expect(third.out()).toContain('Run a backup of prod-1?');
    expect(third.out()).not.toContain('already running');
    // Each database's BACKUP SNAPSHOT was sent once, over three starts.
    expect(submissions().length).toBe(3);
    for (const [, count] of submissions()) expect(count).toBe(1);
  }, 240_000);
});
