// Bot replicas as child processes (test/support/replica-process.ts) for the multi-replica tests:
// started against simulators and a MariaDB database the test owns, read through the lines they
// print and their /healthz and /metrics, driven through stdin, and killed, paused or resumed with
// real signals.

import { spawn, type ChildProcess } from 'node:child_process';
import type { Health } from '../../src/app/health';
import { waitFor } from './wait';

export interface Replica {
  name: string;
  child: ChildProcess;
  lines: string[];
  /** Waits for a line matching `pattern` printed after line `from` (default: any line so far). */
  line(pattern: RegExp, what: string, timeoutMs?: number, from?: number): Promise<string>;
  /** Sends one command line to its stdin. */
  send(command: string): void;
  health(): Promise<Health>;
  metrics(): Promise<string>;
  /** One metric's value (the first sample of that name). */
  metric(name: string): Promise<number>;
  /** Sends a signal; for SIGKILL, waits until the process is gone. */
  signal(signal: NodeJS.Signals): Promise<void>;
}

/**
 * `script`: the process to run (default the replica of the multi-replica tests), TypeScript run
 * through tsx, or an already built `.mjs` file run by node as it is.
 */
export function startReplica(name: string, env: Record<string, string>, script = 'test/support/replica-process.ts'): Replica {
  const child = spawn(process.execPath, [...(script.endsWith('.mjs') ? [] : ['--import', 'tsx']), script], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
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
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let port: number | null = null;
  const url = async (path: string): Promise<string> => {
    port ??= Number((await replica.line(/^HTTP \d+$/, `${name}'s HTTP port`, 30_000)).split(' ')[1]);
    return `http://127.0.0.1:${port}${path}`;
  };
  const replica: Replica = {
    name,
    child,
    lines,
    line: (pattern, what, timeoutMs = 30_000, from = 0) =>
      waitFor(() => {
        if (child.exitCode !== null && !lines.slice(from).some((l) => pattern.test(l))) throw new Error(`${name} exited while waiting for ${what}:\n${lines.slice(-20).join('\n')}`);
        return lines.slice(from).find((l) => pattern.test(l));
      }, `${name}: ${what}`, timeoutMs),
    send: (command) => void child.stdin?.write(`${command}\n`),
    health: async () => (await (await fetch(await url('/healthz'))).json()) as Health,
    metrics: async () => (await fetch(await url('/metrics'))).text(),
    async metric(metricName) {
      const found = new RegExp(`^${metricName}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(await replica.metrics());
      if (!found) throw new Error(`${name} has no metric ${metricName}`);
      return Number(found[1]);
    },
    async signal(signal) {
      if (child.exitCode !== null) return;
      child.kill(signal);
      if (signal === 'SIGKILL') await exited;
    },
  };
  return replica;
}

/** Ends every replica (a paused one too: SIGKILL ends a stopped process). */
export async function stopReplicas(replicas: Replica[]): Promise<void> {
  await Promise.all(replicas.map((r) => r.signal('SIGKILL')));
}
