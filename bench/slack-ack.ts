// Ack latency of the Slack surface: 1,000 signed `/backup help` slash commands at
// concurrency 50 against (a) the real surface in front of a command core and (b) in the same
// run a bare Bolt app whose handler only acks. The surface keeps handled requests in a lowdb
// store on disk, as `npm start` wires it. Both over real HTTP; the fake Slack Web API
// runs in a process of its own, as Slack is remote. Prints p50/p99 per row and the p99
// ratio (a)/(b).
// Alone: `npx tsx bench/slack-ack.ts`. From bench/run.ts: `benchSlackAck({ core })`.

import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { silentLogger, startSlackSurface } from '../adapters/slack';
import { boltLogger } from '../adapters/slack/logger';
import { openLowdbStore } from '../adapters/store/lowdb';
import type { CommandCore } from '../src/ports';
import { storedSeenKeys } from '../src/app/seen-keys';
import { TestCore } from '../test/slack/test-core';

export interface SlackAckRow {
  name: string;
  p50: number;
  p99: number;
}

export interface SlackAckOptions {
  requests?: number;
  concurrency?: number;
  /** The command core behind the surface; the Slack tests' core when not given. */
  core?: CommandCore;
  /** Keep handled requests in a lowdb store on disk, as `npm start` does (default true). */
  storeSeenRequests?: boolean;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

/**
 * Sends `requests` signed `/backup help` at `concurrency` from a load-generator process of its
 * own (bench/slack-load.ts); the ack times in ms, sorted.
 */
async function fire(url: string, secret: string, fake: RemoteFake, requests: number, concurrency: number): Promise<number[]> {
  const script = new URL('./slack-load.ts', import.meta.url).pathname;
  const tsx = typeof import.meta.resolve === 'function' ? import.meta.resolve('tsx') : 'tsx';
  const job = { url, secret, responseBase: fake.baseUrl, firstResponse: fake.sent + 1, requests, concurrency };
  fake.sent += requests;
  const child = fork(script, [JSON.stringify(job)], { execArgv: ['--import', tsx], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the load generator exited with ${String(code)}`))));
    child.once('error', reject);
  });
  const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { times: number[]; failures: number };
  if (result.failures > 0) throw new Error(`${result.failures} of ${requests} slash commands were not acked with 200`);
  return result.times.sort((a, b) => a - b);
}

async function bareBolt(fake: RemoteFake, secret: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const app = new App({
    token: fake.botToken,
    botId: 'B0BOT',
    botUserId: 'UBOT',
    logger: boltLogger(silentLogger, 'bare-bolt', [], LogLevel.ERROR),
    clientOptions: { slackApiUrl: fake.apiUrl },
    receiver: new HTTPReceiver({ signingSecret: secret, processBeforeResponse: false }),
  });
  app.command('/backup', async ({ ack }) => {
    await ack();
  });
  const server: unknown = await app.start(0);
  if (!(server instanceof http.Server)) throw new Error('Bolt did not return an HTTP server');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/slack/events`, stop: async () => void (await app.stop()) };
}

/** The fake Slack Web API in its own process (sim/slack/fake-process.ts). */
interface RemoteFake {
  apiUrl: string;
  baseUrl: string;
  botToken: string;
  /** Slash commands sent so far (numbers their response_urls). */
  sent: number;
  responses(): Promise<number>;
  stop(): void;
}

async function startRemoteFake(botToken: string): Promise<RemoteFake> {
  const script = new URL('../sim/slack/fake-process.ts', import.meta.url).pathname;
  // tsx by its resolved URL, so the child finds it whatever the working directory is.
  const tsx = typeof import.meta.resolve === 'function' ? import.meta.resolve('tsx') : 'tsx';
  const child: ChildProcess = fork(script, [botToken], { execArgv: ['--import', tsx], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const first = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      // The first line that starts with `{` (anything printed before it is not ours to read).
      const line = out.split('\n').slice(0, -1).find((l) => l.startsWith('{'));
      if (line !== undefined) resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`the fake Slack process exited (${String(code)})`)));
    child.once('error', reject);
  });
  const info = JSON.parse(first) as { apiUrl: string; baseUrl: string; botToken: string };
  return {
    ...info,
    sent: 0,
    responses: () =>
      new Promise<number>((resolve) => {
        child.once('message', (m: unknown) => resolve(typeof m === 'object' && m !== null && 'responses' in m && typeof m.responses === 'number' ? m.responses : 0));
        child.send('stats');
      }),
    stop: () => {
      if (child.connected) child.disconnect();
    },
  };
}

/** Waits (bounded) until `expected` replies reached the fake's response_urls. */
async function settle(fake: RemoteFake, expected: number): Promise<void> {
  const end = Date.now() + 30_000;
  while (Date.now() < end && (await fake.responses()) < expected) await new Promise((r) => setTimeout(r, 20));
}

export async function benchSlackAck(opts: SlackAckOptions = {}): Promise<{ rows: SlackAckRow[]; ratio: number }> {
  const requests = opts.requests ?? 1000;
  const concurrency = opts.concurrency ?? 50;
  const secret = randomBytes(16).toString('hex');
  const fake = await startRemoteFake(`xoxb-bench-${randomBytes(4).toString('hex')}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-slack-ack-'));
  const store = opts.storeSeenRequests === false ? null : await openLowdbStore(dataDir);
  const surface = await startSlackSurface({
    ...(store !== null ? { seenRequests: storedSeenKeys(store, 'slack.request', 10 * 60_000) } : {}),
    core: opts.core ?? new TestCore(),
    botToken: fake.botToken,
    signingSecret: secret,
    apiUrl: fake.apiUrl,
    port: 0,
    logger: silentLogger,
    retryConfig: { retries: 0 },
  });
  const bare = await bareBolt(fake, secret);
  const surfaceUrl = `http://127.0.0.1:${surface.port}/slack/events`;
  try {
    const warm = Math.min(100, requests);
    await fire(surfaceUrl, secret, fake, warm, Math.min(concurrency, warm));
    await fire(bare.url, secret, fake, warm, Math.min(concurrency, warm));
    let replies = warm;
    await settle(fake, replies);
    // Alternate in rounds, so a change in the machine's load hits both alike.
    const rounds = Math.max(1, Math.min(5, Math.floor(requests / concurrency)));
    const bareTimes: number[] = [];
    const surfaceTimes: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const n = Math.floor(requests / rounds) + (round < requests % rounds ? 1 : 0);
      const order = round % 2 === 0 ? (['bare', 'surface'] as const) : (['surface', 'bare'] as const);
      for (const which of order) {
        if (which === 'bare') bareTimes.push(...(await fire(bare.url, secret, fake, n, concurrency)));
        else {
          surfaceTimes.push(...(await fire(surfaceUrl, secret, fake, n, concurrency)));
          replies += n;
          await settle(fake, replies); // the replies land before the next measurement
        }
      }
    }
    bareTimes.sort((a, b) => a - b);
    surfaceTimes.sort((a, b) => a - b);
    const rows: SlackAckRow[] = [
      { name: `slack ack: /backup help via the bot surface (${requests} req, c=${concurrency})`, p50: round(percentile(surfaceTimes, 50)), p99: round(percentile(surfaceTimes, 99)) },
      { name: `slack ack: bare Bolt app, ack only (${requests} req, c=${concurrency})`, p50: round(percentile(bareTimes, 50)), p99: round(percentile(bareTimes, 99)) },
    ];
    const ratio = Math.round((percentile(surfaceTimes, 99) / percentile(bareTimes, 99)) * 100) / 100;
    return { rows, ratio };
  } finally {
    await bare.stop();
    await surface.stop();
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
    fake.stop();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { rows, ratio } = await benchSlackAck();
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(`${'benchmark'.padEnd(width)}  ${'p50 ms'.padStart(8)}  ${'p99 ms'.padStart(8)}`);
  for (const r of rows) console.log(`${r.name.padEnd(width)}  ${r.p50.toFixed(2).padStart(8)}  ${r.p99.toFixed(2).padStart(8)}`);
  console.log(`p99 ratio (bot surface / bare Bolt): ${ratio.toFixed(2)}`);
}
