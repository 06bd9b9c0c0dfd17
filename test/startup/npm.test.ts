// npm is not silenced: a failed script or an unknown script name says what went wrong, and
// `npm run sim` still prints its JSON description (after npm's banner).

import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { SimulatorDescription } from '../../sim/description';
import { firstJsonLine } from '../support/json-line';

function npm(args: string[]) {
  // Its own process group, so the test can stop npm and what it started, and nothing else.
  const env = { ...process.env };
  delete env.npm_config_loglevel;
  const child = spawn('npm', args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, exited, stderr: () => stderr };
}

describe('npm output', () => {
  it('an unknown script name is reported, not swallowed', async () => {
    const run = npm(['run', 'no-such-script']);
    expect(await run.exited).not.toBe(0);
    expect(run.stderr()).toMatch(/Missing script: "no-such-script"/);
  });

  it('npm run sim: the first line starting with { is the description, after npm\'s banner', async () => {
    const run = npm(['run', 'sim']);
    try {
      const line = await firstJsonLine(run.child.stdout, run.exited);
      const d = JSON.parse(line) as SimulatorDescription;
      expect(Object.keys(d.instances)).toEqual(['prod-1', 'staging-1', 'lake-1', 'prod-sh']);
      expect(d.oss.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      if (run.child.pid) process.kill(-run.child.pid, 'SIGTERM');
      await run.exited;
    }
  });
});
