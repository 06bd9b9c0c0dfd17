// Store files as the bot writes them, spelled out here (not taken from the adapter) so that a
// change of the file format shows up in the tests. Shared by the lowdb tests.

import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** An empty document of the current version (2). */
export function emptyDocument() {
  return {
    version: 2,
    leaderEpoch: 0,
    settings: [],
    backupSets: [],
    restoreRequests: [],
    tasks: [],
    audit: [],
    outbox: [],
    deliveries: [],
    runnerState: [],
    seen: [],
  };
}

/** One database of a version-1 backup set: `jobState` was free text. */
function v1Database(database: string, state: string, jobState: string | null) {
  return {
    database,
    snapshotName: `bk_20261124_0230_prod_1__${database}`,
    attempt: 1,
    tables: ['orders'],
    state,
    jobState,
    progress: jobState === 'UPLOADING' ? { done: 3, total: 10 } : null,
    submittedAt: state === 'PENDING' ? null : '2026-11-23T18:30:05.000Z',
    finishedAt: state === 'FINISHED' || state === 'FAILED' ? '2026-11-23T18:40:00.000Z' : null,
    backupTimestamp: state === 'FINISHED' ? '2026-11-24-02-30-10-123' : null,
    snapshotAt: state === 'FINISHED' ? '2026-11-23T18:30:10.123Z' : null,
    sizeBytes: state === 'FINISHED' ? 1024 : null,
    objectCount: state === 'FINISHED' ? 10 : null,
    error: state === 'FAILED' ? 'refused by StarRocks' : null,
  };
}

/** The free-text job states version 1 wrote, and where each database stood. */
export const V1_JOBS: [database: string, state: string, jobState: string | null][] = [
  ['uploading', 'SUBMITTED', 'UPLOADING'],
  ['hidden', 'SUBMITTED', 'NOT VISIBLE YET'],
  ['from_oss', 'FINISHED', 'FINISHED (from OSS)'],
  ['queued', 'PENDING', 'waiting: a RESTORE job of queued is running'],
  ['sending', 'SUBMITTED', 'SUBMITTING'],
  ['refused', 'FAILED', 'REFUSED'],
  ['cancelled', 'FAILED', 'CANCELLED'],
  ['lost', 'FAILED', 'NOT VISIBLE'],
  ['fresh', 'PENDING', null],
];

export function v1AuditEvent(i: number) {
  return {
    id: `ev-${i}`,
    at: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
    actor: { platform: 'slack', userId: 'U0ALICE', personId: 'alice' },
    action: 'settings.save',
    instanceId: 'prod-1',
    subject: null,
    before: null,
    after: { n: i },
  };
}

/** A store file as version 1 of the bot left it, with a backup running and a delivered notification. */
export function aVersion1Document(auditEvents = 3) {
  const leftOut = { views: [], materializedViews: [], colocateGroups: [], unsupportedTables: [] };
  return {
    version: 1,
    settings: [{ instanceId: 'prod-1', enabled: true, weekdays: ['mon', 'thu'], time: '02:30', retentionDays: 14, version: 3, updatedAt: '2026-11-20T01:00:00.000Z', updatedBy: 'alice' }],
    backupSets: [
      {
        id: 'bk-20261124-0230-prod-1',
        instanceId: 'prod-1',
        region: 'cn-hangzhou',
        trigger: 'scheduled',
        scheduledDay: '2026-11-24',
        late: false,
        state: 'RUNNING',
        requestedBy: null,
        repository: 'bot_prod_1',
        startedAt: '2026-11-23T18:30:00.000Z',
        finishedAt: null,
        retentionDays: 14,
        expiresAt: null,
        databases: V1_JOBS.map(([db, state, jobState]) => v1Database(db, state, jobState)),
        leftOut,
        sizeBytes: null,
        objectCount: null,
        error: null,
        warnings: [],
        sourceVersion: '3.3.5',
        expiryWarnedAt: null,
        deletedAt: null,
        deletedBy: null,
      },
    ],
    restoreRequests: [
      {
        id: 'rs-20261125-1000-staging-1',
        backupSetId: 'bk-20261124-0230-prod-1',
        sourceInstanceId: 'prod-1',
        targetInstanceId: 'staging-1',
        databases: ['uploading'],
        state: 'PENDING_APPROVAL',
        requestedBy: 'alice',
        requestedAt: '2026-11-25T02:00:00.000Z',
        approvalExpiresAt: '2026-11-26T02:00:00.000Z',
        decidedBy: null,
        decidedAt: null,
        startedAt: null,
        finishedAt: null,
        error: null,
        jobs: [],
      },
    ],
    tasks: [],
    audit: Array.from({ length: auditEvents }, (_, i) => v1AuditEvent(i)),
    outbox: [
      { id: 'ob-sent', key: null, channel: { platform: 'slack', channelId: 'C0BACKUPS' }, reply: { visibility: 'channel', tone: 'info', text: 'done' }, createdAt: '2026-11-23T18:00:00.000Z', attempts: 1, nextAttemptAt: '2026-11-23T18:00:00.000Z', deliveredAt: '2026-11-23T18:00:01.000Z', lastError: null },
      { id: 'ob-waiting', key: 'progress:bk-20261124-0230-prod-1', channel: { platform: 'dingtalk', channelId: 'cid1' }, reply: { visibility: 'channel', tone: 'info', text: '3 of 9 databases' }, createdAt: '2026-11-23T18:35:00.000Z', attempts: 2, nextAttemptAt: '2026-11-23T18:36:00.000Z', deliveredAt: null, lastError: 'dingtalk: 502' },
    ],
    deliveries: [{ key: 'progress:bk-20261124-0230-prod-1', messages: [{ platform: 'dingtalk', channelId: 'cid1', messageId: 'msg-1' }] }],
    values: [
      { name: 'signing.key', value: 'a1b2c3d4'.repeat(8) },
      { name: 'scheduler.lastSeen', value: '2026-11-23T18:30:00.000Z' },
      { name: 'watchdog.prod-1', value: '2026-11-22T09:00:00.000Z' },
      { name: 'watchdog.prod-sh', value: '' },
    ],
  };
}

/** A child process holding the store of `dir` open (test/store/hold-store.ts), once it said so. */
export interface Holder {
  pid: number;
  epoch: number;
  /** Kills it with SIGKILL (no clean-up, as a crash) and waits for it to be gone. */
  crash(): Promise<void>;
}

/** Starts test/store/hold-store.ts on `dir`: the holder, or the refusal it printed before exiting. */
export function tryHoldStore(dir: string, timeoutMs = 20_000): Promise<Holder | { refused: string }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'test/store/hold-store.ts', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const crash = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    let refused: string | null = null;
    const timer = setTimeout(() => {
      void crash();
      reject(new Error(`the holder process said nothing within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const holding = /^HOLDING pid=(\d+) epoch=(\d+)$/.exec(line);
      if (holding) {
        clearTimeout(timer);
        resolve({ pid: Number(holding[1]), epoch: Number(holding[2]), crash });
      } else if (line.startsWith('REFUSED ')) {
        refused = line.slice('REFUSED '.length);
      }
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (refused !== null) resolve({ refused });
      else reject(new Error(`the holder process exited (${code}) before holding the store: ${stderr}`));
    });
  });
}

/** Starts a holder and expects it to hold the store. */
export async function holdStore(dir: string): Promise<Holder> {
  const outcome = await tryHoldStore(dir);
  if ('refused' in outcome) throw new Error(`the holder process was refused: ${outcome.refused}`);
  return outcome;
}

/** The pid of a process that has ended (for a stale lock). */
export async function aDeadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  if (child.pid === undefined) throw new Error('could not start a short-lived process');
  return child.pid;
}
