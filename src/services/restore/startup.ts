// At start-up: every instance on which no restore could ever be approved (nobody is admin there,
// or one person is and self-approval is off) is named in the log at every start, and in its
// channel once for each such situation (told again only when its admins or self-approval change).

import { unapprovableInstances } from '../../domain/restore-rules';
import { joinAnd } from '../../domain/text';
import type { Person } from '../../domain/types';
import type { Logger, Store } from '../../ports';
import type { Announcer } from '../announcer';
import type { InstanceDirectory } from '../instances';

export async function warnUnapprovable(deps: { store: Store; instances: InstanceDirectory; people: readonly Person[]; announcer: Announcer; log: Logger }): Promise<string[]> {
  const found = unapprovableInstances(deps.instances.list(), deps.people);
  const warned = { ...((await deps.store.runnerState.get('unapprovableWarned')) ?? {}) };
  const next: Record<string, string> = {};
  const messages: string[] = [];
  for (const f of found) {
    const situation = JSON.stringify([f.admins, f.selfApproval]);
    const who = f.admins.length === 0 ? 'it has no admin' : `its only admin is ${joinAnd(f.admins)} and self-approval is off`;
    const text = `No restore into ${f.instanceId} can ever be approved: ${who}. A restore needs an admin of the target other than the requester; give a second person the admin role on ${f.instanceId}${f.admins.length === 1 ? `, or set selfApproval: true for ${f.instanceId}` : ''} in the configuration.`;
    messages.push(text);
    deps.log.warn({ event: 'restore.unapprovable', instanceId: f.instanceId, admins: f.admins, selfApproval: f.selfApproval }, text);
    next[f.instanceId] = situation;
    if (warned[f.instanceId] !== situation) {
      warned[f.instanceId] = situation;
      const saved = { ...warned };
      // The warning and the record that it was posted land together: a restart repeats neither.
      await deps.store.atomically(async (tx) => {
        await deps.announcer.announce(f.instanceId, { visibility: 'channel', tone: 'warning', title: `Restores into ${f.instanceId} cannot be approved`, text: `⚠ ${text}` }, null, tx);
        await tx.runnerState.set('unapprovableWarned', saved);
      });
    }
  }
  if (JSON.stringify(next) !== JSON.stringify(warned)) await deps.store.runnerState.set('unapprovableWarned', next);
  return messages;
}
