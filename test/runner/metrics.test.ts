// Restore runs in /metrics: counted by result once they ran, timed from start to end; requests
// that never ran (rejected, withdrawn, expired) are not runs.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLowdbStore } from '../../adapters/store/lowdb';
import type { Store } from '../../src/ports';
import { BotMetrics } from '../../src/runner/metrics';
import { aRestoreRequest } from '../domain/fixtures';

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metrics-'));
  store = await openLowdbStore(dir);
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const value = (text: string, line: RegExp): number => Number(line.exec(text)?.[1] ?? NaN);

describe('restore metrics', () => {
  it('count restores that ran by result and time them; requests that never ran do not count', async () => {
    const metrics = new BotMetrics({ store, instanceIds: () => ['staging-1'], scheduledInstances: () => 0, lease: () => null }, { defaultMetrics: false });
    const ran = { startedAt: '2026-11-25T03:00:00.000Z', finishedAt: '2026-11-25T03:10:00.000Z' };
    metrics.restoreEnded(aRestoreRequest({ ...ran, state: 'FINISHED' }));
    metrics.restoreEnded(aRestoreRequest({ ...ran, state: 'FAILED' }));
    metrics.restoreEnded(aRestoreRequest({ state: 'REJECTED', startedAt: null, finishedAt: '2026-11-25T03:00:00.000Z' }));
    metrics.restoreEnded(aRestoreRequest({ state: 'FAILED', startedAt: null, finishedAt: '2026-11-25T03:00:00.000Z' }));
    const text = await metrics.render();
    expect(value(text, /^backup_bot_restore_runs_total\{result="FINISHED"\} (\d+)$/m)).toBe(1);
    expect(value(text, /^backup_bot_restore_runs_total\{result="FAILED"\} (\d+)$/m)).toBe(1);
    expect(value(text, /^backup_bot_restore_duration_seconds_sum\{result="FINISHED"\} (\S+)$/m)).toBe(600);
  });
});
