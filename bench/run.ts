// `npm run bench`: every scenario, each beside a baseline measured in the same run, printed as
// ONE table (scenario, figure, baseline, ratio, aim and whether it is met) and written to
// bench/RESULTS.md with the machine's description. The machine is shared and noisy: each
// scenario runs in several rounds, interleaved with its baseline, and the table shows the median.
// BENCH_ROUNDS sets the rounds (default 3).

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { benchDelete } from './delete';
import { median, openListSubject, type ListSubject } from './list';
import { benchOverhead } from './overhead';
import { benchBotLatency } from './bot-latency';

/** One row of the table. `better` says which way the figure should go against the aim. */
interface Row {
  scenario: string;
  figure: string;
  baseline: string;
  ratio: string;
  aim: string;
  /** true = met, false = missed, null = no aim. */
  met: boolean | null;
}

const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const rows: Row[] = [];
const f = (n: number, digits = 1) => n.toFixed(digits);
const ratio = (figure: number, baseline: number) => (baseline > 0 ? `x${f(figure / baseline, 2)}` : '—');

// ---------------------------------------------------------------- scheduler, 1,000 instances

interface SchedulerSample {
  instances: number;
  configMs: number;
  configCpuMs: number;
  startupMs: number;
  startupCpuMs: number;
  rssMb: number;
  idleCpuMsPerSecond: number;
  tickMs: number;
  tickCpuMs: number;
}

function schedulerSample(instances: number): SchedulerSample {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/scheduler-child.ts', String(instances)], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as SchedulerSample;
}

function benchScheduler(): void {
  const base: SchedulerSample[] = [];
  const big: SchedulerSample[] = [];
  for (let i = 0; i < rounds; i++) {
    base.push(schedulerSample(1));
    big.push(schedulerSample(1000));
  }
  const m = (samples: SchedulerSample[], key: keyof SchedulerSample) => median(samples.map((s) => s[key]));
  const startup = m(big, 'startupMs') - m(base, 'startupMs');
  rows.push({ scenario: 'scheduler, 1,000 instances: start-up, store open to bot started (ms)', figure: f(m(big, 'startupMs')), baseline: f(m(base, 'startupMs')), ratio: `+${f(startup)} ms`, aim: '< +200 ms', met: startup < 200 });
  const startupCpu = m(big, 'startupCpuMs') - m(base, 'startupCpuMs');
  rows.push({ scenario: 'scheduler, 1,000 instances: start-up CPU (ms)', figure: f(m(big, 'startupCpuMs')), baseline: f(m(base, 'startupCpuMs')), ratio: `+${f(startupCpu)} ms`, aim: '—', met: null });
  const config = m(big, 'configMs') - m(base, 'configMs');
  rows.push({ scenario: 'scheduler, 1,000 instances: config file read + validated (ms, CPU ms)', figure: `${f(m(big, 'configMs'))} (${f(m(big, 'configCpuMs'))})`, baseline: `${f(m(base, 'configMs'))} (${f(m(base, 'configCpuMs'))})`, ratio: `+${f(config)} ms`, aim: '—', met: null });
  const rss = m(big, 'rssMb') - m(base, 'rssMb');
  rows.push({ scenario: 'scheduler, 1,000 instances: resident memory (MB)', figure: f(m(big, 'rssMb')), baseline: f(m(base, 'rssMb')), ratio: `+${f(rss)} MB`, aim: '< +50 MB', met: rss < 50 });
  rows.push({ scenario: 'scheduler, 1,000 instances: idle CPU (ms per s)', figure: f(m(big, 'idleCpuMsPerSecond'), 2), baseline: f(m(base, 'idleCpuMsPerSecond'), 2), ratio: `+${f(m(big, 'idleCpuMsPerSecond') - m(base, 'idleCpuMsPerSecond'), 2)}`, aim: '—', met: null });
  rows.push({ scenario: 'scheduler, 1,000 instances: one tick, all due (ms wall / CPU)', figure: `${f(m(big, 'tickMs'))} / ${f(m(big, 'tickCpuMs'))}`, baseline: `${f(m(base, 'tickMs'), 2)} / ${f(m(base, 'tickCpuMs'), 2)}`, ratio: `+${f(m(big, 'tickMs') - m(base, 'tickMs'))} ms`, aim: '—', met: null });
}

// ---------------------------------------------------------------- prefix deletion

async function benchDeletion(): Promise<void> {
  for (const latencyMs of [0, 5]) {
    const adapter: number[] = [];
    const perObject: number[] = [];
    let requests = '';
    for (let i = 0; i < rounds; i++) {
      const d = await benchDelete(20_000, latencyMs);
      adapter.push(d.adapter.ms);
      perObject.push(d.perObject.ms);
      requests = `${d.adapter.deleteRequests} POST ?delete + ${d.adapter.listRequests} list (per object: ${d.perObject.deleteRequests} DELETE)`;
    }
    const where = latencyMs === 0 ? 'loopback' : `${latencyMs} ms a request`;
    const speedup = median(perObject) / median(adapter);
    rows.push({ scenario: `delete 20,000 objects, ${where} (s)`, figure: f(median(adapter) / 1000, 2), baseline: `${f(median(perObject) / 1000, 2)} (one DELETE per object)`, ratio: `x${f(speedup, 1)} faster`, aim: 'x20 faster', met: speedup >= 20 });
    if (latencyMs === 0) rows.push({ scenario: 'delete 20,000 objects: HTTP requests', figure: requests, baseline: '20,000 DELETE', ratio: '—', aim: '<= 20 deletes + list pages', met: /^(\d+) POST/.test(requests) ? Number(/^(\d+)/.exec(requests)?.[1]) <= 20 : null });
  }
}

// ---------------------------------------------------------------- /backup list with history

async function benchListing(): Promise<void> {
  const subjects: ListSubject[] = [];
  try {
    subjects.push(await openListSubject('lowdb'));
    subjects.push(await openListSubject('mysql'));
    const p99: Record<string, Record<number, number[]>> = { lowdb: {}, mysql: {} };
    const growth: { kind: string; sets: number; bytes: number | null; writeMs: number }[] = [];
    for (const sets of [1_000, 5_000, 10_000]) {
      for (const s of subjects) {
        await s.grow(sets);
        growth.push({ kind: s.kind, sets, bytes: s.fileBytes(), writeMs: await s.writeMs() });
      }
      if (sets === 5_000) continue;
      for (let i = 0; i < rounds; i++) {
        for (const s of subjects) ((p99[s.kind] ??= {})[sets] ??= []).push((await s.listRound()).p99);
      }
    }
    for (const s of subjects) {
      const at = (n: number) => median(p99[s.kind]?.[n] ?? []);
      const name = s.kind === 'lowdb' ? 'embedded lowdb store' : 'MySQL store (MariaDB)';
      rows.push({ scenario: `/backup list p99, 10,000 sets over 100 instances, ${name} (ms)`, figure: f(at(10_000)), baseline: `${f(at(1_000))} (1,000 sets)`, ratio: ratio(at(10_000), at(1_000)), aim: '< 50 ms', met: at(10_000) < 50 });
    }
    for (const kind of ['lowdb', 'mysql']) {
      const mine = growth.filter((g) => g.kind === kind);
      const first = mine[0];
      const last = mine[mine.length - 1];
      if (!first || !last) continue;
      const series = mine.map((g) => `${g.sets / 1000}k: ${f(g.writeMs)}`).join(', ');
      rows.push({ scenario: `${kind === 'lowdb' ? 'lowdb' : 'MySQL'} store: one write (a set's progress update) as history grows (ms)`, figure: series, baseline: `${f(first.writeMs)} (1k)`, ratio: ratio(last.writeMs, first.writeMs), aim: '—', met: null });
      if (kind === 'lowdb') {
        rows.push({ scenario: 'lowdb store: file size as history grows (MB)', figure: mine.map((g) => `${g.sets / 1000}k: ${f((g.bytes ?? 0) / 1048576)}`).join(', '), baseline: `${f((first.bytes ?? 0) / 1048576)} (1k)`, ratio: ratio(last.bytes ?? 0, first.bytes ?? 0), aim: '—', met: null });
      }
    }
  } finally {
    for (const s of subjects) await s.close();
  }
}

// ---------------------------------------------------------------- the bot's overhead on a backup and a restore

async function benchOverheads(): Promise<void> {
  const samples = [];
  for (let i = 0; i < rounds; i++) samples.push(await benchOverhead(400));
  for (const kind of ['backup', 'restore'] as const) {
    const overhead = median(samples.map((s) => s[kind].overheadMs));
    const jobs = median(samples.map((s) => s[kind].jobsMs));
    const total = median(samples.map((s) => s[kind].totalMs));
    rows.push({ scenario: `bot overhead on a ${kind} of sandbox prod-1: click to completion message minus StarRocks jobs (ms)`, figure: f(overhead, 0), baseline: `${f(jobs, 0)} jobs of ${f(total, 0)} total`, ratio: `${f((100 * overhead) / total, 0)} % of total`, aim: '<= 2000 ms', met: overhead <= 2000 });
  }
}

// ---------------------------------------------------------------- the whole bot under Slack load

async function benchChat(): Promise<void> {
  const result = await benchBotLatency({ rounds });
  for (const r of result.rows) {
    const what = `bot /backup ${r.command}, ${r.requests} signed slash commands at c=${r.concurrency}`;
    rows.push({ scenario: `${what}: ack p50 (ms)`, figure: f(r.botAckP50), baseline: `${f(r.bareAckP50)} bare Bolt`, ratio: ratio(r.botAckP50, r.bareAckP50), aim: '—', met: null });
    rows.push({ scenario: `${what}: ack p99 (ms)`, figure: f(r.botAckP99), baseline: `${f(r.bareAckP99)} bare Bolt`, ratio: ratio(r.botAckP99, r.bareAckP99), aim: 'x <= 1.5, every reply delivered', met: r.ratioP99 <= 1.5 && r.delivered === r.sent });
    rows.push({ scenario: `${what}: reply p50 / p99, command to reply delivered (ms)`, figure: `${f(r.replyP50)} / ${f(r.replyP99)}`, baseline: '—', ratio: '—', aim: `${r.delivered}/${r.sent} delivered`, met: r.delivered === r.sent });
  }
  const m = result.memory;
  rows.push({
    scenario: `bot memory after ${m.commands} and ${2 * m.commands} commands: heap after a full GC (MB; resident ${f(m.idleMb)} / ${f(m.afterMb)} / ${f(m.after2xMb)})`,
    figure: `${f(m.heapAfterMb)} / ${f(m.heapAfter2xMb)}`,
    baseline: `${f(m.heapIdleMb)} idle`,
    ratio: `+${f(m.heapAfterMb - m.heapIdleMb)}, then ${m.heapAfter2xMb - m.heapAfterMb >= 0 ? '+' : ''}${f(m.heapAfter2xMb - m.heapAfterMb)} MB`,
    aim: 'no leak: second 10k adds < 10 MB',
    met: m.heapAfter2xMb - m.heapAfterMb < 10 && m.undelivered === 0,
  });
}

// ---------------------------------------------------------------- the table

function table(): string {
  const header = ['scenario', 'figure', 'baseline (same run)', 'ratio', 'aim', 'met'];
  const cells = rows.map((r) => [r.scenario, r.figure, r.baseline, r.ratio, r.aim, r.met === null ? '—' : r.met ? 'met' : 'MISSED']);
  return [header, header.map(() => '---'), ...cells].map((c) => `| ${c.join(' | ')} |`).join('\n');
}

function machine(): string {
  const cpus = os.cpus();
  return [
    `- CPU: ${cpus[0]?.model ?? 'unknown'}, ${cpus.length} cores`,
    `- memory: ${f(os.totalmem() / 1024 ** 3)} GiB`,
    `- Node ${process.version}, ${os.type()} ${os.release()}`,
    `- date: ${new Date().toISOString()}`,
    `- load average at the end (1/5/15 min): ${os.loadavg().map((l) => f(l, 2)).join(' / ')}`,
  ].join('\n');
}

const NOTES = `Each figure is the median of ${rounds} rounds, the scenario and its baseline interleaved in each round.
- Scheduler: a fresh process per sample, started as \`npm start\` starts with a configuration file (the YAML read and validated, the store chosen from the environment and opened, createBot with the real connectors and node-cron, bot.start), as a restart (settings and last-seen time already stored); 1,000 instances over 4 zones and a handful of schedules, against 1 instance. Clusters and OSS unreachable, so only the bot's own work is timed. The tick row starts the day's runs of every instance at once (the engine's start counted, not run).
- Delete: ali-oss against the OSS simulator in the same process; "5 ms a request" delays every answer that much, as a network round trip would.
- /backup list: \`list db-N\` as an admin, through the command core built by src/app/services.ts, rendered to Slack Block Kit; 100 sets per instance, 40 rows and their buttons shown. MySQL: a fresh database on 127.0.0.1:3306, dropped afterwards.
- Slack load: the bot as \`npm start\` runs it (tsx src/main.ts, the sandbox, Slack over HTTP, a fresh data folder), the fake Slack Web API and response_url, the load generator and the baseline (a bare Bolt app whose handler only acks) each in a process of its own; per command 100 warm-up commands, then rounds of 1,000 at concurrency 50, bot and bare Bolt interleaved. Memory: the bot's own /metrics after a forced full GC, idle and after 10,000 and 20,000 more commands.
- Overhead: the sandbox as \`npm start\` builds it (simulators with 400 ms job steps, sandbox poll timing); the clicks go through the command core as the terminal calls it, and a terminal notifier times each message. Jobs' run time: the time at least one of the set's jobs was running (each job's create to finish time, from the simulator's records); a wait between one database's job and the next is the bot's.`;

async function main(): Promise<void> {
  benchScheduler();
  await benchDeletion();
  await benchListing();
  await benchOverheads();
  await benchChat();

  const text = table();
  console.log(text);
  console.log(`\n${NOTES}`);
  writeFileSync(new URL('./RESULTS.md', import.meta.url), `# Benchmark results\n\n\`npm run bench\` on:\n\n${machine()}\n\n${text}\n\n${NOTES}\n`);
  console.log('\nwritten to bench/RESULTS.md');
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
