// Deciding a restore request: approve or reject, by an admin of the target who is not the
// requester (four eyes counts people, not accounts), on the version the decider saw; and the
// expiry of requests nobody decided in time. Each change lands with its audit record and the
// edit of the approval message, in one transaction; the store serializes concurrent decisions,
// so two admins clicking at once give exactly one decision and the other is told who decided.

import { ConflictError, PermissionError } from '../../domain/errors';
import { decideRestore, decisionBlocker, isApprovalExpired, transitionRestore } from '../../domain/restore';
import { canApprove } from '../../domain/roles';
import type { Actor, RestoreRequest } from '../../domain/types';
import { SYSTEM_ACTOR } from '../audit';
import { type RestoreDeps, nameOf, setOf } from './deps';
import { alreadyDecidedText, approvalKey, approvalOutcomeReply } from './messages';
import { zoneOf } from './source';

/** Thrown inside the transaction when the request moved on: nothing is written. */
class Moved extends Error {
  constructor(readonly current: RestoreRequest) {
    super('the restore request moved on');
  }
}

export class RestoreDecisions {
  constructor(private readonly deps: RestoreDeps) {}

  private zone(request: RestoreRequest): string {
    return zoneOf(request.targetInstanceId, this.deps.instances);
  }

  /**
   * Approves or rejects `id` as `actor` (the platform's authenticated user; the admin role on the
   * target was checked by the command). `version`: the one the decider saw (a button carries it);
   * null decides the current one.
   */
  async decide(actor: Actor, id: string, decision: 'APPROVED' | 'REJECTED', version: number | null): Promise<RestoreRequest> {
    const { store, clock, instances, audit, announcer } = this.deps;
    const request = await store.restores.get(id);
    if (!request) throw new ConflictError(`there is no restore request ${id}`);
    const name = nameOf(this.deps.people);
    const now = clock.now();
    const blocker = decisionBlocker(request, version, now);
    if (blocker === 'expired') throw new ConflictError(alreadyDecidedText(await this.expire(id), this.zone(request), name));
    if (blocker) throw new ConflictError(alreadyDecidedText(request, this.zone(request), name));
    const target = instances.find(request.targetInstanceId);
    if (decision === 'APPROVED') {
      const fourEyes = canApprove(actor.personId, request.requestedBy, target?.selfApproval ?? false);
      if (!fourEyes.ok) {
        throw new PermissionError(
          actor.personId === null
            ? `${fourEyes.reason}; nothing was decided`
            : `${id} needs the approval of an admin other than the requester (${name(request.requestedBy)}): four eyes count people, not accounts; nothing was decided`,
        );
      }
    } else if (actor.personId === null) {
      throw new PermissionError('only a person listed in the configuration can decide a restore; nothing was decided');
    }
    const decider = actor.personId as string;
    const set = await setOf(store, request);
    let decided: RestoreRequest;
    try {
      decided = await store.atomically(async (tx) => {
        const next = await tx.restores.update(id, (current) => {
          if (decisionBlocker(current, version, now) !== null) throw new Moved(current);
          return decideRestore(current, decision, decider, now);
        });
        await audit.record({ actor, action: decision === 'APPROVED' ? 'restore.approve' : 'restore.reject', instanceId: request.targetInstanceId, subject: id, before: { state: request.state, version: request.version }, after: { state: next.state, version: next.version, selfApproved: next.selfApproved } }, tx);
        await announcer.announce(request.targetInstanceId, approvalOutcomeReply(next, set, this.zone(next), name), approvalKey(id), tx);
        return next;
      });
    } catch (err) {
      if (err instanceof Moved) throw new ConflictError(alreadyDecidedText(err.current, this.zone(err.current), name));
      throw err;
    }
    this.deps.log.info({ event: decision === 'APPROVED' ? 'restore.approved' : 'restore.rejected', restoreId: id, by: decider, selfApproved: decided.selfApproved }, `restore ${decision.toLowerCase()}`);
    if (decision === 'APPROVED') this.deps.onApproved?.(decided, actor);
    return decided;
  }

  /** Expires a request past its deadline (once); returns it as it is now either way. */
  async expire(id: string): Promise<RestoreRequest> {
    const { store, clock, audit, announcer } = this.deps;
    const name = nameOf(this.deps.people);
    try {
      return await store.atomically(async (tx) => {
        const before = await tx.restores.get(id);
        if (!before) throw new ConflictError(`there is no restore request ${id}`);
        const expired = await tx.restores.update(id, (current) => {
          if (!isApprovalExpired(current, clock.now())) throw new Moved(current);
          return transitionRestore(current, 'APPROVAL_EXPIRED', new Date(current.approvalExpiresAt));
        });
        const set = await tx.backupSets.get(expired.backupSetId);
        await audit.record({ actor: SYSTEM_ACTOR, action: 'restore.expire', instanceId: expired.targetInstanceId, subject: id, before: before.state, after: expired.state }, tx);
        if (set) await announcer.announce(expired.targetInstanceId, approvalOutcomeReply(expired, set, this.zone(expired), name), approvalKey(id), tx);
        this.deps.log.info({ event: 'restore.approval_expired', restoreId: id }, 'restore request expired without a decision');
        return expired;
      });
    } catch (err) {
      if (err instanceof Moved) return err.current;
      throw err;
    }
  }

  /** Expires every request past its deadline; the next deadline still ahead (for the controller). */
  async expireDue(): Promise<{ expired: string[]; next: Date | null }> {
    const pending = await this.deps.store.restores.list({ states: ['PENDING_APPROVAL'] });
    const now = this.deps.clock.now();
    const expired: string[] = [];
    let next: Date | null = null;
    for (const request of pending) {
      if (isApprovalExpired(request, now)) {
        if ((await this.expire(request.id)).state === 'APPROVAL_EXPIRED') expired.push(request.id);
        continue;
      }
      const at = new Date(request.approvalExpiresAt);
      if (next === null || at < next) next = at;
    }
    return { expired, next };
  }
}
