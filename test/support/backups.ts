// Starting a backup as a chat user does, and waiting for it to end.

import type { BackupSet } from '../../src/domain/types';
import type { Harness } from './harness';
import { waitFor } from './wait';

/** `/backup run <instance>` as admin1, confirmed with its button; the new set's id. */
export async function startBackup(h: Harness, instance: string): Promise<string> {
  const ask = await h.say('admin1', `run ${instance}`);
  const started = await h.click('admin1', ask, /Run backup/);
  const id = /\*(bk-[^*]+)\*/.exec(started.text)?.[1];
  if (!id) throw new Error(`no backup started: ${started.text}`);
  return id;
}

/** The set once it is no longer RUNNING. */
export async function endedSet(h: Harness, id: string, timeoutMs = 20_000): Promise<BackupSet> {
  return waitFor(async () => {
    const set = await h.store.backupSets.get(id);
    return set && set.state !== 'RUNNING' ? set : null;
  }, `backup set ${id} to end`, timeoutMs);
}
