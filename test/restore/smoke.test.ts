import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { endedSet, startBackup } from '../support/backups';
import { startRestoreSims } from './sims';
import { endedRestore, latest, restoreIdIn, shown } from './support';

let sims: Awaited<ReturnType<typeof startRestoreSims>>;
let h: Harness;
beforeAll(async () => {
  sims = await startRestoreSims();
  h = await startHarness({ sims: sims.description });
});
afterAll(async () => {
  await h.close();
  await sims.close();
});

describe('smoke', () => {
  it('restores', async () => {
    const setId = await startBackup(h, 'prod-1');
    expect((await endedSet(h, setId)).state).toBe('FINISHED');
    const asked = await h.say('admin1', `restore ${setId} to staging-1`);
    console.log(shown(asked));
    const id = restoreIdIn(asked);
    const approval = await latest(h, /needs approval/);
    console.log(shown(approval));
    const self = await h.click('admin1', approval, /Approve/);
    console.log(shown(self));
    const ok = await h.click('admin2', approval, /Approve/);
    console.log(shown(ok));
    const done = await endedRestore(h, id);
    console.log(JSON.stringify(done, null, 1));
    console.log(shown(await latest(h, new RegExp(`Restore ${id} (finished|FAILED)`))));
    const v = await h.say('admin1', `verify ${id} --full`);
    console.log(shown(v));
  }, 30_000);
});
