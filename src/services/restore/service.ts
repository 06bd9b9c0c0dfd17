// Asking for a restore: the form's choices, the request itself (preflight, then the request, its
// audit record and its approval message in the target's channel, written together), and
// withdrawing it before a decision. Decisions are in ./decisions.ts, the run in ./run.ts.

import { ConflictError, NotFoundError, PermissionError } from '../../domain/errors';
import { restoreId, withCollisionSuffix } from '../../domain/ids';
import { cancelRestore } from '../../domain/restore';
import { whyNotRestorable } from '../../domain/restore-rules';
import { restorableDatabases } from '../../domain/backup-set';
import type { Actor, BackupSet, RestoreRequest } from '../../domain/types';
import type { Button } from '../../reply';
import { type RestoreDeps, nameOf, requesterId, setOf } from './deps';
import { approvalKey, approvalOutcomeReply, approvalRequestReply } from './messages';
import { RestorePreflight, RestoreRefusal, type RestoreAsk, type RestorePlan } from './preflight';
import { RestoreDecisions } from './decisions';
import { zoneOf } from './source';
import { RestoreVerifier, type VerifyReport } from './verify';

export interface RestoreTarget {
  id: string;
  /** Why it may not qualify after all (unreachable now), for the form's hint. */
  note: string | null;
}

/** What the restore form offers for a set. */
export interface RestoreChoices {
  set: BackupSet;
  targets: RestoreTarget[];
  databases: string[];
  replicas: number;
}

export interface RestoreRequested {
  request: RestoreRequest;
  warnings: string[];
}

/** How long the form waits for each candidate target to say whether it is shared-data. */
const ARCHITECTURE_WAIT_MS = 1500;

/** A decision button outlives the approval, so a late click is told the request expired. */
const BUTTON_GRACE_SECONDS = 7 * 24 * 3600;

export class RestoreService {
  readonly preflight: RestorePreflight;
  private readonly decisions: RestoreDecisions;
  private readonly verifier: RestoreVerifier;

  constructor(private readonly deps: RestoreDeps) {
    this.preflight = new RestorePreflight(deps);
    this.decisions = new RestoreDecisions(deps);
    this.verifier = new RestoreVerifier(deps);
  }

  /** Approves or rejects, as the authenticated `actor`, on the version the decider saw (null: the current one). */
  decide(actor: Actor, id: string, decision: 'APPROVED' | 'REJECTED', version: number | null): Promise<RestoreRequest> {
    return this.decisions.decide(actor, id, decision, version);
  }

  /** Expires the requests past their deadline; the next deadline (the approvals controller). */
  expireDue(): Promise<{ expired: string[]; next: Date | null }> {
    return this.decisions.expireDue();
  }

  verify(actor: Actor, id: string, full: boolean): Promise<VerifyReport> {
    return this.verifier.verify(actor, id, full);
  }

  get(id: string): Promise<RestoreRequest | null> {
    return this.deps.store.restores.get(id);
  }

  async require(id: string): Promise<RestoreRequest> {
    const found = await this.get(id);
    if (!found) throw new NotFoundError(`there is no restore request ${id} (see /backup tasks --all)`);
    return found;
  }

  /** The instance a restore goes into (for role checks), or null for an unknown request. */
  async instanceOf(id: string): Promise<string | null> {
    return (await this.get(id))?.targetInstanceId ?? null;
  }

  private async requireSet(setId: string): Promise<BackupSet> {
    const set = await this.deps.store.backupSets.get(setId);
    if (!set) throw new NotFoundError(`there is no backup set ${setId} (see /backup list <instance>)`);
    return set;
  }

  /** The restore form's choices: targets that qualify (where the actor may ask), databases, replicas. */
  async choices(actor: Actor, setId: string): Promise<RestoreChoices> {
    const set = await this.requireSet(setId);
    this.requireSourceViewer(actor, set);
    const why = whyNotRestorable(set, zoneOf(set.instanceId, this.deps.instances));
    if (why) throw new RestoreRefusal('set', why);
    const databases = restorableDatabases(set).map((d) => d.database);
    const now = this.deps.clock.now().getTime();
    const candidates = this.deps.instances
      .list()
      .filter((i) => i.id !== set.instanceId && i.region === set.region && this.deps.people.allows(actor, i.id, 'operator'));
    // Asked at once and briefly (a Slack modal must open within seconds); the preflight decides.
    const looked = await Promise.all(
      candidates.map(async (instance) => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<null>((resolve) => {
          timer = setTimeout(() => resolve(null), ARCHITECTURE_WAIT_MS);
        });
        const arch = await Promise.race([this.deps.clusters.architecture(instance, now), late]).finally(() => clearTimeout(timer));
        return { instance, arch };
      }),
    );
    const targets: RestoreTarget[] = looked
      .filter(({ arch }) => arch?.runMode !== 'shared_data')
      .map(({ instance, arch }) => ({ id: instance.id, note: arch === null ? 'not checked: no answer in time' : arch.error ? `not reachable now: ${arch.error}` : null }));
    return { set, targets, databases, replicas: await this.preflight.sourceReplication(set, databases) };
  }

  private requireSourceViewer(actor: Actor, set: BackupSet): void {
    if (!this.deps.people.allows(actor, set.instanceId, 'viewer')) {
      throw new PermissionError(`restoring ${set.id} needs at least the viewer role on ${set.instanceId}, the instance it was taken from`);
    }
  }

  /** Runs the preflight and posts the request for approval; throws `RestoreRefusal` naming the value. */
  async request(actor: Actor, ask: Omit<RestoreAsk, 'set'> & { setId: string }): Promise<RestoreRequested> {
    const set = await this.requireSet(ask.setId);
    this.requireSourceViewer(actor, set);
    if (this.deps.instances.has(ask.targetId) && !this.deps.people.allows(actor, ask.targetId, 'operator')) {
      throw new PermissionError(`/backup restore needs the operator role on ${ask.targetId}, the instance restored into`);
    }
    const plan = await this.preflight.check({ set, targetId: ask.targetId, databases: ask.databases, replicas: ask.replicas });
    const request = await this.create(actor, plan);
    this.deps.log.info({ event: 'restore.requested', restoreId: request.id, setId: set.id, target: request.targetInstanceId, databases: request.databases }, 'restore requested');
    this.deps.onRequested?.(request);
    return { request, warnings: plan.warnings };
  }

  private decisionButtons(request: RestoreRequest, set: BackupSet): Button[] {
    const ttl = Math.max(60, Math.round((Date.parse(request.approvalExpiresAt) - this.deps.clock.now().getTime()) / 1000)) + BUTTON_GRACE_SECONDS;
    const now = this.deps.clock.now();
    const sign = (verb: string) => this.deps.signer.action(`${verb} ${request.id} v=${request.version}`, ttl, now);
    return [
      {
        label: 'Approve',
        style: 'primary',
        action: 'approve',
        subject: request.id,
        value: sign('approve'),
        confirm: { title: 'Approve this restore?', text: `${set.id} is restored into ${request.targetInstanceId} (${request.databases.join(', ')}). Once started it cannot be cancelled.`, confirm: 'Approve', deny: 'Not now' },
      },
      { label: 'Reject', style: 'danger', action: 'reject', subject: request.id, value: sign('reject') },
    ];
  }

  /** The request, its audit record and its approval message land together (a duplicate id tries the next). */
  private async create(actor: Actor, plan: RestorePlan): Promise<RestoreRequest> {
    const { store, clock, instances, announcer, audit } = this.deps;
    const now = clock.now();
    const zone = plan.target.timezone;
    const base = restoreId(now, zone, plan.target.id);
    const name = nameOf(this.deps.people);
    for (let n = 1; n < 100; n++) {
      const request = newRequest(withCollisionSuffix(base, n), plan, requesterId(actor), now, this.deps.approvalTtlHours);
      const reply = approvalRequestReply(request, plan.set, zoneOf(plan.target.id, instances), name, now, this.decisionButtons(request, plan.set), plan.target.selfApproval);
      try {
        await store.atomically(async (tx) => {
          // The set is read again inside the transaction: a sweep or a delete that started since
          // the checks wins, and a request written here keeps every later one away from the set.
          const current = await tx.backupSets.get(plan.set.id);
          const gone = current ? whyNotRestorable(current, zoneOf(plan.set.instanceId, instances)) : `${plan.set.id} no longer exists`;
          if (gone) throw new RestoreRefusal('set', gone);
          await tx.restores.create(request);
          await audit.record({ actor, action: 'restore.request', instanceId: plan.target.id, subject: request.id, after: { backupSetId: plan.set.id, databases: request.databases, replicationNum: request.replicationNum } }, tx);
          await announcer.announce(plan.target.id, reply, approvalKey(request.id), tx);
        });
        return request;
      } catch (err) {
        if (err instanceof ConflictError && /already exists/.test(err.message)) continue;
        throw err;
      }
    }
    throw new ConflictError(`too many restores into ${plan.target.id} were asked for this minute; try again in a minute`);
  }

  /** Withdraws a request awaiting approval (its requester only); anything later is refused with the reason. */
  async withdraw(actor: Actor, id: string): Promise<RestoreRequest> {
    const request = await this.require(id);
    const name = nameOf(this.deps.people);
    if (request.state === 'PENDING_APPROVAL' && request.requestedBy !== requesterId(actor)) {
      throw new PermissionError(`only the requester (${name(request.requestedBy)}) can withdraw ${id}; an admin of ${request.targetInstanceId} can reject it instead`);
    }
    const set = await setOf(this.deps.store, request);
    const zone = zoneOf(request.targetInstanceId, this.deps.instances);
    return this.deps.store.atomically(async (tx) => {
      const withdrawn = await tx.restores.update(id, (current) => cancelRestore(current, this.deps.clock.now()));
      await this.deps.audit.record({ actor, action: 'restore.withdraw', instanceId: request.targetInstanceId, subject: id, before: request.state, after: withdrawn.state }, tx);
      await this.deps.announcer.announce(request.targetInstanceId, approvalOutcomeReply(withdrawn, set, zone, name), approvalKey(id), tx);
      return withdrawn;
    });
  }
}

function newRequest(id: string, plan: RestorePlan, requestedBy: string, now: Date, ttlHours: number): RestoreRequest {
  return {
    id,
    backupSetId: plan.set.id,
    sourceInstanceId: plan.set.instanceId,
    targetInstanceId: plan.target.id,
    databases: plan.databases,
    state: 'PENDING_APPROVAL',
    requestedBy,
    requestedAt: now.toISOString(),
    approvalExpiresAt: new Date(now.getTime() + ttlHours * 3600_000).toISOString(),
    decidedBy: null,
    decidedAt: null,
    startedAt: null,
    finishedAt: null,
    error: null,
    jobs: [],
    version: 1,
    replicationNum: plan.replicationNum,
    sizeBytes: plan.sizeBytes,
    selfApproved: false,
    repository: plan.set.repository,
    repositoryOwned: null,
    repositoryDropped: false,
    createdDatabases: [],
    droppedDatabases: [],
    warnings: plan.warnings,
  };
}
