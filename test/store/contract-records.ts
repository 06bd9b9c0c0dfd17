// Restore requests, tasks and the audit log (see contract.ts).

import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../src/domain/errors';
import type { RestoreFilter } from '../../src/ports';
import { aDatabaseRestore, aRestoreRequest } from '../domain/fixtures';
import { aTask, anAuditEvent, outcomes } from './builders';
import type { ContractContext } from './contract';

export function defineRecordsContract(ctx: ContractContext): void {
  describe('restore requests', () => {
    it('read back as created, jobs and all; unknown ids are null', async () => {
      const request = aRestoreRequest({ state: 'RUNNING', jobs: [aDatabaseRestore(), aDatabaseRestore({ database: 'crm', state: 'PENDING', jobState: null, tracking: 'not_submitted', waitingFor: 'a backup of crm', progress: null })] });
      await ctx.store.restores.create(request);
      expect(await ctx.store.restores.get(request.id)).toEqual(request);
      expect(await ctx.store.restores.get('rs-nope')).toBeNull();
    });

    it('refuse a duplicate id, keeping the first, also when two handles race', async () => {
      const { won, lost } = outcomes(await ctx.race(2, (store, i) => store.restores.create(aRestoreRequest({ requestedBy: `person-${i}` })).then(() => `person-${i}`)));
      expect(won).toHaveLength(1);
      expect(lost[0]).toBeInstanceOf(ConflictError);
      expect(await ctx.store.restores.get(aRestoreRequest().id)).toMatchObject({ requestedBy: won[0] });
      await expect(ctx.store.restores.create(aRestoreRequest())).rejects.toBeInstanceOf(ConflictError);
    });

    it('are updated by a mutator; a failing mutator changes nothing; unknown ids refused', async () => {
      await ctx.store.restores.create(aRestoreRequest());
      const approved = await ctx.store.restores.update(aRestoreRequest().id, (r) => ({ ...r, state: 'APPROVED', decidedBy: 'bob', decidedAt: '2026-11-25T03:00:00.000Z' }));
      expect(approved).toEqual(aRestoreRequest({ state: 'APPROVED', decidedBy: 'bob', decidedAt: '2026-11-25T03:00:00.000Z' }));
      await expect(
        ctx.store.restores.update(aRestoreRequest().id, () => {
          throw new ConflictError('already decided');
        }),
      ).rejects.toBeInstanceOf(ConflictError);
      expect(await ctx.store.restores.get(aRestoreRequest().id)).toEqual(approved);
      await expect(ctx.store.restores.update('rs-nope', (r) => r)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('apply an approval exactly once when two approvers race, across handles', async () => {
      await ctx.store.restores.create(aRestoreRequest());
      const approve = (who: string) => (r: ReturnType<typeof aRestoreRequest>) => {
        if (r.state !== 'PENDING_APPROVAL') throw new ConflictError(`already ${r.state}`);
        return { ...r, state: 'APPROVED' as const, decidedBy: who };
      };
      const { won, lost } = outcomes(await ctx.race(2, (store, i) => store.restores.update(aRestoreRequest().id, approve(i === 0 ? 'bob' : 'carol'))));
      expect(won).toHaveLength(1);
      expect(lost[0]).toBeInstanceOf(ConflictError);
      expect(await ctx.store.restores.get(aRestoreRequest().id)).toEqual(won[0]);
    });

    it('are listed newest first, filtered by instance (from or into), backup set and state', async () => {
      await ctx.store.restores.create(aRestoreRequest({ id: 'rs-1', requestedAt: '2026-11-20T00:00:00.000Z' }));
      await ctx.store.restores.create(aRestoreRequest({ id: 'rs-2', requestedAt: '2026-11-21T00:00:00.000Z', backupSetId: 'bk-sh', sourceInstanceId: 'prod-sh', targetInstanceId: 'test-sh', state: 'FINISHED' }));
      await ctx.store.restores.create(aRestoreRequest({ id: 'rs-3', requestedAt: '2026-11-22T00:00:00.000Z', state: 'REJECTED' }));
      await ctx.store.restores.create(aRestoreRequest({ id: 'rs-4', requestedAt: '2026-11-23T00:00:00.000Z', backupSetId: 'bk-other', targetInstanceId: 'test-sh', state: 'RUNNING' }));
      const ids = async (filter?: RestoreFilter) => (await ctx.store.restores.list(filter)).map((r) => r.id);
      expect(await ids()).toEqual(['rs-4', 'rs-3', 'rs-2', 'rs-1']);
      expect(await ids({ instanceId: 'staging-1' })).toEqual(['rs-3', 'rs-1']);
      expect(await ids({ instanceId: 'prod-1' })).toEqual(['rs-4', 'rs-3', 'rs-1']);
      expect(await ids({ instanceId: 'test-sh' })).toEqual(['rs-4', 'rs-2']);
      expect(await ids({ backupSetId: aRestoreRequest().backupSetId })).toEqual(['rs-3', 'rs-1']);
      expect(await ids({ states: ['RUNNING', 'PENDING_APPROVAL'] })).toEqual(['rs-4', 'rs-1']);
      expect(await ids({ instanceId: 'test-sh', states: ['FINISHED'] })).toEqual(['rs-2']);
      expect(await ids({ backupSetId: 'bk-other', states: ['FINISHED'] })).toEqual([]);
      expect(await ids({ instanceId: 'nowhere' })).toEqual([]);
    });
  });

  describe('tasks', () => {
    it('are added, then replaced by id; unknown ids are null', async () => {
      await ctx.store.tasks.upsert(aTask());
      const done = aTask({ state: 'FINISHED', progress: { done: 4, total: 4, unit: 'databases' }, finishedAt: '2026-11-24T00:30:00.000Z' });
      await ctx.store.tasks.upsert(done);
      expect(await ctx.store.tasks.get('task-1')).toEqual(done);
      expect(await ctx.store.tasks.list()).toEqual([done]);
      expect(await ctx.store.tasks.get('task-nope')).toBeNull();
    });

    it('are listed newest first, filtered by instance and state, limited', async () => {
      await ctx.store.tasks.upsert(aTask({ id: 't1', startedAt: '2026-11-20T00:00:00.000Z', state: 'FINISHED' }));
      await ctx.store.tasks.upsert(aTask({ id: 't2', startedAt: '2026-11-22T00:00:00.000Z' }));
      await ctx.store.tasks.upsert(aTask({ id: 't3', startedAt: '2026-11-21T00:00:00.000Z', instanceId: 'staging-1', kind: 'restore' }));
      await ctx.store.tasks.upsert(aTask({ id: 't4', startedAt: '2026-11-19T00:00:00.000Z', state: 'FAILED' }));
      const ids = async (filter?: Parameters<typeof ctx.store.tasks.list>[0]) => (await ctx.store.tasks.list(filter)).map((x) => x.id);
      expect(await ids()).toEqual(['t2', 't3', 't1', 't4']);
      expect(await ids({ instanceId: 'prod-1' })).toEqual(['t2', 't1', 't4']);
      expect(await ids({ states: ['RUNNING'] })).toEqual(['t2', 't3']);
      expect(await ids({ limit: 3 })).toEqual(['t2', 't3', 't1']);
      expect(await ids({ instanceId: 'prod-1', states: ['FINISHED', 'FAILED'], limit: 1 })).toEqual(['t1']);
      expect(await ids({ limit: 0 })).toEqual([]);
    });
  });

  describe('audit', () => {
    it('keeps every event with its before and after, newest first, filtered and limited', async () => {
      const nested = anAuditEvent({ id: 'e3', at: '2026-11-21T00:00:00.000Z', before: null, after: { nested: [1, 'two', { three: true }] }, subject: 'bk-1' });
      await ctx.store.audit.append(anAuditEvent({ id: 'e1', at: '2026-11-20T00:00:00.000Z' }));
      await ctx.store.audit.append(anAuditEvent({ id: 'e2', at: '2026-11-22T00:00:00.000Z', instanceId: 'staging-1' }));
      await ctx.store.audit.append(nested);
      await ctx.store.audit.append(anAuditEvent({ id: 'e4', at: '2026-11-19T00:00:00.000Z', instanceId: null, actor: { platform: 'system', userId: 'system', personId: null, displayName: 'the bot' } }));
      const events = await ctx.store.audit.list();
      expect(events.map((e) => e.id)).toEqual(['e2', 'e3', 'e1', 'e4']);
      expect(events[1]).toEqual(nested);
      expect(events[3]?.actor).toEqual({ platform: 'system', userId: 'system', personId: null, displayName: 'the bot' });
      expect((await ctx.store.audit.list({ instanceId: 'prod-1' })).map((e) => e.id)).toEqual(['e3', 'e1']);
      expect((await ctx.store.audit.list({ limit: 2 })).map((e) => e.id)).toEqual(['e2', 'e3']);
      expect((await ctx.store.audit.list({ instanceId: 'prod-1', limit: 1 })).map((e) => e.id)).toEqual(['e3']);
    });

    it('refuses an event id twice, also when two handles race', async () => {
      const { won, lost } = outcomes(await ctx.race(2, (store, i) => store.audit.append(anAuditEvent({ action: `action-${i}` }))));
      expect(won).toHaveLength(1);
      expect(lost[0]).toBeInstanceOf(ConflictError);
      expect(await ctx.store.audit.list()).toHaveLength(1);
      await expect(ctx.store.audit.append(anAuditEvent())).rejects.toBeInstanceOf(ConflictError);
    });

    it('keeps every one of many events appended at once through two handles', async () => {
      const { lost } = outcomes(await ctx.race(30, (store, i) => store.audit.append(anAuditEvent({ id: `e${i}`, at: new Date(Date.UTC(2026, 10, 24, 0, 0, i)).toISOString() }))));
      expect(lost).toEqual([]);
      expect((await ctx.store.audit.list()).map((e) => e.id)).toEqual(Array.from({ length: 30 }, (_, i) => `e${29 - i}`));
    });
  });
}
