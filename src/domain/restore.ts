// A restore request's life cycle: approval, run, end. Every change of state raises the request's
// version, so a decision made on an older version (a second click, a stale message) is refused.

import { TransitionError, UserError } from './errors';
import type { RestoreRequest, RestoreState } from './types';

const TRANSITIONS: Readonly<Record<RestoreState, readonly RestoreState[]>> = {
  PENDING_APPROVAL: ['APPROVED', 'REJECTED', 'WITHDRAWN', 'APPROVAL_EXPIRED'],
  // The preflight is repeated after approval and may refuse.
  APPROVED: ['RUNNING', 'FAILED'],
  RUNNING: ['FINISHED', 'FAILED'],
  REJECTED: [],
  WITHDRAWN: [],
  APPROVAL_EXPIRED: [],
  FINISHED: [],
  FAILED: [],
};

const ENDED: readonly RestoreState[] = ['REJECTED', 'WITHDRAWN', 'APPROVAL_EXPIRED', 'FINISHED', 'FAILED'];

/** A restore in these states still reads its backup set: the set is kept from expiry and deletion. */
export const RESTORE_READS_SET: readonly RestoreState[] = ['PENDING_APPROVAL', 'APPROVED', 'RUNNING'];

/** Approved or running: it uses (or is about to use) its target instance. */
export const RESTORE_USES_TARGET: readonly RestoreState[] = ['APPROVED', 'RUNNING'];

export function canTransitionRestore(from: RestoreState, to: RestoreState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isRestoreEnded(req: RestoreRequest): boolean {
  return ENDED.includes(req.state);
}

/**
 * Moves a request to `to`, or throws `TransitionError`. Raises the version; sets `decidedAt` on a
 * decision (approved, rejected), `startedAt` on RUNNING, `finishedAt` when it ends.
 */
export function transitionRestore(req: RestoreRequest, to: RestoreState, at: Date): RestoreRequest {
  if (!canTransitionRestore(req.state, to)) {
    throw new TransitionError(`restore ${req.id} cannot go from ${req.state} to ${to}`);
  }
  const iso = at.toISOString();
  const next: RestoreRequest = { ...req, state: to, version: req.version + 1 };
  if (to === 'APPROVED' || to === 'REJECTED') next.decidedAt = iso;
  if (to === 'RUNNING') next.startedAt = iso;
  if (ENDED.includes(to)) next.finishedAt = iso;
  return next;
}

/** An admin's decision; who decided is recorded with it, and whether they approved their own request. */
export function decideRestore(
  req: RestoreRequest,
  decision: 'APPROVED' | 'REJECTED',
  deciderPersonId: string,
  at: Date,
): RestoreRequest {
  const decided = transitionRestore(req, decision, at);
  return { ...decided, decidedBy: deciderPersonId, selfApproved: decision === 'APPROVED' && deciderPersonId === req.requestedBy };
}

/** Withdraws a request still awaiting approval; anything later is refused with the reason. */
export function cancelRestore(req: RestoreRequest, at: Date): RestoreRequest {
  if (req.state === 'PENDING_APPROVAL') return transitionRestore(req, 'WITHDRAWN', at);
  if (req.state === 'APPROVED' || req.state === 'RUNNING') {
    throw new UserError(
      'a restore that has started cannot be cancelled: cancelling during commit can leave a table ' +
        `half-written (${req.id} is ${req.state === 'RUNNING' ? 'running' : 'approved and starting'})`,
    );
  }
  throw new UserError(`restore ${req.id} already ended (${req.state}); there is nothing to cancel`);
}

/** Still awaiting approval at or after its approval deadline. */
export function isApprovalExpired(req: RestoreRequest, now: Date): boolean {
  return req.state === 'PENDING_APPROVAL' && Date.parse(req.approvalExpiresAt) <= now.getTime();
}

/**
 * Why a decision on `version` cannot be made now, as data for the message (who decided and when
 * is on the request): `decided` (approved, rejected, withdrawn, expired, or later), `expired`
 * (pending, but past its deadline: expire it), `stale` (pending, but changed since), or null.
 */
export function decisionBlocker(req: RestoreRequest, version: number | null, now: Date): 'decided' | 'expired' | 'stale' | null {
  if (req.state !== 'PENDING_APPROVAL') return 'decided';
  if (isApprovalExpired(req, now)) return 'expired';
  if (version !== null && version !== req.version) return 'stale';
  return null;
}

/** The restore job of a database reached COMMIT: from then on data may have been written. */
export function isCommitState(jobState: string | null): boolean {
  return jobState === 'COMMIT' || jobState === 'COMMITTING' || jobState === 'FINISHED';
}
