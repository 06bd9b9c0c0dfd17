// What the restore services are built from (src/app/bot.ts wires them).

import type { Actor, BackupSet, RestoreRequest } from '../../domain/types';
import type { ButtonSigner, Clock, Logger, Store } from '../../ports';
import type { Announcer } from '../announcer';
import type { Auditor } from '../audit';
import type { Clusters } from '../clusters';
import type { InstanceDirectory } from '../instances';
import type { PeopleDirectory } from '../people';
import type { TaskBook } from '../tasks';
import type { NameOf } from './messages';

export interface RestoreDeps {
  store: Store;
  clock: Clock;
  instances: InstanceDirectory;
  clusters: Clusters;
  people: PeopleDirectory;
  announcer: Announcer;
  audit: Auditor;
  tasks: TaskBook;
  log: Logger;
  /** Signs the buttons of the messages the restore posts by itself (approve, reject, verify). */
  signer: ButtonSigner;
  approvalTtlHours: number;
  /** RESTORE jobs of one restore sent at once. */
  databaseConcurrency: number;
  /** A submitted job that never shows in SHOW RESTORE fails after this long. */
  invisibleJobLimitMinutes: number;
  /** How long a submitted job may be unseen before the bot asks whether the statement ran at all (default 30 s). */
  resendGraceMs?: number;
  /** A request was approved (by `actor`): the restore controller looks at once. */
  onApproved?: (request: RestoreRequest, actor: Actor) => void;
  /** A request was posted: the approvals controller plans its expiry. */
  onRequested?: (request: RestoreRequest) => void;
  /** A restore ended (metrics, structured log). */
  onEnded?: (request: RestoreRequest) => void;
}

/** People by name: a configured person's display name, else the account without its platform. */
export function nameOf(people: PeopleDirectory): NameOf {
  return (id) => {
    if (!id) return 'someone';
    const shown = people.name(id);
    return shown === id && id.includes(':') ? id.slice(id.indexOf(':') + 1) : shown;
  };
}

/** How a request records who asked: the person, or the platform account of someone unlisted. */
export function requesterId(actor: { platform: string; userId: string; personId: string | null }): string {
  return actor.personId ?? `${actor.platform}:${actor.userId}`;
}

/** The set a request restores; a request always names one the store knows. */
export async function setOf(store: Store, request: RestoreRequest): Promise<BackupSet> {
  const set = await store.backupSets.get(request.backupSetId);
  if (!set) throw new Error(`restore ${request.id} names backup set ${request.backupSetId}, which the store does not hold`);
  return set;
}
