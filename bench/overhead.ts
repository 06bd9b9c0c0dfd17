// The bot's own overhead on a backup and on a restore of the sandbox's prod-1: from the click that
// starts the work (Run backup's confirmation; the second admin's Approve) to the completion
// message reaching the chat, minus the StarRocks jobs' own run time (the time at least one job was
// running, from each job's create and finish times in the simulator's records, in milliseconds).
// What is left is the bot's: preflight, polling lag (also between one database's job and the
// next), sizing and message delivery.
//
// The bot is built as `npm start` builds the sandbox (src/main.ts): the sandbox simulators, the
// sandbox configuration, the embedded store, createBot with the real connectors, node-cron and the
// sandbox's poll timing, started. Chat goes through its command core as the terminal surface calls
// it (the same actors, buttons and forms), and a terminal notifier records when each message
// arrives. `stepMs` is how long each simulated job state lasts (npm start: 400 ms).
// Alone: `npx tsx bench/overhead.ts [stepMs]`.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeCron } from '../adapters/cron/node-cron';
import { aliOssConnector } from '../adapters/oss';
import { mysqlStarRocksConnector } from '../adapters/starrocks';
import { openLowdbStore } from '../adapters/store/lowdb';
import { createBot, type Bot } from '../src/app/bot';
import { sandboxConfig } from '../src/config';
import type { DeliveredMessage, Logger, Notifier } from '../src/ports';
import type { Reply } from '../src/reply';
import { startSandboxSimulators } from '../sim/sandbox';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const TERMINAL = { platform: 'terminal' as const, channelId: 'terminal' };

export interface Overhead {
  /** Click to completion message, ms. */
  totalMs: number;
  /** Time at least one StarRocks job was running, ms. */
  jobsMs: number;
  overheadMs: number;
  /** What happened when, ms after the click: the set's timeline, the jobs, the completion message. */
  timeline: string[];
}

interface Seen {
  at: number;
  reply: Reply;
}

function textOf(reply: Reply): string {
  return [reply.title ?? '', reply.text, ...(reply.items ?? []).map((i) => i.text), ...(reply.notes ?? [])].join('\n');
}

function buttonOf(reply: Reply, label: RegExp): string {
  const button = [...(reply.buttons ?? []), ...(reply.items ?? []).flatMap((i) => i.buttons ?? [])].find((b) => label.test(b.label));
  if (!button) throw new Error(`no button ${String(label)} in: ${reply.text}`);
  return button.value;
}

async function until<T>(what: string, find: () => T | null | undefined, timeoutMs = 180_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== null && found !== undefined) return found;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface JobRecord {
  type: string;
  label: string;
  createTime: string;
  finishedTime: string | null;
}

/**
 * The time at least one of the jobs whose label matches was running (the union of their create to
 * finish intervals), from the simulator's records: a wait between one job's end and the next
 * one's submission is the bot's, not StarRocks'.
 */
function jobsRunning(jobs: JobRecord[], labels: (label: string) => boolean): number {
  const mine = jobs.filter((j) => labels(j.label));
  if (mine.length === 0 || mine.some((j) => j.finishedTime === null)) throw new Error('the jobs did not all finish');
  const spans = mine.map((j) => [Date.parse(j.createTime), Date.parse(j.finishedTime as string)] as const).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [from, to] = spans[0] as readonly [number, number];
  for (const [start, end] of spans.slice(1)) {
    if (start > to) {
      total += to - from;
      from = start;
      to = end;
    } else to = Math.max(to, end);
  }
  return total + (to - from);
}

export async function benchOverhead(stepMs = 400): Promise<{ backup: Overhead; restore: Overhead }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-overhead-'));
  const sandbox = await startSandboxSimulators({ stepMs, dataDir });
  const config = sandboxConfig(sandbox.description);
  const store = await openLowdbStore(dataDir);
  let bot: Bot | null = null;
  try {
    bot = await createBot({ config, store, starrocks: mysqlStarRocksConnector, oss: aliOssConnector, cron: nodeCron, log: silent, timing: { pollMinMs: 300, pollMaxMs: 2000 } });
    const seen: Seen[] = [];
    let n = 0;
    const notifier: Notifier = {
      platform: 'terminal',
      async post(_channel, reply): Promise<DeliveredMessage> {
        seen.push({ at: performance.now(), reply });
        return { platform: 'terminal', channelId: 'terminal', messageId: String(++n) };
      },
      async update(message, reply) {
        seen.push({ at: performance.now(), reply });
        return message;
      },
    };
    bot.notifiers.set('terminal', notifier);
    await bot.start();
    const core = bot.core;
    const as = (user: string) => core.resolveActor('terminal', user);
    const jobsOf = (instance: string) => (sandbox.starrocks.instance(instance).toState() as unknown as { jobs: JobRecord[] }).jobs;

    // Backup: `run prod-1`, then the confirmation click.
    const ask = await core.run({ actor: as('admin1'), text: 'run prod-1', channel: TERMINAL });
    const value = buttonOf(ask, /Run backup/);
    const b0 = performance.now();
    const b0Wall = Date.now();
    const started = await core.act({ actor: as('admin1'), value, channel: TERMINAL });
    const setId = /\*(bk-[^*]+)\*/.exec(started.text)?.[1];
    if (!setId) throw new Error(`no backup started: ${started.text}`);
    const backupDone = await until('the backup completion message', () => seen.find((s) => s.at > b0 && textOf(s.reply).includes(setId) && /finished|failed/i.test(s.reply.title ?? s.reply.text) && !/started/i.test(s.reply.title ?? '')));
    const set = await store.backupSets.get(setId);
    if (set?.state !== 'FINISHED') throw new Error(`the backup ended ${set?.state ?? 'missing'}: ${textOf(backupDone.reply)}`);
    const snapshots = new Set(set.databases.map((d) => d.snapshotName));
    const after = (wall: number, iso: string) => `${Date.parse(iso) - wall} ms`;
    const jobLines = (jobs: JobRecord[], wall: number) => jobs.map((j) => `job ${j.label}: created ${after(wall, j.createTime)}, finished ${j.finishedTime ? after(wall, j.finishedTime) : '—'}`);
    const backupTimeline = [
      ...set.events.map((e) => `${after(b0Wall, e.at)}: ${e.what}`),
      ...jobLines(jobsOf('prod-1').filter((j) => j.type === 'backup' && snapshots.has(j.label)), b0Wall),
      `completion message: ${Math.round(backupDone.at - b0)} ms`,
    ];
    const backupJobs = jobsRunning(jobsOf('prod-1').filter((j) => j.type === 'backup'), (l) => snapshots.has(l));
    const backupTotal = backupDone.at - b0;

    // Restore into staging-1: asked by admin1, approved by admin2 (four eyes); timed from the approval.
    const asked = await core.run({ actor: as('admin1'), text: `restore ${setId} to staging-1`, channel: TERMINAL });
    const requestId = /(rs-[a-z0-9-]+)/.exec(textOf(asked))?.[1];
    if (!requestId) throw new Error(`no restore requested: ${textOf(asked)}`);
    const approval = await until('the approval message', () => seen.find((s) => textOf(s.reply).includes(requestId) && /needs approval/i.test(textOf(s.reply))));
    const approve = buttonOf(approval.reply, /Approve/);
    const r0 = performance.now();
    const r0Wall = Date.now();
    await core.act({ actor: as('admin2'), value: approve, channel: TERMINAL });
    const restoreDone = await until('the restore completion message', () => {
      const s = seen.find((m) => m.at > r0 && textOf(m.reply).includes(requestId) && /finished|failed/i.test(m.reply.title ?? m.reply.text));
      return s;
    });
    const request = await store.restores.get(requestId);
    if (request?.state !== 'FINISHED') throw new Error(`the restore ended ${request?.state ?? 'missing'}: ${textOf(restoreDone.reply)}`);
    const restoreTimeline = [
      ...jobLines(jobsOf('staging-1').filter((j) => j.type === 'restore' && snapshots.has(j.label)), r0Wall),
      `completion message: ${Math.round(restoreDone.at - r0)} ms`,
    ];
    const restoreJobs = jobsRunning(jobsOf('staging-1').filter((j) => j.type === 'restore'), (l) => snapshots.has(l));
    const restoreTotal = restoreDone.at - r0;
    return {
      backup: { totalMs: backupTotal, jobsMs: backupJobs, overheadMs: backupTotal - backupJobs, timeline: backupTimeline },
      restore: { totalMs: restoreTotal, jobsMs: restoreJobs, overheadMs: restoreTotal - restoreJobs, timeline: restoreTimeline },
    };
  } finally {
    await bot?.stop();
    await store.close();
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchOverhead(Number(process.argv[2] ?? 400))
    .then((r) => {
      console.log(JSON.stringify(r));
      process.exit(0);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
