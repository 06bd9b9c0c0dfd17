// Transactions (see contract.ts): a change of state and what it causes (an announcement, an
// audit record, a task) land together or not at all.

import { describe, expect, it } from 'vitest';
import { BackupRunningError, DayTakenError } from '../../src/domain/errors';
import { aBackupSet, aFinishedSet } from '../domain/fixtures';
import { aNotification, aTask, anAuditEvent } from './builders';
import type { ContractContext } from './contract';

const now = new Date('2026-11-24T03:00:00Z');

export function defineTransactionContract(ctx: ContractContext): void {
  describe('transactions', () => {
    it('land every write together, and see their own writes before they end', async () => {
      const set = aBackupSet({ trigger: 'manual', scheduledDay: null });
      const seen = await ctx.store.atomically(async (tx) => {
        await tx.backupSets.create(set);
        await tx.backupSets.update(set.id, (s) => ({ ...s, warnings: ['w'] }));
        await tx.outbox.enqueue(aNotification({ id: 'n-1' }));
        await tx.audit.append(anAuditEvent({ id: 'ev-1' }));
        await tx.tasks.upsert(aTask());
        return (await tx.backupSets.get(set.id))?.warnings;
      });
      expect(seen).toEqual(['w']);
      expect((await ctx.store.backupSets.get(set.id))?.warnings).toEqual(['w']);
      expect(await ctx.store.outbox.depth()).toBe(1);
      expect((await ctx.store.audit.list()).map((e) => e.id)).toEqual(['ev-1']);
      expect(await (await ctx.second()).tasks.get(aTask().id)).toEqual(aTask());
    });

    it('land nothing when the work fails half-way, whatever was already written', async () => {
      const set = aFinishedSet({ trigger: 'manual', scheduledDay: null });
      await ctx.store.backupSets.create(set);
      const boom = new Error('the announcement could not be built');
      const error = await ctx.store
        .atomically(async (tx) => {
          await tx.backupSets.update(set.id, (s) => ({ ...s, state: 'DELETING' }));
          await tx.outbox.enqueue(aNotification({ id: 'n-1' }));
          await tx.audit.append(anAuditEvent({ id: 'ev-1' }));
          throw boom;
        })
        .catch((e: unknown) => e);
      expect(error).toBe(boom);
      expect(await ctx.store.backupSets.get(set.id)).toEqual(set);
      expect(await ctx.store.outbox.depth()).toBe(0);
      expect(await ctx.store.audit.list()).toEqual([]);
      const reopened = await ctx.reopen();
      expect(await reopened.backupSets.get(set.id)).toEqual(set);
      expect(await reopened.audit.list()).toEqual([]);
    });

    it('keep the store rules, and a refused write inside rolls the whole transaction back', async () => {
      await ctx.store.backupSets.create(aBackupSet({ id: 'bk-running', trigger: 'manual', scheduledDay: null }));
      const error = await ctx.store
        .atomically(async (tx) => {
          await tx.audit.append(anAuditEvent({ id: 'ev-1' }));
          await tx.backupSets.create(aBackupSet({ id: 'bk-second', trigger: 'manual', scheduledDay: null }));
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackupRunningError);
      expect(await ctx.store.audit.list()).toEqual([]);
      expect(await ctx.store.backupSets.get('bk-second')).toBeNull();
    });

    it('keep the once-a-day rule when two handles race transactions for one day', async () => {
      const day = { trigger: 'scheduled' as const, scheduledDay: '2026-11-24', state: 'FINISHED' as const };
      const results = await ctx.race(6, (store, i) =>
        store.atomically(async (tx) => {
          await tx.backupSets.create(aBackupSet({ ...day, id: `bk-${i}` }));
          await tx.outbox.enqueue(aNotification({ id: `n-${i}` }));
        }),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(DayTakenError);
      expect(await ctx.store.outbox.depth()).toBe(1);
    });

    it('keep concurrent transactions apart: each lands whole', async () => {
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          ctx.store.atomically(async (tx) => {
            await tx.audit.append(anAuditEvent({ id: `ev-${i}`, at: now.toISOString() }));
            await tx.outbox.enqueue(aNotification({ id: `n-${i}` }));
          }),
        ),
      );
      expect(await ctx.store.audit.list()).toHaveLength(8);
      expect(await ctx.store.outbox.depth()).toBe(8);
    });
  });
}
