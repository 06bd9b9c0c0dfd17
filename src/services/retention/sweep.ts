// The retention sweep's decisions, from the wall clock each time: a set past its expiry goes
// EXPIRING (its objects are then deleted by the retention controller) unless something keeps
// it: a restore that reads it, or its being the instance's last good backup (`keepLastGood`).
// A keep is announced and audited once, when it begins or its reason changes. Orphaned sets
// (instance gone from the configuration) and sets of released instances are never swept.

import { GOOD, transitionBackupSet } from '../../domain/backup-set';
import { TransitionError } from '../../domain/errors';
import { lastGoodSets, RESTORE_READING, sameHold, sweepDecision, type SweepDecision } from '../../domain/retention';
import type { BackupSet } from '../../domain/types';
import { SYSTEM_ACTOR } from '../audit';
import { deletionTaskId, type RetentionDeps } from './deletions';
import { keptNotice } from './messages';
import type { ReleasedInstances } from './released';

export interface SweepResult {
  /** Sets that started expiring. */
  expiring: string[];
  /** Sets whose keep was announced now. */
  kept: string[];
}

export class RetentionSweep {
  constructor(
    private readonly deps: RetentionDeps,
    private readonly released: ReleasedInstances,
  ) {}

  async sweep(): Promise<SweepResult> {
    const { store, clock, instances } = this.deps;
    const now = clock.now();
    const released = await this.released.ids();
    const result: SweepResult = { expiring: [], kept: [] };
    const byInstance = new Map<string, BackupSet[]>();
    for (const set of await store.backupSets.list({ states: [...GOOD, 'MISSING'] })) {
      byInstance.set(set.instanceId, [...(byInstance.get(set.instanceId) ?? []), set]);
    }
    for (const [instanceId, sets] of byInstance) {
      if (released.has(instanceId)) continue;
      const instance = instances.find(instanceId);
      const lastGood = lastGoodSets(sets, instance?.keepLastGood ?? 1);
      for (const set of sets) {
        const restores = await store.restores.list({ backupSetId: set.id, states: RESTORE_READING });
        const decision = sweepDecision(set, { now, configured: instance !== null, lastGood, restores });
        if (decision === null || decision.kind === 'orphaned') continue;
        try {
          if (decision.kind === 'expire' && (await this.expire(set, lastGood))) result.expiring.push(set.id);
          if (decision.kind === 'hold' && (await this.hold(set, decision))) result.kept.push(set.id);
        } catch (err) {
          // Another process (or a command) moved the set meanwhile: the next sweep sees it anew.
          if (!(err instanceof TransitionError)) throw err;
        }
      }
    }
    return result;
  }

  /** EXPIRING, its task and audit record in one transaction; false when something changed meanwhile. */
  private async expire(set: BackupSet, lastGood: ReadonlySet<string>): Promise<boolean> {
    const { store, clock, tasks, audit } = this.deps;
    const now = clock.now();
    return store.atomically(async (tx) => {
      const current = await tx.backupSets.get(set.id);
      if (!current) return false;
      const restores = await tx.restores.list({ backupSetId: set.id, states: RESTORE_READING });
      const decision = sweepDecision(current, { now, configured: true, lastGood, restores });
      if (decision?.kind !== 'expire') return false;
      await tx.backupSets.update(set.id, (s) => ({ ...transitionBackupSet(s, 'EXPIRING', now), retentionHold: null }));
      await tasks.record(
        {
          id: deletionTaskId(set.id),
          kind: 'delete',
          instanceId: set.instanceId,
          subject: set.id,
          state: 'RUNNING',
          startedAt: now.toISOString(),
          finishedAt: null,
          progress: { done: 0, total: current.objectCount ?? 0, unit: 'objects' },
          detail: `expired ${current.expiresAt ?? ''}: deleting its objects`,
        },
        tx,
      );
      await audit.record(
        {
          actor: SYSTEM_ACTOR,
          action: 'backup.expire',
          instanceId: set.instanceId,
          subject: set.id,
          before: { state: current.state, keptAs: current.retentionHold?.reason ?? null },
          after: { state: 'EXPIRING', expiresAt: current.expiresAt, retentionDays: current.retentionDays },
        },
        tx,
      );
      return true;
    });
  }

  /** Records and announces a keep when it begins or its reason changes; false when already said. */
  private async hold(set: BackupSet, decision: Extract<SweepDecision, { kind: 'hold' }>): Promise<boolean> {
    if (sameHold(set.retentionHold, decision.hold)) return false;
    const { store, clock, audit, announcer, instances } = this.deps;
    const now = clock.now();
    const zone = instances.find(set.instanceId)?.timezone ?? 'UTC';
    return store.atomically(async (tx) => {
      const current = await tx.backupSets.get(set.id);
      if (!current || sameHold(current.retentionHold, decision.hold) || !GOOD.concat('MISSING').includes(current.state)) return false;
      const kept = await tx.backupSets.update(set.id, (s) => ({ ...s, retentionHold: { ...decision.hold, since: now.toISOString() } }));
      await audit.record({ actor: SYSTEM_ACTOR, action: 'backup.keep', instanceId: set.instanceId, subject: set.id, before: current.retentionHold, after: kept.retentionHold }, tx);
      await announcer.announce(set.instanceId, keptNotice(kept, decision.hold, zone), null, tx);
      return true;
    });
  }
}
