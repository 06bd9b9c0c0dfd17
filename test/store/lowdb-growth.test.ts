// The lowdb file stays small: the full audit log is an append-only file beside it (the document
// keeps the most recent events), delivered notifications and expired ids leave it, tasks that
// finished long ago and restore requests that ended long ago leave it, and a notification no
// channel takes for a week is given up.

import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_LOG_NAME, openLowdbStore, SET_ARCHIVE_NAME, STORE_FILE_NAME, type WriteTextFile } from '../../adapters/store/lowdb';
import { ConflictError } from '../../src/domain/errors';
import type { Store } from '../../src/ports';
import { aNotification, anAuditEvent, aTask } from './builders';
import { aFinishedSet, aRestoreRequest } from '../domain/fixtures';
import { OutboxController, GIVE_UP_AFTER_MS } from '../../src/runner/controllers/outbox';
import { ManualClock } from '../support/clock';
import { memoryLogger } from '../support/logger';
import type { Notifier } from '../../src/ports';

/** Plain writes without fsync: these tests count records, not durability, and write a lot. */
const quickWrite: WriteTextFile = (path, text) => writeFile(path, text, { flag: 'wx', mode: 0o600 });

describe('lowdb: what the file keeps', () => {
  let dir: string;
  let store: Store;
  const document = async () =>
    JSON.parse(await readFile(join(dir, STORE_FILE_NAME), 'utf8')) as { audit: unknown[]; outbox: unknown[]; seen: unknown[]; tasks: { id: string }[]; restoreRequests: { id: string }[]; backupSets: { id: string }[] };
  const DAY = 86_400_000;
  const daysAfter = (start: string, days: number) => new Date(Date.parse(start) + days * DAY).toISOString();
  const auditLines = async () => (await readFile(join(dir, AUDIT_LOG_NAME), 'utf8')).split('\n').slice(0, -1);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lowdb-growth-'));
    store = await openLowdbStore(dir, { writeTextFile: quickWrite });
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes every audit event to audit.jsonl, one JSON line each, and keeps the last 1000 in the document', async () => {
    const at = (i: number) => new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString();
    for (let i = 0; i < 1005; i++) await store.audit.append(anAuditEvent({ id: `ev-${i}`, at: at(i), after: { n: i } }));
    const lines = await auditLines();
    expect(lines).toHaveLength(1005);
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(Array.from({ length: 1005 }, (_, i) => anAuditEvent({ id: `ev-${i}`, at: at(i), after: { n: i } })));
    const listed = await store.audit.list();
    expect(listed).toHaveLength(1000);
    expect([listed[0]?.id, listed.at(-1)?.id]).toEqual(['ev-1004', 'ev-5']);
    expect((await document()).audit).toHaveLength(1000);
  });

  it('writes a refused audit event nowhere', async () => {
    await store.audit.append(anAuditEvent());
    await expect(store.audit.append(anAuditEvent({ action: 'again' }))).rejects.toBeInstanceOf(ConflictError);
    await expect(store.audit.append({ ...anAuditEvent({ id: 'ev-2' }), at: 'never' })).rejects.toBeInstanceOf(Error);
    expect(await auditLines()).toEqual([JSON.stringify(anAuditEvent())]);
  });

  it('starts a new line after a line torn by a crash', async () => {
    await store.audit.append(anAuditEvent({ id: 'ev-1' }));
    await store.close();
    await writeFile(join(dir, AUDIT_LOG_NAME), '{"id":"ev-torn","at":', { flag: 'a' });
    store = await openLowdbStore(dir, { writeTextFile: quickWrite });
    await store.audit.append(anAuditEvent({ id: 'ev-2' }));
    expect(await auditLines()).toEqual([JSON.stringify(anAuditEvent({ id: 'ev-1' })), '{"id":"ev-torn","at":', JSON.stringify(anAuditEvent({ id: 'ev-2' }))]);
  });

  it('removes delivered notifications from the file: it does not grow with them', async () => {
    const now = new Date('2026-11-24T01:00:00Z');
    const deliverAll = async (from: number) => {
      for (let i = from; i < from + 100; i++) await store.outbox.enqueue(aNotification({ id: `ob-${i}` }));
      for (const item of await store.outbox.claimDue(now, { claimant: 'deliverer-a', leaseMs: 60_000, limit: 200 })) {
        await store.outbox.markDelivered(item.id, 'deliverer-a', now);
      }
    };
    await deliverAll(0);
    const size = (await stat(join(dir, STORE_FILE_NAME))).size;
    await deliverAll(100);
    await deliverAll(200);
    expect((await document()).outbox).toEqual([]);
    expect(await store.outbox.depth()).toBe(0);
    expect((await stat(join(dir, STORE_FILE_NAME))).size).toBe(size);
  });

  it('forgets remembered ids once they expired', async () => {
    const at = new Date('2026-11-24T00:00:00Z');
    for (let i = 0; i < 50; i++) await store.runnerState.firstSeen('slack', `Ev${i}`, at, 60_000);
    expect((await document()).seen).toHaveLength(50);
    await store.runnerState.firstSeen('slack', 'Ev-later', new Date(at.getTime() + 60_000), 60_000);
    expect((await document()).seen).toEqual([{ scope: 'slack', id: 'Ev-later', expiresAt: '2026-11-24T00:02:00.000Z' }]);
  });

  it('forgets tasks that finished more than 30 days ago, but not the task of a set that still holds data', async () => {
    const start = '2026-01-01T02:00:00.000Z';
    // A year of daily backups; each set's data is gone (EXPIRED) a week after it finished, except
    // the very first one, kept past its expiry (the last good backup of a failing schedule).
    for (let day = 0; day < 365; day++) {
      const id = `bk-day-${day}`;
      const finishedAt = daysAfter(start, day);
      await store.backupSets.create(aFinishedSet({ id, scheduledDay: null, trigger: 'manual', startedAt: finishedAt, finishedAt, state: day === 0 || day > 357 ? 'FINISHED' : 'EXPIRED' }));
      await store.tasks.upsert(aTask({ id, subject: id, state: 'FINISHED', startedAt: finishedAt, finishedAt, updatedAt: finishedAt }));
    }
    const kept = (await document()).tasks.map((t) => t.id);
    // The last 31 days' tasks, and the one of the set still holding data.
    expect(kept).toEqual(['bk-day-0', ...Array.from({ length: 31 }, (_, i) => `bk-day-${334 + i}`)]);
    // A running task is never forgotten, however old.
    await store.tasks.upsert(aTask({ id: 'running', startedAt: start, updatedAt: start }));
    await store.tasks.upsert(aTask({ id: 'later', state: 'FINISHED', startedAt: daysAfter(start, 400), finishedAt: daysAfter(start, 400), updatedAt: daysAfter(start, 400) }));
    // A month later: the tasks of the sets still holding data (the last week's, and the kept one) stay.
    const holding = Array.from({ length: 7 }, (_, i) => `bk-day-${358 + i}`);
    expect((await document()).tasks.map((t) => t.id)).toEqual(['bk-day-0', ...holding, 'running', 'later']);
  });

  it('forgets restore requests that ended more than 90 days before a new one', async () => {
    const at = '2026-06-01T00:00:00.000Z';
    await store.restores.create(aRestoreRequest({ id: 'rs-rejected-old', state: 'REJECTED', requestedAt: daysAfter(at, -100), decidedAt: daysAfter(at, -100) }));
    await store.restores.create(aRestoreRequest({ id: 'rs-finished-recent', state: 'FINISHED', requestedAt: daysAfter(at, -30), finishedAt: daysAfter(at, -30) }));
    await store.restores.create(aRestoreRequest({ id: 'rs-expired-old', state: 'APPROVAL_EXPIRED', requestedAt: daysAfter(at, -120), approvalExpiresAt: daysAfter(at, -119) }));
    await store.restores.create(aRestoreRequest({ id: 'rs-running-old', state: 'RUNNING', requestedAt: daysAfter(at, -200), startedAt: daysAfter(at, -199) }));
    await store.restores.create(aRestoreRequest({ id: 'rs-new', requestedAt: at, approvalExpiresAt: daysAfter(at, 1) }));
    expect((await document()).restoreRequests.map((r) => r.id).sort()).toEqual(['rs-finished-recent', 'rs-new', 'rs-running-old']);
  });

  it('gives up a notification no channel takes for a week, saying so in the log', async () => {
    const clock = new ManualClock('2026-11-24T00:00:00Z');
    const log = memoryLogger();
    const refusing: Notifier = {
      platform: 'slack',
      post: async () => Promise.reject(new Error('channel_not_found')),
      update: async () => Promise.reject(new Error('channel_not_found')),
    };
    const outboxController = new OutboxController({ store, clock, notifiers: new Map([['slack', refusing]]), log });
    const lease = { holder: 'test', epoch: 1, acquiredAt: clock.now(), expiresAt: null };
    await store.outbox.enqueue(aNotification({ id: 'ob-stuck', createdAt: clock.now().toISOString() }));
    await outboxController.reconcile({ lease });
    expect(await store.outbox.depth()).toBe(1);
    clock.advance(GIVE_UP_AFTER_MS - 60_000);
    await outboxController.reconcile({ lease });
    expect(await store.outbox.depth()).toBe(1);
    clock.advance(60_000);
    await outboxController.reconcile({ lease });
    expect(await store.outbox.depth()).toBe(0);
    expect((await document()).outbox).toEqual([]);
    expect(log.records.filter((r) => r.level === 'error').map((r) => (r.fields as { event?: string }).event)).toEqual(['chat.given_up']);
  });

  it('moves sets that ended more than 90 days before a new one to the archive file, keeping what holds data', async () => {
    const at = '2026-06-01T02:00:00.000Z';
    const set = (id: string, state: 'FINISHED' | 'FAILED' | 'EXPIRED' | 'DELETED', daysAgo: number) => {
      const finishedAt = daysAfter(at, -daysAgo);
      return aFinishedSet({ id, trigger: 'manual', scheduledDay: null, state, startedAt: finishedAt, finishedAt, deletedAt: state === 'EXPIRED' || state === 'DELETED' ? finishedAt : null });
    };
    for (const s of [set('bk-failed-old', 'FAILED', 120), set('bk-expired-old', 'EXPIRED', 95), set('bk-deleted-recent', 'DELETED', 30), set('bk-kept-old', 'FINISHED', 200)]) await store.backupSets.create(s);
    await store.backupSets.create(set('bk-new', 'FINISHED', 0));
    expect((await document()).backupSets.map((s) => s.id)).toEqual(['bk-deleted-recent', 'bk-kept-old', 'bk-new']);
    const archive = (await readFile(join(dir, SET_ARCHIVE_NAME), 'utf8')).split('\n').slice(0, -1).map((l) => (JSON.parse(l) as { id: string }).id);
    expect(archive).toEqual(['bk-failed-old', 'bk-expired-old']);
    expect(await store.backupSets.get('bk-failed-old')).toBeNull();
  });
});
