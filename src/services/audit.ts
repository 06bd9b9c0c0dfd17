// Every change of state is written down: who, when, from where, before and after.

import { randomUUID } from 'node:crypto';
import type { Actor } from '../domain/types';
import type { Clock, Store, StoreRecords } from '../ports';

export class Auditor {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async record(entry: {
    actor: Actor;
    action: string;
    instanceId: string | null;
    subject: string | null;
    before?: unknown;
    after?: unknown;
  }, tx?: StoreRecords): Promise<void> {
    await (tx ?? this.store).audit.append({
      id: randomUUID(),
      at: this.clock.now().toISOString(),
      actor: entry.actor,
      action: entry.action,
      instanceId: entry.instanceId,
      subject: entry.subject,
      before: entry.before ?? null,
      after: entry.after ?? null,
    });
  }
}

export const SYSTEM_ACTOR: Actor = { platform: 'system', userId: 'backup-bot', personId: null, displayName: 'backup bot' };
