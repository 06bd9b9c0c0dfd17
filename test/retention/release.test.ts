// `/backup release` end to end against the simulators: who may, the typed confirmation, what
// blocks it, the deletion of every set, and the instance staying released (no schedule, no
// runs) while the configuration still names it.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BackupSet } from '../../src/domain/types';
import type { BotConfig } from '../../src/config/types';
import type { Reply } from '../../src/reply';
import { endedSet, startBackup } from '../support/backups';
import { ManualClock } from '../support/clock';
import { startHarness, type Harness } from '../support/harness';
import { waitFor } from '../support/wait';
import { aRestoreRequest } from '../domain/fixtures';
import { keysOf, startRetentionSims, type RetentionSims } from './sims';

let sims: RetentionSims;
let h: Harness;
let dataDir: string;
const clock = new ManualClock(new Date());

beforeAll(async () => {
  sims = await startRetentionSims(() => clock.now());
});
afterAll(async () => {
  await sims.close();
});
afterEach(async () => {
  sims.starrocks.instance('prod-1').faults.release();
  await h?.close({ keepData: true });
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(config?: (c: BotConfig) => BotConfig): Promise<Harness> {
  h = await startHarness({ sims: sims.description, clock, dataDir, ...(config ? { config } : {}) });
  return h;
}

async function backup(): Promise<BackupSet> {
  const set = await endedSet(h, await startBackup(h, 'prod-1'));
  await h.settle();
  clock.advance(60_000);
  return set;
}

function submit(user: string, reply: Reply, confirm: string) {
  const form = reply.form;
  if (!form) throw new Error(`no form in: ${reply.text}`);
  return h.bot.core.submit({ actor: h.bot.core.resolveActor('terminal', user), formId: form.id, context: form.context, values: { confirm } });
}

describe('/backup release', () => {
  it('needs an admin and the instance id typed exactly; then deletes every backup, and the instance stays released', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'retention-release-'));
    clock.set(new Date());
    await start();
    const a = await backup();
    const b = await backup();
    for (const user of ['viewer1', 'oper1']) {
      expect((await h.say(user, 'release prod-1')).text).toMatch(/\/backup release needs the admin role on prod-1/);
      expect((await h.say(user, 'release prod-1 confirm=prod-1')).text).toMatch(/\/backup release needs the admin role on prod-1/);
    }

    const ask = await h.say('admin1', 'release prod-1');
    expect(ask.text).toMatch(/^Release \*prod-1\*\? The bot stops scheduling and running its backups\. This deletes all 2 backup sets of prod-1 \([\d.]+ MiB\) for good:/);
    expect(ask.text).toContain(`- ${b.id}: FINISHED`);
    expect(ask.text).toContain(`- ${a.id}: FINISHED`);
    expect(ask.form?.fields).toEqual([expect.objectContaining({ kind: 'text', name: 'confirm', label: 'Type prod-1 to confirm' })]);
    expect(ask.notes).toContain('Text form: /backup release prod-1 confirm=prod-1');

    expect((await h.say('admin1', 'release prod-1 confirm=prod1')).text).toBe(
      'the confirmation does not match: you typed "prod1", but releasing needs the instance id prod-1 exactly. Nothing was deleted.',
    );
    expect(await submit('admin1', ask, 'PROD-1')).toEqual({ ok: false, errors: { confirm: 'Type the instance id prod-1 exactly to release it; nothing was deleted.' } });
    expect(await submit('oper1', ask, 'prod-1')).toMatchObject({ ok: true, reply: { tone: 'error', text: expect.stringMatching(/needs the admin role/) } });
    expect((await h.store.backupSets.get(a.id))?.state).toBe('FINISHED');

    const done = await submit('admin1', ask, 'prod-1');
    expect(done).toMatchObject({ ok: true, reply: { tone: 'success' } });
    const text = done.ok ? done.reply.text : '';
    expect(text).toMatch(new RegExp(`^Released \\*prod-1\\*: no schedule and no backup runs any more\\. Deleting 2 backup sets \\([\\d.]+ MiB\\): ${b.id} and ${a.id}\\.`));
    await h.flush();
    await waitFor(async () => (await h.store.runnerState.get('releasedInstances'))?.['prod-1']?.finishedAt, 'the release to finish');
    for (const set of [a, b]) {
      expect((await h.store.backupSets.get(set.id))?.state).toBe('DELETED');
      expect(keysOf(sims.oss, set)).toEqual([]);
    }
    await h.flush();
    const texts = h.channel.texts().join('\n');
    expect(texts).toMatch(/Admin One released \*prod-1\*: the bot no longer schedules or runs its backups, and deletes its 2 backup sets/);
    expect(texts).toMatch(new RegExp(`Released \\*prod-1\\*: deleted 2 backup sets \\([\\d.]+ MiB\\): ${b.id} and ${a.id}\\. It stays in the configuration as released`));
    expect(texts).toMatch(/Kept: the backup repository on prod-1 and its __repo_info file on OSS/);
    // One announcement for the release, not one per set.
    expect(texts).not.toContain(`Backup *${a.id}* of *prod-1* was deleted`);
    const task = (await h.say('viewer1', 'tasks prod-1 --all')).items?.find((i) => i.text.startsWith('*release* prod-1'));
    expect(task?.fields?.find((f) => f.label === 'Progress')?.value).toBe('100%');
    const actions = (await h.store.audit.list({ instanceId: 'prod-1' })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['instance.release', 'instance.released']));

    // No runs, no schedule, no second release.
    expect((await h.say('admin1', 'run prod-1')).text).toMatch(/^prod-1 was released on \d{4}-\d{2}-\d{2} by admin1: it has no schedule and no backups run/);
    expect((await h.say('admin1', 'settings prod-1 on days=daily')).text).toMatch(/^prod-1 was released on \d{4}-\d{2}-\d{2} by admin1: .* Nothing was saved\.$/);
    const listed = (await h.say('viewer1', 'instances')).items?.find((i) => i.text.startsWith('*prod-1*'));
    expect(listed?.fields?.find((f) => f.label === 'Schedule')?.value).toMatch(/^prod-1 was released on /);
    expect(listed?.fields?.find((f) => f.label === 'Next run')?.value).not.toMatch(/\d{2}:\d{2}/);
    await h.bot.runner.runOnce('scheduler');
    expect(h.bot.controllers.scheduler.size).toBe(0);
    expect((await h.say('admin1', 'release prod-1')).text).toMatch(/^prod-1 was already released on/);

    // A restart says so: in the log, and among the start-up warnings (printed on stderr).
    await h.close({ keepData: true });
    await start();
    expect(h.bot.startupWarnings).toContainEqual(expect.stringMatching(/^prod-1 was released on .* by admin1 but is still in the configuration: the bot treats it as released \(no schedule, no runs\)\. Remove it from the configuration file\.$/));
    expect(h.log.some((r) => (r.fields as { event?: string }).event === 'instance.still_released')).toBe(true);
    expect(h.bot.controllers.scheduler.size).toBe(0);

    // Removed from the configuration, then added back: it starts afresh.
    await h.close({ keepData: true });
    await start((c) => ({ ...c, instances: c.instances.filter((i) => i.id !== 'prod-1') }));
    await h.close({ keepData: true });
    await start();
    expect(h.bot.startupWarnings.filter((w) => w.startsWith('prod-1 was released'))).toEqual([]);
    expect((await h.say('admin1', 'run prod-1')).text).toMatch(/^Back up \*prod-1\* now\?/);
  });

  it('is blocked by a running backup and by a restore from or into the instance', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'retention-release-'));
    clock.set(new Date());
    await start();
    const set = await backup();
    const prod = sims.starrocks.instance('prod-1');
    prod.faults.hold('sales', 'UPLOADING');
    const running = await startBackup(h, 'prod-1');
    expect((await h.say('admin1', 'release prod-1')).text).toBe(
      `prod-1 cannot be released now: backup ${running} of prod-1 is running; a started backup cannot be interrupted. Release prod-1 once it has ended (see /backup tasks prod-1).`,
    );
    prod.faults.release('sales');
    await endedSet(h, running);
    await h.settle();

    await h.store.restores.create(aRestoreRequest({ id: 'rs-20261201-1000-staging-1', backupSetId: set.id, state: 'PENDING_APPROVAL' }));
    expect((await h.say('admin1', 'release prod-1 confirm=prod-1')).text).toBe(
      `prod-1 cannot be released now: restore rs-20261201-1000-staging-1 (of ${set.id}) is awaiting approval; release prod-1 once it has ended (or withdraw it with /backup cancel rs-20261201-1000-staging-1).`,
    );
    expect((await h.say('admin1', 'release staging-1 confirm=staging-1')).text).toMatch(/^staging-1 cannot be released now: restore rs-20261201-1000-staging-1 \(into staging-1\) is awaiting approval/);
    expect((await h.store.backupSets.get(set.id))?.state).toBe('FINISHED');
    expect(await h.store.runnerState.get('releasedInstances')).toBeNull();
  });
});
