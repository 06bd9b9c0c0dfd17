// The adapter under failure: throttling, 5xx, dropped connections and timeouts are retried with
// back-off; 4xx is not; a large deletion goes in batches of 1000 and resumes after a crash.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AliOssStore, type AliOssStoreOptions } from '../../adapters/oss/ali-oss-store';
import { backoffDelayMs, DEFAULT_RETRY_POLICY } from '../../adapters/oss/retry';
import { OutsideError, UserError } from '../../src/domain/errors';
import type { DeleteProgress } from '../../src/ports';
import type { OssSimulator } from '../../sim/oss/server';
import { ACCESS_KEY_ID, ACCESS_KEY_SECRET, BUCKET, startSimulator } from './helpers';
import { ROOT, seedFinishedSnapshot, seedSnapshotData } from './store-fixtures';

let sim: OssSimulator;
let sleeps: number[];

beforeEach(async () => {
  sim = await startSimulator();
  sleeps = [];
});

afterEach(async () => {
  await sim.close();
});

function store(options: AliOssStoreOptions = {}): AliOssStore {
  return new AliOssStore(
    { region: 'cn-hangzhou', bucket: BUCKET, endpoint: sim.endpoint, accessKeyId: ACCESS_KEY_ID, accessKeySecret: ACCESS_KEY_SECRET },
    {
      ...options,
      retry: {
        sleep: async (ms) => {
          sleeps.push(ms);
        },
        random: () => 0.5,
        ...options.retry,
      },
    },
  );
}

const deleteRequests = (): number => sim.requests.filter((r) => r.method === 'POST' && 'delete' in r.query).length;

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  );
}

describe('retries', () => {
  it('backs off on throttling, at least as long as x-oss-qos-delay-time asks, then succeeds', async () => {
    sim.putObject(BUCKET, `${ROOT}/a`, 'abc');
    sim.faults.throttle(2, 1500);
    expect(await store().usage(`${ROOT}/`)).toEqual({ bytes: 3, objects: 1 });
    expect(sleeps).toHaveLength(2);
    expect(sleeps.every((ms) => ms >= 1500)).toBe(true);
    expect(sim.requests).toHaveLength(3);
  });

  it('retries 5xx with growing delays', async () => {
    sim.faults.failNext(3, { status: 500 });
    expect(await store().usage(`${ROOT}/`)).toEqual({ bytes: 0, objects: 0 });
    expect(sleeps).toEqual([150, 300, 600]);
  });

  it('gives up after the last attempt with kind server and says how many attempts it made', async () => {
    sim.faults.failNext(10, { status: 500 });
    const error = await failure(store({ retry: { maxAttempts: 3 } }).usage(`${ROOT}/`));
    expect(error).toBeInstanceOf(OutsideError);
    expect(error).toMatchObject({ kind: 'server', message: expect.stringContaining('after 3 attempts: InternalError (HTTP 500)') });
    expect(sim.requests).toHaveLength(3);
  });

  it('maps lasting throttling to kind throttled', async () => {
    sim.faults.throttle(10, 10);
    expect(await failure(store({ retry: { maxAttempts: 2 } }).usage(`${ROOT}/`))).toMatchObject({ kind: 'throttled' });
  });

  it('does not retry a 4xx', async () => {
    const wrongKey = new AliOssStore(
      { region: 'cn-hangzhou', bucket: BUCKET, endpoint: sim.endpoint, accessKeyId: 'LTAI-unknown', accessKeySecret: ACCESS_KEY_SECRET },
      { retry: { sleep: async (ms) => void sleeps.push(ms) } },
    );
    expect(await failure(wrongKey.usage(''))).toMatchObject({ kind: 'auth', message: expect.stringContaining('InvalidAccessKeyId') });
    expect(sim.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('retries a dropped connection', async () => {
    seedSnapshotData(sim, 'snap', 2);
    sim.faults.dropNext(1);
    expect((await store().usage(`${ROOT}/`)).objects).toBe(2);
    expect(sleeps).toHaveLength(1);
  });

  it('retries a response slower than the timeout, and reports kind timeout when it stays slow', async () => {
    sim.faults.delayNext(1, 400);
    expect(await store({ timeoutMs: 100 }).usage(`${ROOT}/`)).toEqual({ bytes: 0, objects: 0 });
    sim.faults.delayNext(2, 400);
    expect(await failure(store({ timeoutMs: 100, retry: { maxAttempts: 2 } }).usage(`${ROOT}/`))).toMatchObject({ kind: 'timeout' });
  });

  it('computes back-off as exponential with jitter, floored by the QoS hint and capped', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.999 };
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(attempt, null, policy))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelayMs(1, null, { ...policy, random: () => 0 })).toBe(50);
    expect(backoffDelayMs(1, 700, policy)).toBe(700);
    expect(backoffDelayMs(1, 60_000, policy)).toBe(1000);
  });
});

describe('deletePrefix', () => {
  it('deletes 5,000 objects in 5 DeleteMultipleObjects requests, with directory markers, sparing neighbours', async () => {
    const keys = seedSnapshotData(sim, 'old', 4998);
    sim.putObject(BUCKET, `${ROOT}/__ss_old/`, '');
    sim.putObject(BUCKET, `${ROOT}/__ss_old/__ss_content/`, '');
    seedFinishedSnapshot(sim, 'old_2', '2024-12-09-10-25-58-842');
    sim.putObject(BUCKET, `${ROOT}/__repo_info`, '{}');
    const progress: DeleteProgress[] = [];
    const result = await store().deletePrefix(`${ROOT}/__ss_old/`, (p) => progress.push(p));
    expect(result).toEqual({ deleted: keys.length + 2 });
    expect(deleteRequests()).toBe(5);
    expect(sim.listKeys(BUCKET, `${ROOT}/__ss_old/`)).toEqual([]);
    expect(sim.listKeys(BUCKET, `${ROOT}/__ss_old_2/`)).toHaveLength(5);
    expect(sim.getObject(BUCKET, `${ROOT}/__repo_info`)).toBeDefined();
    expect(progress.at(-1)).toEqual({ deleted: 5000, total: 5000 });
    expect(progress.map((p) => p.deleted)).toEqual([...progress.map((p) => p.deleted)].sort((a, b) => a - b));
  });

  it('re-sends the keys a batch did not report deleted', async () => {
    seedSnapshotData(sim, 'old', 1000);
    sim.faults.truncateDeletesNext(1, 400);
    expect(await store().deletePrefix(`${ROOT}/__ss_old/`)).toEqual({ deleted: 1000 });
    expect(deleteRequests()).toBe(2);
    expect(sim.listKeys(BUCKET)).toEqual([]);
  });

  it('stops when deletes keep failing, never claiming success, and resumes to completion when called again', async () => {
    seedSnapshotData(sim, 'old', 3000);
    const interrupted = store({ retry: { maxAttempts: 3 }, delete: { concurrency: 1 } }).deletePrefix(`${ROOT}/__ss_old/`, (p) => {
      if (p.deleted === 1000) sim.faults.failNext(100, { status: 503, onlyMethod: 'POST' });
    });
    expect(await failure(interrupted)).toMatchObject({ kind: 'throttled' });
    expect(sim.listKeys(BUCKET, `${ROOT}/__ss_old/`)).toHaveLength(2000);
    sim.faults.reset();
    expect(await store().deletePrefix(`${ROOT}/__ss_old/`)).toEqual({ deleted: 2000 });
    expect(sim.listKeys(BUCKET)).toEqual([]);
  });

  it('finishes when objects vanish behind the bot while it deletes', async () => {
    const keys = seedSnapshotData(sim, 'old', 2500);
    const result = await store({ delete: { concurrency: 1 } }).deletePrefix(`${ROOT}/__ss_old/`, (p) => {
      if (p.deleted === 1000) keys.slice(1500, 2000).forEach((key) => sim.deleteObject(BUCKET, key));
    });
    expect(result.deleted).toBeGreaterThanOrEqual(2000);
    expect(sim.listKeys(BUCKET)).toEqual([]);
  });

  it('refuses the empty prefix and prefixes without a trailing slash, before any request', async () => {
    seedSnapshotData(sim, 'old', 3);
    for (const prefix of ['', '/', `${ROOT}/__ss_old`]) {
      await expect(store().deletePrefix(prefix)).rejects.toBeInstanceOf(UserError);
    }
    expect(sim.requests).toHaveLength(0);
    expect(sim.listKeys(BUCKET)).toHaveLength(3);
  });
});
