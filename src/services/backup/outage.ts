// An outage during a run: the cluster or OSS does not answer. Silence must not look like
// progress, so after a while the channel is told, once, that the instance is unreachable and
// the backup's fate is unknown; and told again when it answers. (The invisible-job limit still
// ends a database whose job cannot be seen, answering or not: database-job.ts.)

import { formatDuration, formatLocal } from '../../domain/format';
import type { BackupSet } from '../../domain/types';
import type { Clock, Store } from '../../ports';
import type { Announcer } from '../announcer';

export interface OutageDeps {
  store: Store;
  clock: Clock;
  announcer: Announcer;
  noticeMs: number;
  invisibleLimitMs: number;
  zone: string;
}

/**
 * Records what one step saw: `failures` are the errors of looks that got no answer, `answered`
 * the looks that did. Returns the set as stored afterwards.
 */
export async function noteOutage(deps: OutageDeps, set: BackupSet, failures: string[], answered: number): Promise<BackupSet> {
  const now = deps.clock.now();
  const { store, announcer } = deps;
  if (failures.length > 0 && answered === 0) {
    const outage = set.outage ?? { since: now.toISOString(), error: failures[0] as string, announcedAt: null };
    const down = now.getTime() - Date.parse(outage.since);
    if (outage.announcedAt === null && down >= deps.noticeMs) {
      return store.atomically(async (tx) => {
        const updated = await tx.backupSets.update(set.id, (s) => ({ ...s, outage: { ...outage, error: failures[0] as string, announcedAt: now.toISOString() } }));
        await announcer.announce(
          set.instanceId,
          {
            visibility: 'channel',
            tone: 'error',
            title: `${set.instanceId} does not answer`,
            text:
              `⚠ *${set.instanceId}* has not answered for ${formatDuration(down)} (since ${formatLocal(new Date(outage.since), deps.zone)}): ${failures[0]}. ` +
              `Backup *${set.id}* is still RUNNING as far as the bot knows; its fate is unknown until the instance answers again. ` +
              `The bot keeps looking; a job it cannot see for ${formatDuration(deps.invisibleLimitMs)} after it was sent is ended.`,
          },
          `backup-outage:${set.id}`,
          tx,
        );
        return updated;
      });
    }
    if (set.outage === null) return store.backupSets.update(set.id, (s) => ({ ...s, outage }));
    return set;
  }
  if (failures.length === 0 && answered > 0 && set.outage !== null) {
    const outage = set.outage;
    return store.atomically(async (tx) => {
      const updated = await tx.backupSets.update(set.id, (s) => ({ ...s, outage: null }));
      if (outage.announcedAt !== null) {
        await announcer.announce(
          set.instanceId,
          {
            visibility: 'channel',
            tone: 'success',
            title: `${set.instanceId} answers again`,
            text: `✔ *${set.instanceId}* answers again after ${formatDuration(now.getTime() - Date.parse(outage.since))} without an answer; the bot follows backup *${set.id}* again.`,
          },
          `backup-outage:${set.id}`,
          tx,
        );
      }
      return updated;
    });
  }
  return set;
}
