// What can never succeed is refused up front, read from the cluster (issue 14, bug 3): a
// schedule or a run for a shared-data cluster; and a run refused at its preflight (shared-data,
// a bucket in another region) never tells anyone to try again.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxSimulators } from '../../sim/sandbox';
import type { BotConfig, InstanceConfig, RegionConfig } from '../../src/config/types';
import { endedSet, startBackup } from '../support/backups';
import { startHarness } from '../support/harness';
import type { Harness } from '../support/harness';

let sims: Awaited<ReturnType<typeof startSandboxSimulators>>;
let h: Harness;

beforeAll(async () => {
  sims = await startSandboxSimulators({ stepMs: 10 });
});
afterAll(async () => {
  await sims.close();
});
afterEach(async () => {
  await h?.close();
});

/** lake-1 at an address where nothing listens: the cluster cannot say what it is. */
const lakeUnreachable = (c: BotConfig): BotConfig => ({
  ...c,
  instances: c.instances.map((i): InstanceConfig => (i.id === 'lake-1' ? { ...i, frontends: [{ host: '127.0.0.1', port: 9 }] } : i)),
});

describe('a shared-data cluster is refused before anything is saved or started', () => {
  it('refuses a schedule for lake-1, saying why, and saves nothing', async () => {
    h = await startHarness({ sims: sims.description });
    const reply = await h.say('oper1', 'settings lake-1 on days=mon');
    expect(reply.tone).toBe('error');
    expect(reply.text).toBe(
      'lake-1 is a shared-data cluster (run_mode = shared_data, read from the cluster): StarRocks backup and restore only work on shared-nothing instances, so no backup of it can succeed. Nothing was saved.',
    );
    expect(await h.store.settings.get('lake-1')).toBeNull();
    expect(await h.store.audit.list({ instanceId: 'lake-1' })).toEqual([]);
    // Turning it off (or leaving it off) is always allowed.
    expect((await h.say('oper1', 'settings lake-1 off retention=10')).text).toMatch(/^Saved the backup settings of \*lake-1\*/);
  });

  it('refuses the settings form of lake-1 in the form, on the switch', async () => {
    h = await startHarness({ sims: sims.description });
    const opened = await h.say('oper1', 'settings lake-1');
    const result = await h.bot.core.submit({
      actor: h.bot.core.resolveActor('terminal', 'oper1'),
      formId: 'settings',
      context: opened.form?.context ?? '',
      values: { enabled: 'true', weekdays: ['mon'], time: '01:00', retentionDays: '7' },
    });
    expect(result).toEqual({ ok: false, errors: { enabled: expect.stringContaining('lake-1 is a shared-data cluster') } });
    expect(await h.store.settings.get('lake-1')).toBeNull();
  });

  it('refuses /backup run lake-1 before the confirmation: no button, no set, no announcement', async () => {
    h = await startHarness({ sims: sims.description });
    const reply = await h.say('oper1', 'run lake-1');
    expect(reply.tone).toBe('error');
    expect(reply.text).toContain('lake-1 is a shared-data cluster');
    expect(reply.text).toContain('Nothing was started.');
    expect(reply.buttons ?? []).toEqual([]);
    await h.flush();
    expect(await h.store.backupSets.list({ instanceId: 'lake-1' })).toEqual([]);
    expect(h.channel.messages).toEqual([]);
  });

  it('saves the schedule with a warning when the cluster does not answer', async () => {
    h = await startHarness({ sims: sims.description, config: lakeUnreachable });
    const reply = await h.say('oper1', 'settings lake-1 on days=mon');
    expect(reply.tone).toBe('warning');
    expect(reply.text).toMatch(/^Saved the backup settings of \*lake-1\*/);
    expect(reply.notes?.join('\n')).toMatch(/The architecture of lake-1 could not be read from the cluster \(.*cannot connect to StarRocks.*\); the schedule is saved, and each run checks it again/);
    expect((await h.store.settings.get('lake-1'))?.enabled).toBe(true);
    // A run asks as usual, saying the architecture is unknown.
    const run = await h.say('oper1', 'run lake-1');
    expect(run.buttons?.map((b) => b.label)).toEqual(['Run backup now']);
    expect(run.notes?.join('\n')).toMatch(/could not be read from the cluster/);
  });
});

describe('a run refused at its preflight is not offered again', () => {
  it('a scheduled run on a shared-data cluster says to turn the schedule off, not to try again', async () => {
    h = await startHarness({ sims: sims.description });
    await h.store.settings.save({ instanceId: 'lake-1', enabled: true, weekdays: ['fri'], time: '02:30', retentionDays: 7, version: 1, updatedAt: '2026-11-20T00:00:00.000Z', updatedBy: 'oper1' });
    const set = await h.bot.services.backups.startScheduled('lake-1', '2026-11-27', false);
    const ended = await endedSet(h, set?.id ?? '');
    expect(ended).toMatchObject({ state: 'FAILED', refused: true });
    await h.settle();
    await h.flush();
    const texts = h.channel.texts().join('\n');
    expect(texts).toContain('lake-1 is a shared-data cluster');
    expect(texts).toContain('turn it off with /backup settings lake-1 off');
    expect(texts).not.toMatch(/try again|tries again/i);
  });

  it('a run whose bucket is in another region is refused without "try again"', async () => {
    h = await startHarness({
      sims: sims.description,
      config: (c) => ({
        ...c,
        regions: { ...c.regions, 'cn-shanghai': { ...(c.regions['cn-shanghai'] as RegionConfig), bucket: 'sandbox-backups-hz' } },
      }),
    });
    const ended = await endedSet(h, await startBackup(h, 'prod-sh'));
    expect(ended).toMatchObject({ state: 'FAILED', refused: true });
    expect(ended.error).toMatch(/the bucket sandbox-backups-hz is in cn-hangzhou, but prod-sh is in cn-shanghai: backups never cross regions/);
    await h.settle();
    await h.flush();
    const texts = h.channel.texts().join('\n');
    expect(texts).toContain('Trying again cannot help until what is named above changes.');
    expect(texts).not.toMatch(/try again with|tries again/i);
  });

  it('a run that failed for a passing reason still offers to try again', async () => {
    h = await startHarness({ sims: sims.description });
    for (const db of ['sales', 'inventory', 'web']) sims.starrocks.instance('prod-1').faults.failNextBackup(db, 'disk full on be-1');
    try {
      const ended = await endedSet(h, await startBackup(h, 'prod-1'));
      expect(ended).toMatchObject({ state: 'FAILED', refused: false });
      await h.settle();
      await h.flush();
      expect(h.channel.texts().join('\n')).toContain('Try again with /backup run prod-1.');
    } finally {
      sims.starrocks.instance('prod-1').faults.clear();
    }
  });
});
