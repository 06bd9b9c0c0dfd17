import { describe, expect, it } from 'vitest';
import { TransitionError, UserError } from '../../src/domain/errors';
import { cancelRestore, decideRestore, isApprovalExpired, transitionRestore } from '../../src/domain/restore';
import type { RestoreState } from '../../src/domain/types';
import { aRestoreRequest } from './fixtures';

const STATES: RestoreState[] = ['PENDING_APPROVAL', 'APPROVED', 'REJECTED', 'WITHDRAWN', 'APPROVAL_EXPIRED', 'RUNNING', 'FINISHED', 'FAILED'];
const ALLOWED: Partial<Record<RestoreState, RestoreState[]>> = {
  PENDING_APPROVAL: ['APPROVED', 'REJECTED', 'WITHDRAWN', 'APPROVAL_EXPIRED'],
  APPROVED: ['RUNNING', 'FAILED'],
  RUNNING: ['FINISHED', 'FAILED'],
};
const at = new Date('2026-11-25T03:00:00Z');

describe('transitionRestore', () => {
  for (const from of STATES) {
    for (const to of STATES) {
      const allowed = (ALLOWED[from] ?? []).includes(to);
      it(`${allowed ? 'allows' : 'refuses'} ${from} → ${to}`, () => {
        const req = aRestoreRequest({ state: from });
        if (allowed) expect(transitionRestore(req, to, at).state).toBe(to);
        else expect(() => transitionRestore(req, to, at)).toThrow(TransitionError);
      });
    }
  }

  it('records when it was decided, started and ended', () => {
    const approved = decideRestore(aRestoreRequest(), 'APPROVED', 'bob', at);
    expect(approved).toMatchObject({ state: 'APPROVED', decidedBy: 'bob', decidedAt: at.toISOString(), finishedAt: null });
    const running = transitionRestore(approved, 'RUNNING', new Date('2026-11-25T03:01:00Z'));
    expect(running.startedAt).toBe('2026-11-25T03:01:00.000Z');
    const done = transitionRestore(running, 'FINISHED', new Date('2026-11-25T04:00:00Z'));
    expect(done.finishedAt).toBe('2026-11-25T04:00:00.000Z');
    const rejected = decideRestore(aRestoreRequest(), 'REJECTED', 'bob', at);
    expect(rejected).toMatchObject({ decidedBy: 'bob', decidedAt: at.toISOString(), finishedAt: at.toISOString() });
  });
});

describe('cancelRestore', () => {
  it('withdraws a request still awaiting approval', () => {
    expect(cancelRestore(aRestoreRequest(), at)).toMatchObject({ state: 'WITHDRAWN', finishedAt: at.toISOString() });
  });

  it('refuses once the restore has started, with the reason', () => {
    for (const state of ['APPROVED', 'RUNNING'] as const) {
      expect(() => cancelRestore(aRestoreRequest({ state }), at)).toThrow(UserError);
      expect(() => cancelRestore(aRestoreRequest({ state }), at)).toThrow(
        /^a restore that has started cannot be cancelled: cancelling during commit can leave a table half-written/,
      );
    }
  });

  it('says an ended restore has nothing to cancel', () => {
    for (const state of ['REJECTED', 'WITHDRAWN', 'APPROVAL_EXPIRED', 'FINISHED', 'FAILED'] as const) {
      expect(() => cancelRestore(aRestoreRequest({ state }), at)).toThrow(`already ended (${state})`);
    }
  });
});

describe('isApprovalExpired', () => {
  const req = aRestoreRequest({ approvalExpiresAt: '2026-11-26T02:00:00.000Z' });
  it('is true at the deadline for a pending request only', () => {
    expect(isApprovalExpired(req, new Date('2026-11-26T01:59:59Z'))).toBe(false);
    expect(isApprovalExpired(req, new Date('2026-11-26T02:00:00Z'))).toBe(true);
    expect(isApprovalExpired({ ...req, state: 'APPROVED' }, new Date('2026-11-27T00:00:00Z'))).toBe(false);
  });
});
