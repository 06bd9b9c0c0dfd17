// `/backup list <instance>` with a long history: 10,000 backup sets over 100 instances, on the
// embedded lowdb store and on the MySQL store, through the command core the composition root
// builds (src/app/services.ts: the real services, the real `list` command) and rendered to Slack
// Block Kit as the Slack surface sends it. Also the lowdb file's size and the time of one write
// (a set's progress update, the store's most common write) as the history grows.
// Alone: `npx tsx bench/list.ts` (MySQL at BENCH_MYSQL_URL, default mysql://root@127.0.0.1:3306).

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { nodeCron } from '../adapters/cron/node-cron';
import { createAliOssConnector } from '../adapters/oss';
import { renderMessage } from '../adapters/slack/render-blocks';
import { mysqlStarRocksConnector } from '../adapters/starrocks';
import { openLowdbStore, STORE_FILE_NAME } from '../adapters/store/lowdb';
import { openMysqlStore, parseStoreUrl } from '../adapters/store/mysql';
import { buildServices } from '../src/app/services';
import { sandboxConfig } from '../src/config';
import type { BotConfig, InstanceConfig } from '../src/config/types';
import type { BackupSet, DatabaseBackup } from '../src/domain/types';
import type { CommandCore, Logger, Store } from '../src/ports';
import { OFFLINE_SIMS } from '../test/support/harness';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const INSTANCES = 100;
const DAY_MS = 86_400_000;

export interface ListStage {
  sets: number;
  /** lowdb only: the store file's size. */
  fileBytes: number | null;
  /** Median of a few progress updates of a running set. */
  writeMs: number;
}

export interface ListBench {
  store: 'lowdb' | 'mysql';
  stages: ListStage[];
  /** p50 / p99 of `/backup list <instance>` (command core + Block Kit) at each stage, ms. */
  list: { sets: number; p50: number; p99: number }[];
}

function fleet(): BotConfig {
  const base = sandboxConfig(OFFLINE_SIMS);
  const template = base.instances[0] as InstanceConfig;
  const instances = Array.from({ length: INSTANCES }, (_, i): InstanceConfig => ({ ...template, id: `db-${i + 1}`, repository: `bot_db_${i + 1}`, displayName: `Database ${i + 1}` }));
  return { ...base, instances };
}

function database(name: string, snapshot: string, at: number): DatabaseBackup {
  return {
    database: name,
    snapshotName: `${snapshot}__${name}`,
    attempt: 1,
    resends: 0,
    tables: ['orders', 'customers', 'items', 'payments', 'shipments'],
    state: 'FINISHED',
    jobState: 'FINISHED',
    tracking: 'visible',
    waitingFor: null,
    progress: null,
    submittedAt: new Date(at + 5_000).toISOString(),
    finishedAt: new Date(at + 600_000).toISOString(),
    backupTimestamp: new Date(at + 10_000).toISOString().replace(/[-T:]/g, '-').slice(0, 23),
    snapshotAt: new Date(at + 10_123).toISOString(),
    sizeBytes: 12_345_678_901,
    objectCount: 4_321,
    error: null,
  };
}

/** The n-th set of an instance: one a day going back from now, finished, kept 120 days. */
function aSet(instance: number, n: number, now: number): BackupSet {
  const startedAt = now - (n + 1) * DAY_MS;
  const day = new Date(startedAt).toISOString().slice(0, 10);
  const id = `bk-${day.replace(/-/g, '')}-0230-db-${instance}`;
  const snapshot = `bk_${day.replace(/-/g, '')}_0230_db_${instance}`;
  const finishedAt = new Date(startedAt + 660_000).toISOString();
  const at = (s: number) => new Date(startedAt + s * 1000).toISOString();
  return {
    id,
    instanceId: `db-${instance}`,
    region: 'cn-hangzhou',
    trigger: 'scheduled',
    scheduledDay: day,
    late: false,
    state: 'FINISHED',
    requestedBy: null,
    repository: `bot_db_${instance}`,
    startedAt: new Date(startedAt).toISOString(),
    finishedAt,
    retentionDays: 120,
    expiresAt: new Date(Date.parse(finishedAt) + 120 * DAY_MS).toISOString(),
    databases: ['sales', 'crm', 'logs'].map((d) => database(d, snapshot, startedAt)),
    leftOut: { views: [], materializedViews: [], colocateGroups: [], unsupportedTables: [] },
    sizeBytes: 37_037_036_703,
    objectCount: 12_963,
    error: null,
    refused: false,
    warnings: [],
    events: [
      { at: at(0), what: 'started (scheduled)' },
      { at: at(5), what: 'sales: submitted' },
      { at: at(6), what: 'crm: submitted' },
      { at: at(300), what: 'sales: FINISHED' },
      { at: at(420), what: 'crm: FINISHED' },
      { at: at(425), what: 'logs: submitted' },
      { at: at(655), what: 'logs: FINISHED' },
      { at: at(660), what: 'finished: 3 databases, 34.5 GB' },
    ],
    sourceVersion: '3.3.5',
    expiryWarnedAt: null,
    outage: null,
    deletedAt: null,
    deletedBy: null,
    retentionHold: null,
    deletionBlocked: null,
  };
}

/** Adds sets until the store holds `total` (oldest days last), in transactions of 500. */
async function grow(store: Store, from: number, total: number, now: number): Promise<void> {
  const perInstance = (k: number) => Math.floor(k / INSTANCES);
  const sets: BackupSet[] = [];
  for (let n = perInstance(from); n < perInstance(total); n++) for (let i = 1; i <= INSTANCES; i++) sets.push(aSet(i, n, now));
  for (let k = 0; k < sets.length; k += 500) {
    const batch = sets.slice(k, k + 500);
    await store.atomically(async (tx) => {
      for (const set of batch) await tx.backupSets.create(set);
    });
  }
}

/** A running set's progress update (what a backup writes every poll), timed; median of 5. */
async function writeTime(store: Store, now: number): Promise<number> {
  const running: BackupSet = { ...aSet(1, -1, now), id: 'bk-bench-running', scheduledDay: null, trigger: 'manual', state: 'RUNNING', finishedAt: null, expiresAt: null };
  if (!(await store.backupSets.get(running.id))) await store.backupSets.create(running);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await store.backupSets.update(running.id, (s) => ({ ...s, events: [...s.events.slice(-7), { at: new Date().toISOString(), what: `sales: UPLOADING ${i}`, minor: true }] }));
    times.push(performance.now() - t0);
  }
  return median(times);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

async function core(config: BotConfig, store: Store): Promise<CommandCore> {
  const parts = { config, store, starrocks: mysqlStarRocksConnector, oss: createAliOssConnector({ retry: { maxAttempts: 1 } }), cron: nodeCron, log: silent };
  const built = await buildServices(parts, { now: () => new Date() }, () => () => undefined, { restoreEnded: () => undefined });
  return built.core;
}

/** `/backup list db-N` as admin1 would type it in Slack, reply rendered to Block Kit; times in ms. */
async function lists(commands: CommandCore, count: number): Promise<number[]> {
  const actor = commands.resolveActor('slack', 'U0ADMIN1');
  const channel = { platform: 'slack' as const, channelId: 'C0BACKUPS' };
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const instance = 1 + ((i * 37) % INSTANCES);
    const t0 = performance.now();
    const reply = await commands.run({ actor, text: `list db-${instance}`, channel });
    const rendered = renderMessage(reply);
    times.push(performance.now() - t0);
    if (!JSON.stringify(rendered.blocks).includes(`-db-${instance}`)) throw new Error(`list db-${instance} did not show its sets: ${reply.text.slice(0, 200)}`);
  }
  return times;
}

interface OpenedStore {
  store: Store;
  fileBytes(): number | null;
  close(): Promise<void>;
}

async function openLowdb(): Promise<OpenedStore> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-list-'));
  const store = await openLowdbStore(dir);
  return {
    store,
    fileBytes: () => statSync(join(dir, STORE_FILE_NAME)).size,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function openMysql(baseUrl: string): Promise<OpenedStore> {
  const name = `bench_list_${process.pid}_${Date.now().toString(36)}`;
  const admin = await mysql.createConnection({ uri: baseUrl });
  await admin.query(`CREATE DATABASE \`${name}\``);
  const store = await openMysqlStore(parseStoreUrl(`${baseUrl.replace(/\/$/, '')}/${name}`), { log: silent });
  return {
    store,
    fileBytes: () => null,
    close: async () => {
      await store.close().catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
}

/** One store with the fleet's history, grown on demand, and its list command. */
export interface ListSubject {
  kind: 'lowdb' | 'mysql';
  /** Adds sets until the store holds `total`. */
  grow(total: number): Promise<void>;
  /** The lowdb file's size (null on MySQL). */
  fileBytes(): number | null;
  /** One write (a running set's progress update), median of 5, ms. */
  writeMs(): Promise<number>;
  /** `count` list commands (after 10 to warm up); p50 and p99, ms. */
  listRound(count?: number): Promise<{ p50: number; p99: number }>;
  close(): Promise<void>;
}

export async function openListSubject(kind: 'lowdb' | 'mysql', mysqlUrl = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'): Promise<ListSubject> {
  const opened = kind === 'lowdb' ? await openLowdb() : await openMysql(mysqlUrl);
  const now = Date.now();
  let have = 0;
  let commands: CommandCore;
  try {
    commands = await core(fleet(), opened.store);
  } catch (err) {
    await opened.close();
    throw err;
  }
  return {
    kind,
    async grow(total) {
      await grow(opened.store, have, total, now);
      have = total;
    },
    fileBytes: () => opened.fileBytes(),
    writeMs: () => writeTime(opened.store, now),
    async listRound(count = 200) {
      await lists(commands, 10);
      const times = await lists(commands, count);
      return { p50: percentile(times, 50), p99: percentile(times, 99) };
    },
    close: () => opened.close(),
  };
}

/** Grows the history stage by stage; at each, the file size, one write's time and 200 lists. */
export async function benchList(kind: 'lowdb' | 'mysql', stagesAt = [1_000, 5_000, 10_000]): Promise<ListBench> {
  const subject = await openListSubject(kind);
  const result: ListBench = { store: kind, stages: [], list: [] };
  try {
    for (const total of stagesAt) {
      await subject.grow(total);
      result.stages.push({ sets: total, fileBytes: subject.fileBytes(), writeMs: await subject.writeMs() });
      result.list.push({ sets: total, ...(await subject.listRound()) });
    }
  } finally {
    await subject.close();
  }
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  (async () => {
    for (const kind of ['lowdb', 'mysql'] as const) console.log(JSON.stringify(await benchList(kind)));
  })().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
