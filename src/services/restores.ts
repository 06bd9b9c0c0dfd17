// Restore requests as far as this version goes: a request still awaiting approval can be
// withdrawn; a started restore is never cancelled.

import { NotFoundError } from '../domain/errors';
import { cancelRestore } from '../domain/restore';
import type { Actor, RestoreRequest } from '../domain/types';
import type { Clock, Store } from '../ports';
import type { Announcer } from './announcer';
import type { Auditor } from './audit';

export class RestoreService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly audit: Auditor,
    private readonly announcer: Announcer,
  ) {}

  get(id: string): Promise<RestoreRequest | null> {
    return this.store.restores.get(id);
  }

  /** The instance a restore goes into (for role checks), or null for an unknown request. */
  async instanceOf(id: string): Promise<string | null> {
    return (await this.get(id))?.targetInstanceId ?? null;
  }

  /** Withdraws a request awaiting approval; anything later is refused with the reason. */
  async withdraw(actor: Actor, id: string): Promise<RestoreRequest> {
    const request = await this.get(id);
    if (!request) throw new NotFoundError(`there is no restore request ${id}`);
    return this.store.atomically(async (tx) => {
      const withdrawn = await tx.restores.update(id, (current) => cancelRestore(current, this.clock.now()));
      await this.audit.record({ actor, action: 'restore.withdraw', instanceId: request.targetInstanceId, subject: id, before: request.state, after: withdrawn.state }, tx);
      await this.announcer.announce(
        request.targetInstanceId,
        { visibility: 'channel', tone: 'info', text: `Restore request *${id}* (${request.backupSetId} → ${request.targetInstanceId}) was withdrawn by ${actor.displayName ?? actor.userId}.` },
        null,
        tx,
      );
      return withdrawn;
    });
  }
}
