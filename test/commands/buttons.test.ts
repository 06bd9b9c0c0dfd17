// A confirm button does its work once, on every surface: clicked again (or replayed) it says it
// was already done; a click that did not work leaves the button usable; a refused clicker does
// not use it up for the right person. And an actor without a usable id has no role at all,
// not even the default one.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/types';
import { aBackupSet } from '../domain/fixtures';
import { startHarness } from '../support/harness';
import type { Harness } from '../support/harness';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const started = /^Started backup \*bk-/;

describe('a confirm button', () => {
  it('works once; the second click is told it was already done, also after a restart', async () => {
    const ask = await h.say('admin1', 'run prod-1');
    expect((await h.click('admin1', ask, /Run backup/)).text).toMatch(started);
    const again = await h.click('admin1', ask, /Run backup/);
    expect(again.text).toBe('already done: this button was used before, so nothing more was done. To do it again, type /backup run prod-1');
    expect(again.tone).toBe('error');
    await h.settle();
    const dir = h.dataDir;
    await h.close({ keepData: true });
    h = await startHarness({ dataDir: dir });
    expect((await h.click('admin1', ask, /Run backup/)).text).toMatch(/^already done/);
    expect(await h.store.backupSets.list({ instanceId: 'prod-1' })).toHaveLength(1);
  });

  it('that did not work (a backup was running by then) can be clicked again once that one ended', async () => {
    const ask = await h.say('admin1', 'run prod-1');
    await h.store.backupSets.create(aBackupSet({ id: 'bk-20261124-0230-prod-1', state: 'RUNNING' }));
    expect((await h.click('admin1', ask, /Run backup/)).text).toMatch(/a backup of prod-1 is already running: bk-20261124-0230-prod-1/);
    await h.store.backupSets.update('bk-20261124-0230-prod-1', (s) => ({ ...s, state: 'FAILED', finishedAt: '2026-11-23T19:00:00.000Z' }));
    expect((await h.click('admin1', ask, /Run backup/)).text).toMatch(started);
  });

  it('refused for a viewer stays usable for the operator who asked', async () => {
    const ask = await h.say('oper1', 'run prod-1');
    expect((await h.click('viewer1', ask, /Run backup/)).text).toContain('needs the operator role on prod-1');
    expect((await h.click('oper1', ask, /Run backup/)).text).toMatch(started);
  });
});

describe('an actor without a usable id', () => {
  it('has no role, not even the default one', async () => {
    for (const userId of ['', '   ', 42 as unknown as string, undefined as unknown as string, 'x'.repeat(201)]) {
      const actor: Actor = { platform: 'slack', userId, personId: null };
      const reply = await h.bot.core.run({ actor, text: 'run prod-1', channel: null });
      expect(reply.text).toContain('you are not registered with this bot');
    }
    expect(await h.store.audit.list()).toEqual([]);
  });
});
