// Acknowledgement and reply latency of the WHOLE bot, as Slack drives it. The bot runs as
// `npm start` runs it: a child process of src/main.ts through tsx, in its sandbox (no
// configuration file, a fresh BOT_DATA_DIR), Slack over HTTP (SLACK_BOT_TOKEN,
// SLACK_SIGNING_SECRET, SLACK_API_URL, PORT: SPEC section 5). Its replies go to a fake Slack
// Web API and response_url server in another process (sim/slack/fake-process.ts); the signed
// slash commands come from a load-generator process (bench/slack-load.ts). The baseline, in
// the same run and a process of its own: a bare Bolt app that only acks (bench/bare-bolt.ts).
//
// For each command (`help`, `list prod-1`, `tasks`): `rounds` interleaved rounds (bot, bare,
// bare, bot, ...) of `requests` commands at `concurrency`; every figure is the median of the
// rounds. Reply latency is from the command sent to its reply arriving at the fake
// response_url; every reply is counted. Then the bot's resident memory (its own /metrics):
// idle after start, after 10,000 commands and after 10,000 more (growth in the second half
// would be a leak).
//
// Memory is read after a full garbage collection: the bot process also loads
// bench/gc-on-signal.ts (with --expose-gc), which collects on SIGUSR2; nothing else changes.
//
// Alone: `npx tsx bench/bot-latency.ts`. From bench/run.ts: `benchBotLatency()` (figures) and
// `botLatencyTableRows(result)` (rows of run.ts's table).
// BOT_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" passes node options to the bot process.

import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BotLatencyOptions {
  /** Commands per round and target (default 1,000). */
  requests?: number;
  concurrency?: number;
  rounds?: number;
  /** The texts after `/backup` (default help, list prod-1, tasks). */
  commands?: string[];
  /** Commands the memory is read after (default 10,000), and as many again. */
  memoryCommands?: number;
  /** The Slack user sending them (default U0ADMIN1, an admin of the sandbox: the fullest replies). */
  userId?: string;
  /** Extra node options for the bot process (e.g. --cpu-prof). */
  botNodeArgs?: string[];
  /** Progress lines on stderr. */
  verbose?: boolean;
}

export interface BotLatencyRound {
  botP50: number;
  botP99: number;
  bareP50: number;
  bareP99: number;
  replyP50: number;
  replyP99: number;
}

export interface BotLatencyRow {
  /** The text after `/backup`. */
  command: string;
  requests: number;
  concurrency: number;
  /** Medians of the rounds, in ms. */
  botAckP50: number;
  botAckP99: number;
  bareAckP50: number;
  bareAckP99: number;
  /** botAckP99 / bareAckP99 (aim ≤ 1.5). */
  ratioP99: number;
  /** Command sent → reply delivered at the fake response_url / chat.post*, ms. */
  replyP50: number;
  replyP99: number;
  /** Commands sent to the bot in the measured rounds, and the replies delivered for them. */
  sent: number;
  delivered: number;
  rounds: BotLatencyRound[];
}

export interface BotMemory {
  /** Resident memory (MB) idle after start, after `commands`, after twice as many. */
  idleMb: number;
  afterMb: number;
  after2xMb: number;
  /** V8 heap in use (MB) at the same three points (after a full collection: what the bot holds). */
  heapIdleMb: number;
  heapAfterMb: number;
  heapAfter2xMb: number;
  commands: number;
  /** Replies to the memory phase's commands not delivered within 60 s of their batch. */
  undelivered: number;
}

export interface BotLatencyResult {
  rows: BotLatencyRow[];
  memory: BotMemory;
}

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const repoRoot = here('..');
const tsxImport = typeof import.meta.resolve === 'function' ? import.meta.resolve('tsx') : 'tsx';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const r2 = (n: number): number => Math.round(n * 100) / 100;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** A forked tsx script that prints one JSON line starting with `{` once it is ready. */
async function forkReady<T>(script: string, args: string[]): Promise<{ child: ChildProcess; info: T }> {
  const child = fork(script, args, { execArgv: ['--import', tsxImport], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const found = out.split('\n').slice(0, -1).find((l) => l.startsWith('{'));
      if (found !== undefined) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited (${String(code)}) before it was ready`)));
    child.once('error', reject);
  });
  return { child, info: JSON.parse(line) as T };
}

interface FakeSlack {
  apiUrl: string;
  baseUrl: string;
  botToken: string;
  child: ChildProcess;
  /** Response numbers handed out so far (the next command gets next + 1). */
  next: number;
}

function ask<T>(child: ChildProcess, message: unknown): Promise<T> {
  return new Promise<T>((resolve) => {
    child.once('message', (m: unknown) => resolve(m as T));
    child.send(message as string);
  });
}

/** When the replies to response numbers [from, to) arrived (0 = not yet), and chat.post* calls in all. */
const replies = (fake: FakeSlack, from: number, to: number) => ask<{ arrivals: number[]; posts: number }>(fake.child, { replies: [from, to] });

interface Fired {
  acks: number[];
  sent: number[];
  from: number;
}

/** `requests` signed slash commands from a load-generator process of its own. */
async function fire(url: string, secret: string, fake: FakeSlack, text: string, userId: string, requests: number, concurrency: number): Promise<Fired> {
  const from = fake.next + 1;
  fake.next += requests;
  const job = { url, secret, responseBase: fake.baseUrl, firstResponse: from, requests, concurrency, text, userId };
  const child = fork(here('./slack-load.ts'), [JSON.stringify(job)], { execArgv: ['--import', tsxImport], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the load generator exited with ${String(code)}`))));
    child.once('error', reject);
  });
  const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { times: number[]; failures: number; sent: number[] };
  if (result.failures > 0) throw new Error(`${result.failures} of ${requests} slash commands were not acked with 200`);
  return { acks: result.times, sent: result.sent, from };
}

/** Waits (bounded) until the replies to `fired` arrived; their latencies and how many came. */
async function collect(fake: FakeSlack, fired: Fired, postsBefore: number): Promise<{ latencies: number[]; delivered: number; posts: number }> {
  const end = Date.now() + 60_000;
  for (;;) {
    const { arrivals, posts } = await replies(fake, fired.from, fired.from + fired.sent.length);
    const viaUrl = arrivals.filter((a) => a > 0).length;
    const delivered = viaUrl + (posts - postsBefore);
    if (delivered >= fired.sent.length || Date.now() > end) {
      const latencies = arrivals.flatMap((a, i) => (a > 0 ? [a - (fired.sent[i] ?? a)] : []));
      return { latencies, delivered, posts };
    }
    await sleep(25);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.setTimeout(5000, () => req.destroy());
  });
}

interface BotProcess {
  url: string;
  metricsUrl: string;
  /** Asks the bot for a full garbage collection (bench/gc-on-signal.ts) and lets it settle. */
  collectGarbage(): Promise<void>;
  stop(): Promise<void>;
}

/** The bot as `npm start` runs it (tsx src/main.ts), sandbox, Slack over HTTP. */
async function startBot(fake: FakeSlack, secret: string, workDir: string, nodeArgs: string[]): Promise<BotProcess> {
  const port = await freePort();
  const dataDir = join(workDir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: secret,
    SLACK_API_URL: fake.apiUrl,
    PORT: String(port),
    BOT_DATA_DIR: dataDir,
    BACKUP_BOT_CONFIG: join(workDir, 'no-config.yml'),
  };
  for (const k of Object.keys(env)) if (k === 'SLACK_APP_TOKEN' || k === 'BOT_STORE_URL' || k === 'NODE_OPTIONS' || k.startsWith('DINGTALK_')) delete env[k];
  const log = openSync(join(workDir, 'bot.log'), 'a');
  // --expose-gc and bench/gc-on-signal.ts: memory is read after a full collection (SIGUSR2).
  const gcHook = pathToFileURL(here('./gc-on-signal.ts')).href;
  const child = spawn(process.execPath, [...nodeArgs, '--expose-gc', '--import', tsxImport, '--import', gcHook, 'src/main.ts'], { cwd: repoRoot, env, stdio: ['ignore', log, log] });
  closeSync(log);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`the bot exited (${String(exited)}) before listening; see ${join(workDir, 'bot.log')}`);
    if ((await get(`${base}/healthz`)).status === 200) break;
    if (Date.now() > deadline) throw new Error('the bot did not answer /healthz within 120 s');
    await sleep(250);
  }
  return {
    url: `${base}/slack/events`,
    metricsUrl: `${base}/metrics`,
    collectGarbage: async () => {
      child.kill('SIGUSR2');
      await sleep(1000);
    },
    stop: async () => {
      if (exited !== undefined) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await Promise.race([gone, sleep(10_000)]);
      if (exited === undefined) child.kill('SIGKILL');
    },
  };
}

/** Resident memory and V8 heap in use, MB, from the bot's own /metrics, after a full collection. */
async function memoryOf(bot: BotProcess): Promise<{ rss: number; heap: number }> {
  await bot.collectGarbage();
  const { body } = await get(bot.metricsUrl);
  const value = (suffix: string): number => {
    const line = body.split('\n').find((l) => !l.startsWith('#') && l.split(' ')[0]?.endsWith(suffix));
    return line === undefined ? Number.NaN : Number(line.split(' ')[1]) / (1024 * 1024);
  };
  return { rss: r2(value('process_resident_memory_bytes')), heap: r2(value('nodejs_heap_size_used_bytes')) };
}

export async function benchBotLatency(opts: BotLatencyOptions = {}): Promise<BotLatencyResult> {
  const requests = opts.requests ?? 1000;
  const concurrency = opts.concurrency ?? 50;
  const roundCount = opts.rounds ?? 3;
  const commands = opts.commands ?? ['help', 'list prod-1', 'tasks'];
  const memoryCommands = opts.memoryCommands ?? 10_000;
  const userId = opts.userId ?? 'U0ADMIN1';
  const say = (s: string): void => {
    if (opts.verbose === true) process.stderr.write(`bot-latency: ${s}\n`);
  };
  const secret = randomBytes(16).toString('hex');
  const workDir = mkdtempSync(join(tmpdir(), 'bench-bot-latency-'));
  const started = await forkReady<{ apiUrl: string; baseUrl: string; botToken: string }>(here('../sim/slack/fake-process.ts'), [`xoxb-bench-${randomBytes(4).toString('hex')}`]);
  const fake: FakeSlack = { ...started.info, child: started.child, next: 0 };
  const bare = await forkReady<{ url: string }>(here('./bare-bolt.ts'), [secret, fake.apiUrl, fake.botToken]);
  let bot: BotProcess | undefined;
  try {
    bot = await startBot(fake, secret, workDir, opts.botNodeArgs ?? []);
    const theBot = bot;
    await sleep(2000); // start-up work (the scheduler's first look, reconciliation) settles
    const idle = await memoryOf(theBot);
    say(`bot up; idle RSS ${idle.rss} MB`);
    let botCommands = 0;
    let posts = (await replies(fake, 0, 0)).posts;

    /** Commands to the bot, with their replies waited for. */
    const toBot = async (text: string, n: number, c: number): Promise<{ fired: Fired; latencies: number[]; delivered: number }> => {
      const fired = await fire(theBot.url, secret, fake, text, userId, n, c);
      botCommands += n;
      const got = await collect(fake, fired, posts);
      posts = got.posts;
      return { fired, latencies: got.latencies, delivered: got.delivered };
    };

    const rows: BotLatencyRow[] = [];
    for (const text of commands) {
      // Warm both (JIT, sockets) before measuring.
      await toBot(text, Math.min(100, requests), Math.min(concurrency, requests));
      await fire(bare.info.url, secret, fake, text, userId, Math.min(100, requests), Math.min(concurrency, requests));
      const rounds: BotLatencyRound[] = [];
      let sent = 0;
      let delivered = 0;
      for (let i = 0; i < roundCount; i++) {
        const order = i % 2 === 0 ? (['bot', 'bare'] as const) : (['bare', 'bot'] as const);
        const round: Partial<BotLatencyRound> = {};
        for (const which of order) {
          if (which === 'bare') {
            const f = await fire(bare.info.url, secret, fake, text, userId, requests, concurrency);
            round.bareP50 = r2(percentile(f.acks, 50));
            round.bareP99 = r2(percentile(f.acks, 99));
          } else {
            const b = await toBot(text, requests, concurrency);
            sent += requests;
            delivered += b.delivered;
            Object.assign(round, {
              botP50: r2(percentile(b.fired.acks, 50)),
              botP99: r2(percentile(b.fired.acks, 99)),
              replyP50: r2(percentile(b.latencies, 50)),
              replyP99: r2(percentile(b.latencies, 99)),
            });
          }
        }
        rounds.push(round as BotLatencyRound);
        say(`${text} round ${i + 1}: ack p99 bot ${round.botP99} / bare ${round.bareP99} ms; reply p50/p99 ${round.replyP50}/${round.replyP99} ms`);
      }
      const m = (k: keyof BotLatencyRound): number => r2(median(rounds.map((r) => r[k])));
      rows.push({
        command: text,
        requests,
        concurrency,
        botAckP50: m('botP50'),
        botAckP99: m('botP99'),
        bareAckP50: m('bareP50'),
        bareAckP99: m('bareP99'),
        ratioP99: r2(m('botP99') / m('bareP99')),
        replyP50: m('replyP50'),
        replyP99: m('replyP99'),
        sent,
        delivered,
        rounds,
      });
    }

    // Memory: top up to `memoryCommands`, then as many again, the commands in turn.
    let undelivered = 0;
    const upTo = async (total: number): Promise<void> => {
      for (let k = 0; botCommands < total; k++) {
        const got = await toBot(commands[k % commands.length] ?? 'help', Math.min(1000, total - botCommands), concurrency);
        undelivered += got.fired.sent.length - got.delivered;
      }
      await sleep(2000);
    };
    await upTo(memoryCommands);
    const after = await memoryOf(theBot);
    say(`after ${botCommands} commands: RSS ${after.rss} MB`);
    await upTo(2 * memoryCommands);
    const after2x = await memoryOf(theBot);
    say(`after ${botCommands} commands: RSS ${after2x.rss} MB`);
    return {
      rows,
      memory: { idleMb: idle.rss, afterMb: after.rss, after2xMb: after2x.rss, heapIdleMb: idle.heap, heapAfterMb: after.heap, heapAfter2xMb: after2x.heap, commands: memoryCommands, undelivered },
    };
  } finally {
    await bot?.stop();
    if (bare.child.connected) bare.child.disconnect();
    if (fake.child.connected) fake.child.disconnect();
    rmSync(workDir, { recursive: true, force: true });
  }
}

const f = (n: number, digits = 1): string => n.toFixed(digits);

/** Rows in bench/run.ts's table: [benchmark, baseline, measured, vs baseline]. */
export function botLatencyTableRows(result: BotLatencyResult): string[][] {
  const rows: string[][] = [];
  for (const r of result.rows) {
    const what = `bot /backup ${r.command} (${r.requests} at c=${r.concurrency})`;
    rows.push([`${what}: ack p50 (ms)`, f(r.bareAckP50), f(r.botAckP50), `x${f(r.botAckP50 / r.bareAckP50, 2)}`]);
    rows.push([`${what}: ack p99 (ms)`, f(r.bareAckP99), f(r.botAckP99), `x${f(r.ratioP99, 2)} (aim x <= 1.5)`]);
    rows.push([`${what}: reply p50 / p99 (ms)`, '-', `${f(r.replyP50)} / ${f(r.replyP99)}`, `${r.delivered}/${r.sent} replies delivered`]);
  }
  const m = result.memory;
  rows.push([
    `bot resident memory: idle / ${m.commands} / ${2 * m.commands} commands (MB)`,
    f(m.idleMb),
    `${f(m.afterMb)} / ${f(m.after2xMb)}`,
    `+${f(m.afterMb - m.idleMb)} MB, then ${m.after2xMb - m.afterMb >= 0 ? '+' : ''}${f(m.after2xMb - m.afterMb)} MB (heap ${f(m.heapIdleMb)} / ${f(m.heapAfterMb)} / ${f(m.heapAfter2xMb)})${m.undelivered > 0 ? `; ${m.undelivered} replies not delivered` : ''}`,
  ]);
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const nodeArgs = (process.env.BOT_NODE_ARGS ?? '').split(/\s+/).filter((a) => a !== '');
  const result = await benchBotLatency({ verbose: true, botNodeArgs: nodeArgs });
  const header = ['benchmark', 'bare Bolt', 'bot', 'vs baseline'];
  const rows = botLatencyTableRows(result);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(line(r));
  console.log('\nrounds (ack p99 bot / bare, ms):');
  for (const r of result.rows) console.log(`  ${r.command}: ${r.rounds.map((x) => `${f(x.botP99)} / ${f(x.bareP99)}`).join(', ')}`);
  console.log(`\nThe bot: npm start's tsx src/main.ts in its sandbox, Slack over HTTP; baseline: a bare Bolt app that only acks; both in processes of their own, as are the fake Slack and the load generator. Median of ${result.rows[0]?.rounds.length ?? 0} interleaved rounds. Memory: the bot's own /metrics, 2 s idle and a full garbage collection before each reading.`);
  const missing = result.rows.filter((r) => r.delivered < r.sent);
  if (missing.length > 0 || result.memory.undelivered > 0) {
    console.error(`replies missing: ${[...missing.map((r) => `${r.command} ${r.sent - r.delivered}`), `memory phase ${result.memory.undelivered}`].join(', ')}`);
    process.exitCode = 1;
  }
}
