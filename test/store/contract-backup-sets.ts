// Backup sets: the once-a-day rule and one running backup per instance, kept by the store in one
// transaction, also across two handles racing (see contract.ts).

import { describe, expect, it } from 'vitest';
import { BackupRunningError, ConflictError, DayTakenError, NotFoundError } from '../../src/domain/errors';
import type { BackupSet } from '../../src/domain/types';
import { aBackupSet, aDatabaseBackup, aFinishedSet } from '../domain/fixtures';
import { outcomes } from './builders';
import type { ContractContext } from './contract';

const day = { instanceId: 'prod-1', trigger: 'scheduled' as const, scheduledDay: '2026-11-24' };
const manual = { trigger: 'manual' as const, scheduledDay: null };

/** A finished set with every optional part filled in, to prove nothing is lost on the way. */
export function aFullSet(over: Partial<BackupSet> = {}): BackupSet {
  return aFinishedSet({
    warnings: ['versioning is on: deletes free no storage'],
    late: true,
    requestedBy: 'alice',
    expiryWarnedAt: '2026-11-29T18:40:00.000Z',
    leftOut: {
      views: [{ database: 'sales', name: 'v_orders' }],
      materializedViews: [{ database: 'sales', name: 'mv_daily', reason: 'asynchronous materialized view' }],
      colocateGroups: [{ database: 'sales', group: 'g1', tables: ['orders', 'items'] }],
      unsupportedTables: [{ database: 'logs', table: 'ext_hive', reason: 'external table' }],
    },
    databases: [aDatabaseBackup(), aDatabaseBackup({ database: 'crm', snapshotName: 'bk_20261124_0230_prod_1__crm', tracking: 'resolved_from_oss', jobState: null })],
    ...over,
  });
}

export function defineBackupSetContract(ctx: ContractContext): void {
  describe('backup sets', () => {
    it('read back exactly as created; unknown ids are null', async () => {
      await ctx.store.backupSets.create(aFullSet());
      expect(await ctx.store.backupSets.get(aFullSet().id)).toEqual(aFullSet());
      expect(await ctx.store.backupSets.get('bk-nope')).toBeNull();
    });

    it('refuse a duplicate id, keeping the first', async () => {
      await ctx.store.backupSets.create(aBackupSet({ ...manual, state: 'FINISHED' }));
      const error = await ctx.store.backupSets.create(aBackupSet({ ...manual, state: 'FAILED' })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error).not.toBeInstanceOf(DayTakenError);
      expect(error).not.toBeInstanceOf(BackupRunningError);
      expect(await ctx.store.backupSets.get(aBackupSet().id)).toMatchObject({ state: 'FINISHED' });
    });

    describe('the once-a-day rule', () => {
      it.each(['RUNNING', 'FINISHED', 'PARTIAL'] as const)('a %s scheduled set holds its day', async (state) => {
        await ctx.store.backupSets.create(aBackupSet({ ...day, id: 'bk-a', state }));
        const error = await ctx.store.backupSets.create(aBackupSet({ ...day, id: 'bk-b' })).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DayTakenError);
        expect((error as DayTakenError).holder).toBe('bk-a');
        expect(await ctx.store.backupSets.get('bk-b')).toBeNull();
      });

      it('a FAILED scheduled set gives its day back', async () => {
        await ctx.store.backupSets.create(aBackupSet({ ...day, id: 'bk-a', state: 'FAILED' }));
        await ctx.store.backupSets.create(aBackupSet({ ...day, id: 'bk-b' }));
        expect(await ctx.store.backupSets.get('bk-b')).toMatchObject({ state: 'RUNNING' });
      });

      it('manual and adopted sets never hold a day, nor are held back by one', async () => {
        await ctx.store.backupSets.create(aBackupSet({ ...manual, id: 'bk-m1', state: 'FINISHED' }));
        await ctx.store.backupSets.create(aBackupSet({ id: 'bk-ad', trigger: 'adopted', scheduledDay: null, state: 'FINISHED' }));
        await ctx.store.backupSets.create(aBackupSet({ ...day, id: 'bk-s', state: 'FINISHED' }));
        await ctx.store.backupSets.create(aBackupSet({ ...manual, id: 'bk-m2' }));
        expect((await ctx.store.backupSets.list()).map((s) => s.id).sort()).toEqual(['bk-ad', 'bk-m1', 'bk-m2', 'bk-s']);
      });

      it('is per instance and per local day', async () => {
        await ctx.store.backupSets.create(aBackupSet({ ...day, id: 'bk-a', state: 'FINISHED' }));
        await ctx.store.backupSets.create(aBackupSet({ ...day, id: 'bk-b', scheduledDay: '2026-11-25' }));
        await ctx.store.backupSets.create(aBackupSet({ ...day, id: 'bk-c', instanceId: 'prod-sh' }));
        expect(await ctx.store.backupSets.list()).toHaveLength(3);
      });

      it('cannot be broken by an update reviving a failed set', async () => {
        await ctx.store.backupSets.create(aBackupSet({ ...day, id: 'bk-a', state: 'FAILED' }));
        await ctx.store.backupSets.create(aBackupSet({ ...day, id: 'bk-b', state: 'FINISHED' }));
        const error = await ctx.store.backupSets.update('bk-a', (s) => ({ ...s, state: 'FINISHED' })).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DayTakenError);
        expect((error as DayTakenError).holder).toBe('bk-b');
        expect(await ctx.store.backupSets.get('bk-a')).toMatchObject({ state: 'FAILED' });
      });

      it('lets exactly one of 12 concurrent scheduled runs for a day in, across handles', async () => {
        const results = await ctx.race(12, (store, i) => store.backupSets.create(aBackupSet({ ...day, id: `bk-${i}` })).then(() => `bk-${i}`));
        const { won, lost } = outcomes(results);
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(11);
        for (const reason of lost) {
          expect(reason).toBeInstanceOf(DayTakenError);
          expect((reason as DayTakenError).holder).toBe(won[0]);
        }
        expect((await ctx.store.backupSets.list({ instanceId: 'prod-1' })).map((s) => s.id)).toEqual(won);
        expect((await (await ctx.second()).backupSets.list({ instanceId: 'prod-1' })).map((s) => s.id)).toEqual(won);
      });

      it('lets exactly one revival of a failed day win against a new scheduled run, across handles', async () => {
        await ctx.store.backupSets.create(aBackupSet({ ...day, id: 'bk-failed', state: 'FAILED' }));
        const results = await ctx.race(2, (store, i) =>
          i === 0
            ? store.backupSets.update('bk-failed', (s) => ({ ...s, state: 'PARTIAL' })).then(() => 'bk-failed')
            : store.backupSets.create(aBackupSet({ ...day, id: 'bk-new' })).then(() => 'bk-new'),
        );
        const { won, lost } = outcomes(results);
        expect(won).toHaveLength(1);
        expect(lost[0]).toBeInstanceOf(DayTakenError);
        const holding = (await ctx.store.backupSets.list()).filter((s) => s.state !== 'FAILED');
        expect(holding.map((s) => s.id)).toEqual(won);
      });
    });

    describe('one running backup per instance', () => {
      it('refuses a second RUNNING set of an instance, naming the running one', async () => {
        await ctx.store.backupSets.create(aBackupSet({ ...manual, id: 'bk-a' }));
        const error = await ctx.store.backupSets.create(aBackupSet({ ...manual, id: 'bk-b' })).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(BackupRunningError);
        expect((error as BackupRunningError).holder).toBe('bk-a');
        expect(await ctx.store.backupSets.get('bk-b')).toBeNull();
      });

      it('lets another instance run, and the instance run again once its backup ended', async () => {
        await ctx.store.backupSets.create(aBackupSet({ ...manual, id: 'bk-a' }));
        await ctx.store.backupSets.create(aBackupSet({ ...manual, id: 'bk-sh', instanceId: 'prod-sh' }));
        await ctx.store.backupSets.update('bk-a', (s) => ({ ...s, state: 'FAILED' }));
        await ctx.store.backupSets.create(aBackupSet({ ...manual, id: 'bk-b' }));
        expect((await ctx.store.backupSets.list({ states: ['RUNNING'] })).map((s) => s.id).sort()).toEqual(['bk-b', 'bk-sh']);
      });

      it('cannot be broken by an update setting a set running again', async () => {
        await ctx.store.backupSets.create(aBackupSet({ ...manual, id: 'bk-a', state: 'FAILED' }));
        await ctx.store.backupSets.create(aBackupSet({ ...manual, id: 'bk-b' }));
        const error = await ctx.store.backupSets.update('bk-a', (s) => ({ ...s, state: 'RUNNING' })).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(BackupRunningError);
        expect((error as BackupRunningError).holder).toBe('bk-b');
        expect(await ctx.store.backupSets.get('bk-a')).toMatchObject({ state: 'FAILED' });
      });

      it('lets exactly one of many concurrent manual runs of an instance in, across handles', async () => {
        const results = await ctx.race(8, (store, i) => store.backupSets.create(aBackupSet({ ...manual, id: `bk-m${i}` })).then(() => `bk-m${i}`));
        const { won, lost } = outcomes(results);
        expect(won).toHaveLength(1);
        for (const reason of lost) {
          expect(reason).toBeInstanceOf(BackupRunningError);
          expect((reason as BackupRunningError).holder).toBe(won[0]);
        }
        expect((await ctx.store.backupSets.list({ states: ['RUNNING'] })).map((s) => s.id)).toEqual(won);
      });
    });

    describe('updates', () => {
      it('apply every one of many concurrent updates, across handles (no update is lost)', async () => {
        await ctx.store.backupSets.create(aBackupSet());
        const { lost } = outcomes(await ctx.race(20, (store, i) => store.backupSets.update(aBackupSet().id, (s) => ({ ...s, warnings: [...s.warnings, `w${i}`] }))));
        expect(lost).toEqual([]);
        const warnings = (await ctx.store.backupSets.get(aBackupSet().id))?.warnings ?? [];
        expect([...warnings].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `w${i}`).sort());
      });

      it('return the updated set; a failing mutator changes nothing', async () => {
        await ctx.store.backupSets.create(aBackupSet());
        const updated = await ctx.store.backupSets.update(aBackupSet().id, (s) => ({ ...s, state: 'FINISHED', finishedAt: '2026-11-23T19:00:00.000Z' }));
        expect(updated).toEqual(aBackupSet({ state: 'FINISHED', finishedAt: '2026-11-23T19:00:00.000Z' }));
        const boom = new Error('the mutator failed');
        const error = await ctx.store.backupSets
          .update(aBackupSet().id, (s) => {
            s.warnings.push('half-done change');
            throw boom;
          })
          .catch((e: unknown) => e);
        expect(error).toBe(boom);
        expect(await ctx.store.backupSets.get(aBackupSet().id)).toEqual(updated);
      });

      it('may not move a set to another id or instance', async () => {
        await ctx.store.backupSets.create(aBackupSet());
        await expect(ctx.store.backupSets.update(aBackupSet().id, (s) => ({ ...s, id: 'bk-other' }))).rejects.toBeInstanceOf(Error);
        await expect(ctx.store.backupSets.update(aBackupSet().id, (s) => ({ ...s, instanceId: 'prod-sh' }))).rejects.toBeInstanceOf(Error);
        expect(await ctx.store.backupSets.list()).toEqual([aBackupSet()]);
      });

      it('refuse an unknown set', async () => {
        await expect(ctx.store.backupSets.update('bk-nope', (s) => s)).rejects.toBeInstanceOf(NotFoundError);
      });
    });

    it('are listed newest first, filtered by instance and state, limited', async () => {
      await ctx.store.backupSets.create(aBackupSet({ ...manual, id: 'bk-2', startedAt: '2026-11-22T00:00:00.000Z', state: 'FINISHED' }));
      await ctx.store.backupSets.create(aBackupSet({ ...manual, id: 'bk-3', startedAt: '2026-11-23T00:00:00.000Z' }));
      await ctx.store.backupSets.create(aBackupSet({ ...manual, id: 'bk-1', startedAt: '2026-11-21T00:00:00.000Z', instanceId: 'prod-sh' }));
      await ctx.store.backupSets.create(aBackupSet({ ...manual, id: 'bk-0', startedAt: '2026-11-20T00:00:00.000Z', state: 'EXPIRED' }));
      const ids = async (filter?: Parameters<typeof ctx.store.backupSets.list>[0]) => (await ctx.store.backupSets.list(filter)).map((s) => s.id);
      expect(await ids()).toEqual(['bk-3', 'bk-2', 'bk-1', 'bk-0']);
      expect(await ids({ instanceId: 'prod-1' })).toEqual(['bk-3', 'bk-2', 'bk-0']);
      expect(await ids({ states: ['FINISHED', 'EXPIRED'] })).toEqual(['bk-2', 'bk-0']);
      expect(await ids({ instanceId: 'prod-1', states: ['FAILED'] })).toEqual([]);
      expect(await ids({ limit: 2 })).toEqual(['bk-3', 'bk-2']);
      expect(await ids({ instanceId: 'prod-1', states: ['FINISHED', 'EXPIRED', 'RUNNING'], limit: 2 })).toEqual(['bk-3', 'bk-2']);
      expect(await ids({ limit: 10 })).toHaveLength(4);
      expect(await ids({ limit: 0 })).toEqual([]);
    });

    it('hand out copies: changing a returned set changes nothing stored', async () => {
      await ctx.store.backupSets.create(aBackupSet());
      const got = await ctx.store.backupSets.get(aBackupSet().id);
      got?.warnings.push('changed outside');
      (await ctx.store.backupSets.list())[0]?.databases.pop();
      expect(await ctx.store.backupSets.get(aBackupSet().id)).toEqual(aBackupSet());
    });
  });
}
