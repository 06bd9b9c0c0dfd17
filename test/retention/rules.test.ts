// The retention rules (src/domain/retention.ts): which set the sweep expires or keeps, why a
// delete or a restore is refused, and how a snapshot name leads back to its set.

import { describe, expect, it } from 'vitest';
import { snapshotName } from '../../src/domain/ids';
import { deletionRefusal, lastGoodSets, sameHold, snapshotOrigin, sweepDecision } from '../../src/domain/retention';
import { aFinishedSet, aRestoreRequest } from '../domain/fixtures';

const DAY = 86_400_000;
const older = aFinishedSet({ id: 'bk-20261110-0230-prod-1', startedAt: '2026-11-09T18:30:00.000Z', finishedAt: '2026-11-09T18:40:00.000Z' });
const newer = aFinishedSet({ id: 'bk-20261124-0230-prod-1' });
const afterBoth = new Date(Date.parse(newer.expiresAt ?? '') + DAY);

describe('the last good backups of an instance', () => {
  it('are its newest FINISHED sets, as many as keepLastGood', () => {
    expect([...lastGoodSets([older, newer], 1)]).toEqual([newer.id]);
    expect(lastGoodSets([older, newer], 2)).toEqual(new Set([older.id, newer.id]));
    expect(lastGoodSets([older, newer], 0).size).toBe(0);
  });

  it('skip newer PARTIAL and FAILED sets while a FINISHED one exists, and fall back to PARTIAL without one', () => {
    const partial = aFinishedSet({ id: 'bk-20261125-0230-prod-1', startedAt: '2026-11-24T18:30:00.000Z', state: 'PARTIAL' });
    const failed = aFinishedSet({ id: 'bk-20261126-0230-prod-1', startedAt: '2026-11-25T18:30:00.000Z', state: 'FAILED' });
    expect([...lastGoodSets([older, newer, partial, failed], 1)]).toEqual([newer.id]);
    expect([...lastGoodSets([partial, failed], 1)]).toEqual([partial.id]);
  });
});

describe('the sweep decides', () => {
  const ctx = { now: afterBoth, configured: true, lastGood: new Set([newer.id]), restores: [] };

  it('nothing before the expiry, and expire after it', () => {
    expect(sweepDecision(older, { ...ctx, now: new Date(Date.parse(older.expiresAt ?? '') - 1000) })).toBeNull();
    expect(sweepDecision(older, ctx)).toEqual({ kind: 'expire' });
  });

  it('to keep the last good set past its expiry', () => {
    expect(sweepDecision(newer, ctx)).toEqual({ kind: 'hold', hold: { reason: 'last_good', restoreIds: [] } });
  });

  it('to keep a set a restore reads (requested, approved or running) until it ends', () => {
    for (const state of ['PENDING_APPROVAL', 'APPROVED', 'RUNNING'] as const) {
      const restores = [aRestoreRequest({ id: 'rs-20261201-1000-staging-1', backupSetId: older.id, state })];
      expect(sweepDecision(older, { ...ctx, restores })).toEqual({ kind: 'hold', hold: { reason: 'restore', restoreIds: ['rs-20261201-1000-staging-1'] } });
    }
    const ended = [aRestoreRequest({ backupSetId: older.id, state: 'FINISHED' })];
    expect(sweepDecision(older, { ...ctx, restores: ended })).toEqual({ kind: 'expire' });
  });

  it('never to sweep an orphaned set (instance gone from the configuration)', () => {
    expect(sweepDecision(older, { ...ctx, configured: false })).toEqual({ kind: 'orphaned' });
  });

  it('that a keep with the same reason is the same keep', () => {
    expect(sameHold({ reason: 'last_good', restoreIds: [] }, { reason: 'last_good', restoreIds: [] })).toBe(true);
    expect(sameHold({ reason: 'restore', restoreIds: ['a'] }, { reason: 'restore', restoreIds: ['b'] })).toBe(false);
    expect(sameHold(null, { reason: 'last_good', restoreIds: [] })).toBe(false);
  });
});

describe('a delete is refused', () => {
  it('with the reason, for a running, deleting, deleted or failed set or one a restore reads', () => {
    expect(deletionRefusal({ ...newer, state: 'RUNNING' }, [], 'UTC')).toMatch(/is still running, and a started backup cannot be interrupted/);
    expect(deletionRefusal({ ...newer, state: 'DELETING', deletedBy: 'admin1' }, [], 'UTC')).toMatch(/already being deleted \(requested by admin1\)/);
    expect(deletionRefusal({ ...newer, state: 'EXPIRING' }, [], 'UTC')).toMatch(/already being deleted \(it expired\)/);
    expect(deletionRefusal({ ...newer, state: 'DELETED', deletedAt: '2026-11-20T03:00:00Z' }, [], 'UTC')).toBe(`${newer.id} was already deleted on 2026-11-20; there is nothing left to delete.`);
    expect(deletionRefusal({ ...newer, state: 'FAILED' }, [], 'UTC')).toMatch(/failed and holds no backup data/);
    const restore = aRestoreRequest({ backupSetId: newer.id, state: 'APPROVED' });
    expect(deletionRefusal(newer, [restore], 'UTC')).toBe(`${newer.id} is used by restore ${restore.id} (approved); it can be deleted once that restore ends.`);
    expect(deletionRefusal(newer, [], 'UTC')).toBeNull();
  });
});

describe('a snapshot name the bot made', () => {
  it('leads back to its set, database and attempt', () => {
    expect(snapshotOrigin(snapshotName('bk-20261124-0230-prod-1', 'sales', 1), 'prod-1')).toEqual({ setId: 'bk-20261124-0230-prod-1', database: 'sales', attempt: 1 });
    expect(snapshotOrigin(snapshotName('bk-20261124-0230-prod-1', 'web_logs', 3), 'prod-1')).toEqual({ setId: 'bk-20261124-0230-prod-1', database: 'web_logs', attempt: 3 });
    expect(snapshotOrigin(snapshotName('bk-20261124-0230-prod-1', '_x', 1), 'prod-1')).toEqual({ setId: 'bk-20261124-0230-prod-1', database: '_x', attempt: 1 });
  });

  it('says nothing for another instance, a hashed name or a foreign one', () => {
    expect(snapshotOrigin(snapshotName('bk-20261124-0230-prod-1', 'sales', 1), 'prod-2')).toBeNull();
    expect(snapshotOrigin(snapshotName('bk-20261124-0230-prod-1.2', 'sales', 1), 'prod-1')).toBeNull();
    expect(snapshotOrigin('nightly_20261124', 'prod-1')).toBeNull();
  });
});
