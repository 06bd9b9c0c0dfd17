// `npm run migrate -- --from ./data --to mysql://...`, run as an operator runs it (a process with
// arguments): an embedded store's every record lands in MySQL and reads back the same through the
// ports; a target that holds records is refused unless --force; a bot running on the folder, and a
// wrong password, are refused without printing the password.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_LOG_NAME, openLowdbStore } from '../../adapters/store/lowdb';
import { openMysqlStore, parseStoreUrl } from '../../adapters/store/mysql';
import type { Store } from '../../src/ports';
import { aBackupSet, aDatabaseRestore, aRestoreRequest } from '../domain/fixtures';
import { createTestDatabase, mariadbTestsRun, type TestDatabase } from '../support/mariadb';
import { aNotification, aQueuedItem, aTask, anAuditEvent, someSettings } from './builders';
import { aFullSet } from './contract-backup-sets';

const run = await mariadbTestsRun('the lowdb-to-MySQL migration tests');
const KEY = 'ab'.repeat(32);
const now = new Date();
const later = (ms: number) => new Date(now.getTime() + ms);

function migrate(...args: string[]): { code: number | null; out: string } {
  const env = { ...process.env };
  delete env.BOT_STORE_URL;
  delete env.BOT_STORE_PASSWORD;
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'adapters/store/migrate-cli.ts', ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

/** What a store holds, read through the ports (the same calls for both stores). */
async function contents(store: Store) {
  return {
    settings: await store.settings.list(),
    backupSets: await store.backupSets.list(),
    restores: await store.restores.list(),
    tasks: await store.tasks.list(),
    audit: await store.audit.list(),
    outboxDepth: await store.outbox.depth(),
    delivery: await store.outbox.getDelivery('backup:bk-1@slack:C0OPS'),
    signingKey: await store.runnerState.get('signingKey'),
    watchdogAlerts: await store.runnerState.get('watchdogAlerts'),
  };
}

describe.skipIf(!run)('migrating the embedded store to MySQL', () => {
  let db: TestDatabase;
  let dir: string;
  let expected: Awaited<ReturnType<typeof contents>>;

  beforeAll(async () => {
    db = await createTestDatabase('migrate');
    dir = mkdtempSync(join(tmpdir(), 'migrate-from-'));
    const lowdb = await openLowdbStore(dir);
    await lowdb.settings.save(someSettings());
    await lowdb.settings.save(someSettings({ instanceId: 'prod-sh', enabled: false }));
    await lowdb.backupSets.create(aFullSet());
    await lowdb.backupSets.create(aBackupSet({ id: 'bk-failed', scheduledDay: '2026-11-23', state: 'FAILED', startedAt: '2026-11-22T18:30:00.000Z' }));
    await lowdb.backupSets.create(aBackupSet({ id: 'bk-running', trigger: 'manual', scheduledDay: null, startedAt: '2026-11-25T01:00:00.000Z' }));
    await lowdb.restores.create(aRestoreRequest({ state: 'RUNNING', jobs: [aDatabaseRestore()] }));
    await lowdb.tasks.upsert(aTask());
    await lowdb.tasks.upsert(aTask({ id: 'task-2', state: 'FINISHED', startedAt: '2026-11-20T00:00:00.000Z' }));
    for (let i = 0; i < 3; i++) await lowdb.audit.append(anAuditEvent({ id: `ev-${i}`, at: new Date(Date.UTC(2026, 10, 24, 0, i)).toISOString() }));
    await lowdb.outbox.enqueue(aNotification({ id: 'ob-queued', createdAt: now.toISOString() }));
    await lowdb.outbox.enqueue(aNotification({ id: 'ob-failing', key: 'backup:bk-2', createdAt: now.toISOString() }));
    await lowdb.outbox.claimDue(now, { claimant: 'old-bot#3', leaseMs: 60 * 60_000, limit: 10 });
    await lowdb.outbox.markFailed('ob-failing', 'old-bot#3', 'slack: ratelimited', later(1000));
    await lowdb.outbox.setDelivery('backup:bk-1@slack:C0OPS', [{ platform: 'slack', channelId: 'C0OPS', messageId: '1700000000.000100' }]);
    await lowdb.runnerState.set('signingKey', KEY);
    await lowdb.runnerState.set('watchdogAlerts', { 'prod-1': '2026-11-24T00:00:00.000Z' });
    await lowdb.runnerState.firstSeen('slack.request', 'req-live', now, 3_600_000);
    await lowdb.runnerState.firstSeen('slack.request', 'req-gone', new Date(now.getTime() - 7_200_000), 3_600_000);
    expected = await contents(lowdb);
    await lowdb.close();
    // A line torn by a crash in the audit log is left out, and said so.
    appendFileSync(join(dir, AUDIT_LOG_NAME), '{"id":"ev-torn","at":"2026-11-2\n');
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  it('moves every record, read back the same through the store ports', async () => {
    const result = migrate('--from', dir, '--to', db.url());
    expect(result.out).toContain(`into mysql://root@127.0.0.1:3306/${db.name}:`);
    expect(result.out).toContain('2 instance settings, 3 backup sets, 1 restore requests, 2 tasks, 3 audit events, 2 undelivered notifications, 1 delivered progress messages, 2 runner values, 1 remembered chat request ids.');
    expect(result.out).toContain('1 line(s) of the audit log were not events');
    expect(result.code).toBe(0);

    const mysql = await openMysqlStore(parseStoreUrl(db.url()));
    try {
      expect(await contents(mysql)).toEqual(expected);
      // The claim of the bot that ran before is gone: the first deliverer takes both at once, the
      // failed one with its attempt and its next try kept.
      expect(await mysql.outbox.claimDue(later(1000), { claimant: 'new-leader#4', leaseMs: 60_000, limit: 10 })).toEqual([
        aQueuedItem({ id: 'ob-queued', createdAt: now.toISOString(), nextAttemptAt: now.toISOString(), claimedBy: 'new-leader#4', claimedUntil: later(61_000).toISOString() }),
        aQueuedItem({ id: 'ob-failing', key: 'backup:bk-2', createdAt: now.toISOString(), attempts: 1, lastError: 'slack: ratelimited', nextAttemptAt: later(1000).toISOString(), claimedBy: 'new-leader#4', claimedUntil: later(61_000).toISOString() }),
      ]);
      expect(await mysql.runnerState.firstSeen('slack.request', 'req-live', later(1), 3_600_000)).toBe(false);
      expect(await mysql.runnerState.firstSeen('slack.request', 'req-gone', later(1), 3_600_000)).toBe(true);
      // The lease's epochs go on from the embedded store's.
      expect((await mysql.leadership.acquire(new Date()))?.epoch).toBeGreaterThan(1);
      await mysql.leadership.release();
    } finally {
      await mysql.close();
    }
  });

  it('refuses a target that holds records, changing nothing, and replaces them with --force', async () => {
    await db.admin.query("INSERT INTO tasks (id, instance_id, state, started_at, body) SELECT 'extra', instance_id, state, started_at, body FROM tasks LIMIT 1");
    const refused = migrate('--from', dir, '--to', db.url());
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/the target already holds 2 instance settings, 3 backup sets, 1 restore requests, 3 tasks, .*; nothing was changed\. Run again with --force/);
    expect(await db.rows('SELECT COUNT(*) AS n FROM tasks')).toEqual([{ n: 3 }]);

    const replaced = migrate('--from', dir, '--to', db.url(), '--force');
    expect(replaced.out).toContain('(replacing what it held)');
    expect(replaced.code).toBe(0);
    const mysql = await openMysqlStore(parseStoreUrl(db.url()));
    try {
      expect(await contents(mysql)).toEqual(expected);
    } finally {
      await mysql.close();
    }
  });

  it('refuses while a bot runs on the folder or leads on the database, and never prints a password', async () => {
    const running = await openLowdbStore(dir);
    try {
      const busy = migrate('--from', dir, '--to', db.url(), '--force');
      expect(busy.code).toBe(1);
      expect(busy.out).toMatch(new RegExp(`pid ${process.pid}.*Stop the bot first`, 's'));
    } finally {
      await running.close();
    }
    const leader = await openMysqlStore(parseStoreUrl(db.url()));
    try {
      await leader.leadership.acquire(new Date());
      const leading = migrate('--from', dir, '--to', db.url(), '--force');
      expect(leading.code).toBe(1);
      expect(leading.out).toMatch(/leads on this database now; stop every replica/);
    } finally {
      await leader.close();
    }
    const denied = migrate('--from', dir, '--to', `mysql://root:wrong-s3cret@127.0.0.1:3306/${db.name}`);
    expect(denied.code).toBe(1);
    expect(denied.out).toMatch(/migrate: .*mysql:\/\/root:\*\*\*@127\.0\.0\.1:3306.*Access denied/);
    expect(denied.out).not.toContain('wrong-s3cret');
    expect(migrate('--from', dir, '--to', db.url(), '--replace').code).toBe(2);
  });
});
