// Every write is checked with the schema reads use (a record the store would refuse to read is
// never written, so the store always opens again), and everything survives a restart.

import { describe, expect, it } from 'vitest';
import { BackupRunningError, DayTakenError } from '../../src/domain/errors';
import type { Store } from '../../src/ports';
import { aBackupSet, aDatabaseRestore, aRestoreRequest } from '../domain/fixtures';
import { aNotification, aQueuedItem, aTask, anAuditEvent, someSettings } from './builders';
import { aFullSet } from './contract-backup-sets';
import type { ContractContext } from './contract';

/** A record broken the way a bug would break it: the types are bypassed on purpose. */
const broken = <T>(record: T, change: Record<string, unknown>): T => ({ ...record, ...change }) as T;

interface BadWrite {
  /** Sets up what the write needs, then makes the write that must be refused. */
  write(store: Store): Promise<unknown>;
  /** What the store holds afterwards... */
  state(store: Store): Promise<unknown>;
  /** ...which is what it held before the refused write. */
  expected: unknown;
}

const set = aBackupSet({ trigger: 'manual', scheduledDay: null });
const cases: Record<string, BadWrite> = {
  'an audit event whose actor.userId is not a string': {
    write: (s) => s.audit.append(broken(anAuditEvent(), { actor: { platform: 'slack', userId: 42, personId: null } })),
    state: (s) => s.audit.list(),
    expected: [],
  },
  'an audit event from an unknown platform': {
    write: (s) => s.audit.append(broken(anAuditEvent(), { actor: { platform: 'irc', userId: 'U1', personId: null } })),
    state: (s) => s.audit.list(),
    expected: [],
  },
  'an audit event at a time that is not a time': {
    write: (s) => s.audit.append(broken(anAuditEvent(), { at: 'soon' })),
    state: (s) => s.audit.list(),
    expected: [],
  },
  'a backup set with an unknown state': {
    write: (s) => s.backupSets.create(broken(set, { state: 'HALF_DONE' })),
    state: (s) => s.backupSets.list(),
    expected: [],
  },
  'a backup set whose database has a free-text job state': {
    write: (s) => s.backupSets.create(aBackupSet({ databases: [broken(set.databases[0]!, { jobState: 'NOT VISIBLE YET' })] })),
    state: (s) => s.backupSets.list(),
    expected: [],
  },
  'a backup set without its databases': {
    write: (s) => s.backupSets.create(broken(set, { databases: undefined })),
    state: (s) => s.backupSets.list(),
    expected: [],
  },
  'an update that breaks a backup set': {
    write: async (s) => {
      await s.backupSets.create(set);
      return s.backupSets.update(set.id, (current) => broken(current, { startedAt: 'not a time', sizeBytes: '1 GB' }));
    },
    state: (s) => s.backupSets.list(),
    expected: [set],
  },
  'settings at 25:00': {
    write: (s) => s.settings.save(someSettings({ time: '25:00' })),
    state: (s) => s.settings.list(),
    expected: [],
  },
  'settings on a day that is not a weekday': {
    write: (s) => s.settings.save(broken(someSettings(), { weekdays: ['mon', 'someday'] })),
    state: (s) => s.settings.list(),
    expected: [],
  },
  'a restore request in an unknown state': {
    write: (s) => s.restores.create(broken(aRestoreRequest(), { state: 'MAYBE' })),
    state: (s) => s.restores.list(),
    expected: [],
  },
  'an update giving a restore job an unknown tracking': {
    write: async (s) => {
      await s.restores.create(aRestoreRequest());
      return s.restores.update(aRestoreRequest().id, (r) => ({ ...r, jobs: [broken(aDatabaseRestore(), { tracking: 'guessing' })] }));
    },
    state: (s) => s.restores.list(),
    expected: [aRestoreRequest()],
  },
  'a task of an unknown kind': {
    write: (s) => s.tasks.upsert(broken(aTask(), { kind: 'vacuum' })),
    state: (s) => s.tasks.list(),
    expected: [],
  },
  'a task whose progress is text': {
    write: (s) => s.tasks.upsert(broken(aTask(), { progress: '50%' })),
    state: (s) => s.tasks.list(),
    expected: [],
  },
  'a notification to an unknown platform': {
    write: (s) => s.outbox.enqueue(broken(aNotification(), { channel: { platform: 'irc', channelId: '#ops' } })),
    state: (s) => s.outbox.depth(),
    expected: 0,
  },
  'a notification whose reply has no text': {
    write: (s) => s.outbox.enqueue(broken(aNotification(), { reply: { tone: 'info' } })),
    state: (s) => s.outbox.depth(),
    expected: 0,
  },
  'a delivery whose message id is not text': {
    write: (s) => s.outbox.setDelivery('progress:bk-1', [broken({ platform: 'slack' as const, channelId: 'C1', messageId: 'm1' }, { messageId: 17 })]),
    state: (s) => s.outbox.getDelivery('progress:bk-1'),
    expected: [],
  },
};

export function defineValidationContract(ctx: ContractContext): void {
  describe('refuses a write it could not read back, and still opens afterwards', () => {
    it.each(Object.keys(cases))('%s', async (name) => {
      const bad = cases[name]!;
      const error = await bad.write(ctx.store).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect(await bad.state(ctx.store)).toEqual(bad.expected);
      const store = await ctx.reopen();
      await store.ping();
      expect(await bad.state(store)).toEqual(bad.expected);
      await store.settings.save(someSettings({ instanceId: 'after-refusal' }));
      expect(await store.settings.list()).toEqual([someSettings({ instanceId: 'after-refusal' })]);
    });
  });

  describe('persistence', () => {
    it('keeps everything across a restart', async () => {
      const store = ctx.store;
      const claimedAt = new Date('2026-11-24T00:10:00Z');
      const restore = aRestoreRequest({ state: 'RUNNING', jobs: [aDatabaseRestore()] });
      const delivered = [{ platform: 'slack' as const, channelId: 'C0BACKUPS', messageId: '1700000000.000100' }];
      await store.settings.save(someSettings());
      await store.backupSets.create(aFullSet());
      await store.backupSets.create(aBackupSet({ id: 'bk-running', trigger: 'manual', scheduledDay: null }));
      await store.restores.create(restore);
      await store.tasks.upsert(aTask());
      await store.audit.append(anAuditEvent());
      await store.outbox.enqueue(aNotification({ id: 'ob-claimed', key: 'progress:bk-1' }));
      await store.outbox.enqueue(aNotification({ id: 'ob-failed', createdAt: '2026-11-24T00:00:01.000Z' }));
      await store.outbox.claimDue(claimedAt, { claimant: 'deliverer-a', leaseMs: 600_000, limit: 2 });
      await store.outbox.markFailed('ob-failed', 'deliverer-a', 'slack: ratelimited', new Date('2026-11-24T00:11:00Z'));
      await store.outbox.setDelivery('progress:bk-1', delivered);
      await store.runnerState.set('signingKey', 'ab'.repeat(32));
      await store.runnerState.firstSeen('slack', 'Ev001', claimedAt, 3_600_000);

      const again = await ctx.reopen();
      expect(await again.settings.get('prod-1')).toEqual(someSettings());
      expect(await again.backupSets.get(aFullSet().id)).toEqual(aFullSet());
      expect(await again.restores.get(restore.id)).toEqual(restore);
      expect(await again.tasks.get('task-1')).toEqual(aTask());
      expect(await again.audit.list()).toEqual([anAuditEvent()]);
      expect(await again.outbox.depth()).toBe(2);
      const failed = aQueuedItem({ id: 'ob-failed', createdAt: '2026-11-24T00:00:01.000Z', attempts: 1, lastError: 'slack: ratelimited', nextAttemptAt: '2026-11-24T00:11:00.000Z', claimedBy: 'deliverer-b', claimedUntil: '2026-11-24T00:12:00.000Z' });
      // The claim of the process before the restart holds until it lapses, unless the store knows that process is gone.
      const freed = ctx.freesClaimsOnReopen ? [aQueuedItem({ id: 'ob-claimed', key: 'progress:bk-1', claimedBy: 'deliverer-b', claimedUntil: '2026-11-24T00:12:00.000Z' })] : [];
      expect(await again.outbox.claimDue(new Date('2026-11-24T00:11:00Z'), { claimant: 'deliverer-b', leaseMs: 60_000, limit: 10 })).toEqual([...freed, failed]);
      expect(await again.outbox.getDelivery('progress:bk-1')).toEqual(delivered);
      expect(await again.runnerState.get('signingKey')).toBe('ab'.repeat(32));
      expect(await again.runnerState.firstSeen('slack', 'Ev001', claimedAt, 3_600_000)).toBe(false);
    });

    it('keeps the once-a-day and running rules across a restart', async () => {
      await ctx.store.backupSets.create(aBackupSet({ id: 'bk-a' }));
      const store = await ctx.reopen();
      await expect(store.backupSets.create(aBackupSet({ id: 'bk-b', state: 'FINISHED' }))).rejects.toBeInstanceOf(DayTakenError);
      await expect(store.backupSets.create(aBackupSet({ id: 'bk-c', trigger: 'manual', scheduledDay: null }))).rejects.toBeInstanceOf(BackupRunningError);
    });
  });
}
