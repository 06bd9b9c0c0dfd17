// `/backup describe bk-...` as a viewer sees it: one set in full, with its timeline.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxSimulators } from '../../sim/sandbox';
import { aBackupSet, aDatabaseBackup } from '../domain/fixtures';
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
  sims.starrocks.instance('prod-1').faults.clear();
  await h?.close();
});

const field = (fields: { label: string; value: string }[] | undefined, label: string) => fields?.find((f) => f.label === label)?.value;

describe('/backup describe', () => {
  it('shows a partial set in full: databases, snapshots, OSS location, what was left out, StarRocks error text and the timeline', async () => {
    h = await startHarness({ sims: sims.description });
    sims.starrocks.instance('prod-1').faults.failNextBackup('web', 'BE 10002: disk full while uploading');
    const set = await endedSet(h, await startBackup(h, 'prod-1'));
    expect(set.state).toBe('PARTIAL');
    const reply = await h.say('viewer1', `describe ${set.id}`);

    expect(reply.title).toBe(`Backup ${set.id}`);
    expect(reply.tone).toBe('warning');
    const sizeText = /MiB|KiB/;
    expect(reply.text.split('\n')[0]).toMatch(new RegExp(`^\\*${set.id}\\* of \\*prod-1\\*: PARTIAL\\. 2 of 3 databases backed up, 6 tables, .* in \\d+ objects\\.$`));
    expect(reply.text).toContain('- Views (not backed up): sales.v_daily_sales');
    expect(reply.text).toContain('- web.ext_clicks: external table: StarRocks cannot back it up');
    expect(field(reply.fields, 'Started')).toMatch(/, by Admin One \(\/backup run\)$/);
    expect(field(reply.fields, 'OSS location')).toBe('oss://sandbox-backups-hz/starrocks-backups/__starrocks_repository_bot_prod_1/ (region cn-hangzhou)');
    expect(field(reply.fields, 'Size')).toMatch(sizeText);
    expect(field(reply.fields, 'Expires')).toMatch(/\(kept 7 days\)$/);

    const sales = reply.items?.find((i) => i.text.startsWith('*sales*'));
    const dbSales = set.databases.find((d) => d.database === 'sales');
    expect(sales?.text).toBe('*sales*: FINISHED');
    expect(field(sales?.fields, 'Snapshot')).toBe(`\`${dbSales?.snapshotName}\``);
    expect(field(sales?.fields, 'backup_timestamp')).toBe(`\`${dbSales?.backupTimestamp}\``);
    expect(field(sales?.fields, 'Tables')).toBe('4: customers, mv_sales_by_day, order_items, orders');
    expect(field(sales?.fields, 'OSS prefix')).toBe(`starrocks-backups/__starrocks_repository_bot_prod_1/__ss_${dbSales?.snapshotName}/`);
    const web = reply.items?.find((i) => i.text.startsWith('*web*'));
    expect(web?.text).toBe('*web*: FAILED');
    expect(field(web?.fields, 'StarRocks said')).toContain('BE 10002: disk full while uploading');

    const timeline = reply.text.split('*Timeline* (Asia/Shanghai):\n')[1]?.split('\n') ?? [];
    const lines = timeline.map((l) => l.replace(/^- \d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}/, ''));
    expect(lines[0]).toBe('started by Admin One (/backup run)');
    expect(lines[1]).toBe('preflight passed (StarRocks 3.3.5, shared-nothing); planned 3 databases, 7 tables');
    expect(lines).toContain(`sales: BACKUP SNAPSHOT ${dbSales?.snapshotName} sent (4 tables)`);
    expect(lines.some((l) => /^sales: finished, .* in \d+ objects$/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('web: FAILED: ') && l.includes('disk full while uploading'))).toBe(true);
    expect(lines.at(-1)).toMatch(/^PARTIAL: 2 of 3 databases, /);
    expect(reply.notes).toContain('Never in a backup: users, roles and privileges, resource groups, and colocate-join relations between tables.');
  });

  it('describes a set written before timelines from its own fields, and answers an unknown id with where to look', async () => {
    h = await startHarness();
    const old = aBackupSet({
      id: 'bk-20261110-0230-prod-1',
      scheduledDay: '2026-11-10',
      state: 'FAILED',
      startedAt: '2026-11-09T18:30:00.000Z',
      finishedAt: '2026-11-09T18:31:00.000Z',
      error: 'every database failed',
      events: [],
      databases: [aDatabaseBackup({ state: 'FAILED', submittedAt: '2026-11-09T18:30:05.000Z', finishedAt: '2026-11-09T18:31:00.000Z', error: 'Unexpected exception: disk full', sizeBytes: null, objectCount: null })],
    });
    await h.store.backupSets.create(old);
    const reply = await h.say('viewer1', `describe ${old.id}`);
    expect(reply.tone).toBe('error');
    expect(reply.text).toContain('*Why it failed:* every database failed');
    expect(reply.text).toContain(
      [
        '*Timeline* (Asia/Shanghai):',
        '- 2026-11-10 02:30:00  started (scheduled)',
        '- 2026-11-10 02:30:05  sales: BACKUP SNAPSHOT bk_20261124_0230_prod_1__sales sent',
        '- 2026-11-10 02:31:00  sales: FAILED: Unexpected exception: disk full',
        '- 2026-11-10 02:31:00  FAILED: every database failed',
      ].join('\n'),
    );
    expect(reply.notes).toContain('A failed scheduled backup does not use up its day: /backup run prod-1 tries again now.');
    expect((await h.say('viewer1', 'describe bk-20990101-0000-prod-1')).text).toBe('there is no backup set bk-20990101-0000-prod-1 (see /backup list <instance>)');
    expect((await h.say('viewer1', 'describe prod-1')).text).toMatch(/^backup set ids look like bk-20261124-0230-prod-1; got "prod-1"/);
  });
});
