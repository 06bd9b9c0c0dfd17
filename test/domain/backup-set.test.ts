import { describe, expect, it } from 'vitest';
import {
  displayState,
  expiresAt,
  holdsItsDay,
  isExpiryDue,
  isGood,
  isRestorable,
  isTerminal,
  needsExpiryWarning,
  restorableDatabases,
  sweepMayExpire,
  transitionBackupSet,
  withExpiry,
} from '../../src/domain/backup-set';
import { TransitionError } from '../../src/domain/errors';
import type { BackupSetState } from '../../src/domain/types';
import { aBackupSet, aDatabaseBackup, aFinishedSet, aRestoreRequest } from './fixtures';

const STATES: BackupSetState[] = ['RUNNING', 'FINISHED', 'PARTIAL', 'FAILED', 'EXPIRING', 'DELETING', 'EXPIRED', 'DELETED', 'MISSING'];
const ALLOWED: Record<BackupSetState, BackupSetState[]> = {
  RUNNING: ['FINISHED', 'PARTIAL', 'FAILED'],
  FINISHED: ['EXPIRING', 'DELETING', 'MISSING'],
  PARTIAL: ['EXPIRING', 'DELETING', 'MISSING'],
  EXPIRING: ['EXPIRED'],
  DELETING: ['DELETED'],
  MISSING: ['FINISHED', 'PARTIAL', 'EXPIRING', 'DELETING'],
  FAILED: [],
  EXPIRED: [],
  DELETED: [],
};
const at = new Date('2026-11-24T00:00:00Z');
const known = new Set(['prod-1']);

describe('transitionBackupSet', () => {
  for (const from of STATES) {
    for (const to of STATES) {
      const allowed = ALLOWED[from].includes(to);
      it(`${allowed ? 'allows' : 'refuses'} ${from} → ${to}`, () => {
        const set = aBackupSet({ state: from });
        if (allowed) expect(transitionBackupSet(set, to, at).state).toBe(to);
        else expect(() => transitionBackupSet(set, to, at)).toThrow(TransitionError);
      });
    }
  }

  it('names both states when refusing', () => {
    expect(() => transitionBackupSet(aBackupSet({ state: 'FAILED' }), 'EXPIRING', at)).toThrow(
      'cannot go from FAILED to EXPIRING',
    );
  });

  it('records the finish and the expiry when a set finishes', () => {
    const done = transitionBackupSet(aBackupSet({ retentionDays: 14 }), 'FINISHED', at);
    expect(done.finishedAt).toBe('2026-11-24T00:00:00.000Z');
    expect(done.expiresAt).toBe('2026-12-08T00:00:00.000Z');
  });

  it('keeps a finish time and expiry already recorded', () => {
    const set = withExpiry(aBackupSet(), new Date('2026-11-23T19:00:00Z'));
    const done = transitionBackupSet(set, 'PARTIAL', at);
    expect(done.finishedAt).toBe('2026-11-23T19:00:00.000Z');
    expect(done.expiresAt).toBe('2026-11-30T19:00:00.000Z');
  });

  it('gives a failed set a finish time but no expiry', () => {
    const failed = transitionBackupSet(aBackupSet(), 'FAILED', at);
    expect(failed.finishedAt).toBe(at.toISOString());
    expect(failed.expiresAt).toBeNull();
  });

  it('records when the data was deleted', () => {
    expect(transitionBackupSet(aFinishedSet({ state: 'EXPIRING' }), 'EXPIRED', at).deletedAt).toBe(at.toISOString());
    expect(transitionBackupSet(aFinishedSet({ state: 'DELETING' }), 'DELETED', at).deletedAt).toBe(at.toISOString());
  });

  it('does not change the set it was given', () => {
    const set = aBackupSet();
    transitionBackupSet(set, 'FINISHED', at);
    expect(set.state).toBe('RUNNING');
  });
});

describe('expiry', () => {
  it('is finish time plus the retention in whole days', () => {
    expect(expiresAt(new Date('2026-11-24T02:40:00Z'), 7)).toEqual(new Date('2026-12-01T02:40:00Z'));
  });

  it('uses the retention in force when the set started, never the current settings', () => {
    const set = aBackupSet({ retentionDays: 31 });
    expect(withExpiry(set, new Date('2026-11-24T00:00:00Z')).expiresAt).toBe('2026-12-25T00:00:00.000Z');
  });

  it('is due once the expiry has passed, for good and missing sets only', () => {
    const set = aFinishedSet();
    const expiry = new Date(set.expiresAt as string);
    expect(isExpiryDue(set, new Date(expiry.getTime() - 1))).toBe(false);
    expect(isExpiryDue(set, expiry)).toBe(true);
    expect(isExpiryDue({ ...set, state: 'PARTIAL' }, expiry)).toBe(true);
    expect(isExpiryDue({ ...set, state: 'MISSING' }, expiry)).toBe(true);
    for (const state of ['RUNNING', 'FAILED', 'EXPIRING', 'DELETING', 'EXPIRED', 'DELETED'] as const) {
      expect(isExpiryDue({ ...set, state }, expiry)).toBe(false);
    }
  });

  it('warns once within the lead time, before it has expired', () => {
    const set = aFinishedSet();
    const expiry = Date.parse(set.expiresAt as string);
    const hour = 3_600_000;
    expect(needsExpiryWarning(set, new Date(expiry - 25 * hour), 24)).toBe(false);
    expect(needsExpiryWarning(set, new Date(expiry - 24 * hour), 24)).toBe(true);
    expect(needsExpiryWarning(set, new Date(expiry - 1), 24)).toBe(true);
    expect(needsExpiryWarning(set, new Date(expiry), 24)).toBe(false);
    expect(needsExpiryWarning({ ...set, expiryWarnedAt: '2026-11-29T00:00:00Z' }, new Date(expiry - hour), 24)).toBe(false);
    expect(needsExpiryWarning({ ...set, state: 'DELETING' }, new Date(expiry - hour), 24)).toBe(false);
  });
});

describe('the once-a-day rule', () => {
  it('a scheduled set holds its day unless it failed', () => {
    for (const state of STATES) {
      expect(holdsItsDay(aBackupSet({ state }))).toBe(state !== 'FAILED');
    }
  });

  it('manual and adopted sets never hold a day', () => {
    for (const state of STATES) {
      expect(holdsItsDay(aBackupSet({ state, trigger: 'manual', scheduledDay: null }))).toBe(false);
      expect(holdsItsDay(aBackupSet({ state, trigger: 'adopted', scheduledDay: null }))).toBe(false);
    }
  });
});

describe('state predicates', () => {
  it('good means finished or partial', () => {
    expect(STATES.filter((state) => isGood(aBackupSet({ state })))).toEqual(['FINISHED', 'PARTIAL']);
  });

  it('terminal means failed, expired or deleted', () => {
    expect(STATES.filter((state) => isTerminal(aBackupSet({ state })))).toEqual(['FAILED', 'EXPIRED', 'DELETED']);
  });

  it('restorable means good, not expired, with a finished database', () => {
    const set = aFinishedSet();
    const expiry = Date.parse(set.expiresAt as string);
    expect(isRestorable(set, new Date(expiry - 1))).toBe(true);
    expect(isRestorable(set, new Date(expiry))).toBe(false);
    expect(isRestorable({ ...set, state: 'DELETING' }, new Date(expiry - 1))).toBe(false);
    expect(isRestorable({ ...set, databases: [aDatabaseBackup({ state: 'FAILED' })] }, new Date(expiry - 1))).toBe(false);
  });

  it('only finished databases are restorable', () => {
    const set = aFinishedSet({
      state: 'PARTIAL',
      databases: [aDatabaseBackup({ database: 'sales' }), aDatabaseBackup({ database: 'logs', state: 'FAILED' })],
    });
    expect(restorableDatabases(set).map((d) => d.database)).toEqual(['sales']);
  });
});

describe('orphaned sets', () => {
  const gone = new Set<string>();

  it('are shown as ORPHANED while they hold data', () => {
    for (const state of ['RUNNING', 'FINISHED', 'PARTIAL'] as const) {
      expect(displayState(aBackupSet({ state }), gone)).toBe('ORPHANED');
      expect(displayState(aBackupSet({ state }), known)).toBe(state);
    }
    for (const state of ['FAILED', 'EXPIRING', 'DELETING', 'EXPIRED', 'DELETED', 'MISSING'] as const) {
      expect(displayState(aBackupSet({ state }), gone)).toBe(state);
    }
  });

  it('are never expired by the sweep', () => {
    const set = aFinishedSet();
    const late = new Date(Date.parse(set.expiresAt as string) + 86_400_000);
    expect(sweepMayExpire(set, known, late)).toBe(true);
    expect(sweepMayExpire(set, gone, late)).toBe(false);
  });
});

describe('sweepMayExpire', () => {
  const set = aFinishedSet();
  const late = new Date(Date.parse(set.expiresAt as string) + 1);

  it('waits for a restore reading the set to end', () => {
    for (const state of ['PENDING_APPROVAL', 'APPROVED', 'RUNNING'] as const) {
      expect(sweepMayExpire(set, known, late, [aRestoreRequest({ state })])).toBe(false);
    }
    for (const state of ['FINISHED', 'FAILED', 'REJECTED', 'WITHDRAWN', 'APPROVAL_EXPIRED'] as const) {
      expect(sweepMayExpire(set, known, late, [aRestoreRequest({ state })])).toBe(true);
    }
    expect(sweepMayExpire(set, known, late, [aRestoreRequest({ state: 'RUNNING', backupSetId: 'bk-other' })])).toBe(true);
  });

  it('leaves sets alone before their expiry', () => {
    expect(sweepMayExpire(set, known, new Date(late.getTime() - 2))).toBe(false);
  });
});
