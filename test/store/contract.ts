// The Store contract: every implementation (lowdb, MySQL) must pass this suite unchanged.
// Usage: describeStoreContract('lowdb', async () => ({ store, reopen, cleanup })).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, DayTakenError, NotFoundError, StaleUpdateError } from '../../src/domain/errors';
import type { StoredSettings } from '../../src/domain/types';
import type { Store } from '../../src/ports';
import { aBackupSet, aFinishedSet, aRestoreRequest } from '../domain/fixtures';
import { aTask, anAuditEvent, anOutboxItem, someSettings } from './builders';
import { defineOutboxContract } from './contract-outbox';

export interface StoreUnderTest {
  store: Store;
  /** Closes the current store and opens the same data again (what a restart does). */
  reopen(): Promise<Store>;
  /** Closes whatever is open and removes the data. */
  cleanup(): Promise<void>;
}

export function describeStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`Store contract: ${name}`, () => {
    let t: StoreUnderTest;
    let store: Store;
    beforeEach(async () => {
      t = await open();
      store = t.store;
    });
    afterEach(async () => {
      await t.cleanup();
    });
    const use = () => ({ store, t });

    describe('settings', () => {
      it('are null until saved, then read back as saved', async () => {
        expect(await store.getSettings('prod-1')).toBeNull();
        expect(await store.listSettings()).toEqual([]);
        const saved = await store.saveSettings(someSettings());
        expect(saved).toEqual(someSettings());
        expect(await store.getSettings('prod-1')).toEqual(someSettings());
      });

      it('are saved one version at a time', async () => {
        await store.saveSettings(someSettings());
        await store.saveSettings(someSettings({ version: 2, time: '03:00', updatedBy: 'bob' }));
        expect(await store.getSettings('prod-1')).toMatchObject({ version: 2, time: '03:00', updatedBy: 'bob' });
      });

      it('refuses a first save that is not version 1', async () => {
        for (const version of [0, 2]) {
          const error = await store.saveSettings(someSettings({ version })).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(StaleUpdateError);
          expect((error as StaleUpdateError).current).toBeNull();
        }
        expect(await store.getSettings('prod-1')).toBeNull();
      });

      it('refuses a stale update, carrying the stored settings and naming who saved them', async () => {
        await store.saveSettings(someSettings());
        await store.saveSettings(someSettings({ version: 2, updatedBy: 'bob', updatedAt: '2026-11-24T02:00:00.000Z' }));
        const error = await store.saveSettings(someSettings({ version: 2, updatedBy: 'carol' })).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StaleUpdateError);
        const stale = error as StaleUpdateError<StoredSettings>;
        expect(stale.current).toMatchObject({ version: 2, updatedBy: 'bob' });
        expect(stale.message).toContain('bob');
        expect(stale.message).toContain('2026-11-24T02:00:00.000Z');
        expect(await store.getSettings('prod-1')).toMatchObject({ version: 2, updatedBy: 'bob' });
      });

      it('lets exactly one of two concurrent saves of the same version win', async () => {
        await store.saveSettings(someSettings());
        const results = await Promise.allSettled(
          ['bob', 'carol', 'dave'].map((who) => store.saveSettings(someSettings({ version: 2, updatedBy: who }))),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(StaleUpdateError);
      });

      it('are kept per instance', async () => {
        await store.saveSettings(someSettings());
        await store.saveSettings(someSettings({ instanceId: 'staging-1', enabled: false }));
        const all = await store.listSettings();
        expect(all.map((s) => s.instanceId).sort()).toEqual(['prod-1', 'staging-1']);
        expect(await store.getSettings('staging-1')).toMatchObject({ enabled: false, version: 1 });
      });
    });

    describe('backup sets', () => {
      it('read back exactly as created; unknown ids are null', async () => {
        const set = aFinishedSet({ warnings: ['versioning is on'] });
        await store.createBackupSet(set);
        expect(await store.getBackupSet(set.id)).toEqual(set);
        expect(await store.getBackupSet('bk-nope')).toBeNull();
      });

      it('refuse a duplicate id', async () => {
        await store.createBackupSet(aBackupSet({ trigger: 'manual', scheduledDay: null }));
        const error = await store.createBackupSet(aBackupSet({ trigger: 'manual', scheduledDay: null })).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConflictError);
        expect(error).not.toBeInstanceOf(DayTakenError);
      });

      describe('the once-a-day rule', () => {
        const day = { instanceId: 'prod-1', trigger: 'scheduled' as const, scheduledDay: '2026-11-24' };

        it.each(['RUNNING', 'FINISHED', 'PARTIAL'] as const)('a %s scheduled set holds its day', async (state) => {
          await store.createBackupSet(aBackupSet({ ...day, id: 'bk-a', state }));
          const error = await store.createBackupSet(aBackupSet({ ...day, id: 'bk-b' })).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(DayTakenError);
          expect((error as DayTakenError).holder).toBe('bk-a');
          expect(await store.getBackupSet('bk-b')).toBeNull();
        });

        it('a FAILED scheduled set does not use up its day', async () => {
          await store.createBackupSet(aBackupSet({ ...day, id: 'bk-a', state: 'FAILED' }));
          await store.createBackupSet(aBackupSet({ ...day, id: 'bk-b' }));
          expect(await store.getBackupSet('bk-b')).not.toBeNull();
        });

        it('manual and adopted sets never hold a day, nor are held back by one', async () => {
          await store.createBackupSet(aBackupSet({ id: 'bk-m1', trigger: 'manual', scheduledDay: null }));
          await store.createBackupSet(aBackupSet({ id: 'bk-ad', trigger: 'adopted', scheduledDay: null, state: 'FINISHED' }));
          await store.createBackupSet(aBackupSet({ ...day, id: 'bk-s' }));
          await store.createBackupSet(aBackupSet({ id: 'bk-m2', trigger: 'manual', scheduledDay: null }));
          expect((await store.listBackupSets()).map((s) => s.id).sort()).toEqual(['bk-ad', 'bk-m1', 'bk-m2', 'bk-s']);
        });

        it('is per instance and per local day', async () => {
          await store.createBackupSet(aBackupSet({ ...day, id: 'bk-a' }));
          await store.createBackupSet(aBackupSet({ ...day, id: 'bk-b', scheduledDay: '2026-11-25' }));
          await store.createBackupSet(aBackupSet({ ...day, id: 'bk-c', instanceId: 'prod-sh' }));
          expect(await store.listBackupSets()).toHaveLength(3);
        });

        it('lets exactly one of many concurrent scheduled runs for a day in', async () => {
          const ids = Array.from({ length: 12 }, (_, i) => `bk-${i}`);
          const results = await Promise.allSettled(ids.map((id) => store.createBackupSet(aBackupSet({ ...day, id }))));
          expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
          for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(DayTakenError);
          expect(await store.listBackupSets({ instanceId: 'prod-1' })).toHaveLength(1);
        });

        it('cannot be broken by an update reviving a failed set', async () => {
          await store.createBackupSet(aBackupSet({ ...day, id: 'bk-a', state: 'FAILED' }));
          await store.createBackupSet(aBackupSet({ ...day, id: 'bk-b' }));
          const error = await store.updateBackupSet('bk-a', (s) => ({ ...s, state: 'RUNNING' })).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(DayTakenError);
          expect(await store.getBackupSet('bk-a')).toMatchObject({ state: 'FAILED' });
        });
      });

      it('are updated by a mutator under the lock, concurrent updates all applied', async () => {
        await store.createBackupSet(aBackupSet());
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store.updateBackupSet('bk-20261124-0230-prod-1', (s) => ({ ...s, warnings: [...s.warnings, `w${i}`] })),
          ),
        );
        const set = await store.getBackupSet('bk-20261124-0230-prod-1');
        expect(set?.warnings).toHaveLength(20);
      });

      it('return the updated set; a failing mutator changes nothing', async () => {
        await store.createBackupSet(aBackupSet());
        const updated = await store.updateBackupSet('bk-20261124-0230-prod-1', (s) => ({ ...s, state: 'FINISHED' }));
        expect(updated.state).toBe('FINISHED');
        await expect(
          store.updateBackupSet('bk-20261124-0230-prod-1', () => {
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await store.getBackupSet('bk-20261124-0230-prod-1')).toMatchObject({ state: 'FINISHED' });
      });

      it('refuse an update of an unknown set', async () => {
        await expect(store.updateBackupSet('bk-nope', (s) => s)).rejects.toBeInstanceOf(NotFoundError);
      });

      it('are listed newest first, filtered by instance and state', async () => {
        const manual = { trigger: 'manual' as const, scheduledDay: null };
        await store.createBackupSet(aBackupSet({ ...manual, id: 'bk-2', startedAt: '2026-11-22T00:00:00.000Z', state: 'FINISHED' }));
        await store.createBackupSet(aBackupSet({ ...manual, id: 'bk-3', startedAt: '2026-11-23T00:00:00.000Z' }));
        await store.createBackupSet(aBackupSet({ ...manual, id: 'bk-1', startedAt: '2026-11-21T00:00:00.000Z', instanceId: 'prod-sh' }));
        expect((await store.listBackupSets()).map((s) => s.id)).toEqual(['bk-3', 'bk-2', 'bk-1']);
        expect((await store.listBackupSets({ instanceId: 'prod-1' })).map((s) => s.id)).toEqual(['bk-3', 'bk-2']);
        expect((await store.listBackupSets({ states: ['FINISHED'] })).map((s) => s.id)).toEqual(['bk-2']);
        expect(await store.listBackupSets({ instanceId: 'prod-1', states: ['FAILED'] })).toEqual([]);
      });

      it('hand out copies: changing a returned set changes nothing stored', async () => {
        await store.createBackupSet(aBackupSet());
        const got = await store.getBackupSet('bk-20261124-0230-prod-1');
        got?.warnings.push('changed outside');
        expect((await store.getBackupSet('bk-20261124-0230-prod-1'))?.warnings).toEqual([]);
      });
    });

    describe('restore requests', () => {
      it('read back as created; duplicates refused; unknown ids are null', async () => {
        const req = aRestoreRequest();
        await store.createRestoreRequest(req);
        expect(await store.getRestoreRequest(req.id)).toEqual(req);
        await expect(store.createRestoreRequest(req)).rejects.toBeInstanceOf(ConflictError);
        expect(await store.getRestoreRequest('rs-nope')).toBeNull();
      });

      it('are updated by a mutator; unknown ids refused', async () => {
        await store.createRestoreRequest(aRestoreRequest());
        const approved = await store.updateRestoreRequest('rs-20261125-1000-staging-1', (r) => ({ ...r, state: 'APPROVED', decidedBy: 'bob' }));
        expect(approved).toMatchObject({ state: 'APPROVED', decidedBy: 'bob' });
        expect(await store.getRestoreRequest('rs-20261125-1000-staging-1')).toMatchObject({ state: 'APPROVED' });
        await expect(store.updateRestoreRequest('rs-nope', (r) => r)).rejects.toBeInstanceOf(NotFoundError);
      });

      it('are listed newest first, by the instance restored from or into', async () => {
        await store.createRestoreRequest(aRestoreRequest({ id: 'rs-1', requestedAt: '2026-11-20T00:00:00.000Z' }));
        await store.createRestoreRequest(aRestoreRequest({ id: 'rs-2', requestedAt: '2026-11-21T00:00:00.000Z', sourceInstanceId: 'prod-sh', targetInstanceId: 'test-sh' }));
        expect((await store.listRestoreRequests()).map((r) => r.id)).toEqual(['rs-2', 'rs-1']);
        expect((await store.listRestoreRequests({ instanceId: 'staging-1' })).map((r) => r.id)).toEqual(['rs-1']);
        expect((await store.listRestoreRequests({ instanceId: 'prod-1' })).map((r) => r.id)).toEqual(['rs-1']);
        expect((await store.listRestoreRequests({ instanceId: 'test-sh' })).map((r) => r.id)).toEqual(['rs-2']);
      });
    });

    describe('tasks', () => {
      it('are added, then replaced by id', async () => {
        await store.upsertTask(aTask());
        await store.upsertTask(aTask({ state: 'FINISHED', progress: { done: 4, total: 4, unit: 'databases' } }));
        expect(await store.getTask('task-1')).toMatchObject({ state: 'FINISHED', progress: { done: 4 } });
        expect(await store.listTasks()).toHaveLength(1);
        expect(await store.getTask('task-nope')).toBeNull();
      });

      it('are listed newest first, filtered by instance and state', async () => {
        await store.upsertTask(aTask({ id: 't1', startedAt: '2026-11-20T00:00:00.000Z', state: 'FINISHED' }));
        await store.upsertTask(aTask({ id: 't2', startedAt: '2026-11-22T00:00:00.000Z' }));
        await store.upsertTask(aTask({ id: 't3', startedAt: '2026-11-21T00:00:00.000Z', instanceId: 'staging-1', kind: 'restore' }));
        expect((await store.listTasks()).map((x) => x.id)).toEqual(['t2', 't3', 't1']);
        expect((await store.listTasks({ instanceId: 'prod-1' })).map((x) => x.id)).toEqual(['t2', 't1']);
        expect((await store.listTasks({ states: ['RUNNING'] })).map((x) => x.id)).toEqual(['t2', 't3']);
      });
    });

    describe('audit', () => {
      it('keeps every event with its before and after, newest first', async () => {
        await store.appendAudit(anAuditEvent({ id: 'e1', at: '2026-11-20T00:00:00.000Z' }));
        await store.appendAudit(anAuditEvent({ id: 'e2', at: '2026-11-22T00:00:00.000Z', instanceId: 'staging-1' }));
        await store.appendAudit(anAuditEvent({ id: 'e3', at: '2026-11-21T00:00:00.000Z', before: null, after: { nested: [1, 'two', { three: true }] } }));
        const events = await store.listAudit();
        expect(events.map((e) => e.id)).toEqual(['e2', 'e3', 'e1']);
        expect(events[1]).toEqual(anAuditEvent({ id: 'e3', at: '2026-11-21T00:00:00.000Z', before: null, after: { nested: [1, 'two', { three: true }] } }));
        expect((await store.listAudit({ instanceId: 'prod-1' })).map((e) => e.id)).toEqual(['e3', 'e1']);
        expect((await store.listAudit({ limit: 2 })).map((e) => e.id)).toEqual(['e2', 'e3']);
      });

      it('refuses an event id twice', async () => {
        await store.appendAudit(anAuditEvent());
        await expect(store.appendAudit(anAuditEvent())).rejects.toBeInstanceOf(ConflictError);
      });
    });

    defineOutboxContract(use);

    describe('named values', () => {
      it('are null until set, then the last value set', async () => {
        expect(await store.getValue('scheduler.lastTick')).toBeNull();
        await store.setValue('scheduler.lastTick', 'a');
        await store.setValue('scheduler.lastTick', 'b');
        expect(await store.getValue('scheduler.lastTick')).toBe('b');
      });

      it('take any name as plain data', async () => {
        for (const name of ['__proto__', 'constructor', 'a.b', '']) await store.setValue(name, `v:${name}`);
        for (const name of ['__proto__', 'constructor', 'a.b', '']) expect(await store.getValue(name)).toBe(`v:${name}`);
        expect(await store.getValue('toString')).toBeNull();
      });
    });

    describe('persistence', () => {
      it('keeps everything across a restart', async () => {
        await store.saveSettings(someSettings());
        await store.createBackupSet(aFinishedSet());
        await store.createRestoreRequest(aRestoreRequest());
        await store.upsertTask(aTask());
        await store.appendAudit(anAuditEvent());
        await store.enqueue(anOutboxItem({ key: 'progress:bk-1' }));
        await store.setDelivery('progress:bk-1', [{ platform: 'slack', channelId: 'C0BACKUPS', messageId: '1700000000.000100' }]);
        await store.setValue('signing-key', 'secret-ish');

        store = await t.reopen();
        expect(await store.getSettings('prod-1')).toEqual(someSettings());
        expect(await store.getBackupSet(aFinishedSet().id)).toEqual(aFinishedSet());
        expect(await store.getRestoreRequest(aRestoreRequest().id)).toEqual(aRestoreRequest());
        expect(await store.getTask('task-1')).toEqual(aTask());
        expect(await store.listAudit()).toEqual([anAuditEvent()]);
        expect(await store.dueOutbox(new Date('2026-11-25T00:00:00Z'), 10)).toEqual([anOutboxItem({ key: 'progress:bk-1' })]);
        expect(await store.getDelivery('progress:bk-1')).toHaveLength(1);
        expect(await store.getValue('signing-key')).toBe('secret-ish');
      });

      it('keeps the once-a-day rule across a restart', async () => {
        await store.createBackupSet(aBackupSet({ id: 'bk-a' }));
        store = await t.reopen();
        await expect(store.createBackupSet(aBackupSet({ id: 'bk-b' }))).rejects.toBeInstanceOf(DayTakenError);
      });
    });
  });
}
