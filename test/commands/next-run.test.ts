// The next scheduled run and the last scheduled result, in /backup instances, the settings form
// and the reply to a saved change.

import { afterEach, describe, expect, it } from 'vitest';
import { aBackupSet, aFinishedSet } from '../domain/fixtures';
import { ManualClock } from '../support/clock';
import { startHarness } from '../support/harness';
import type { Harness } from '../support/harness';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const field = (fields: { label: string; value: string }[] | undefined, label: string) => fields?.find((f) => f.label === label)?.value;

describe('next run and last scheduled result', () => {
  it('shows when each instance runs next and how its last scheduled run ended', async () => {
    // Tuesday 2026-11-24 10:00 in Shanghai.
    const clock = new ManualClock('2026-11-24T02:00:00Z');
    h = await startHarness({ clock });
    const saved = await h.say('oper1', 'settings prod-1 on days=mon,thu time=02:30');
    expect(saved.text).toContain('Next run: 2026-11-26 02:30 UTC+8 (in 41 hours).');
    await h.store.backupSets.create(
      aBackupSet({ id: 'bk-20261123-0230-prod-1', scheduledDay: '2026-11-23', state: 'FAILED', finishedAt: '2026-11-22T18:31:00.000Z', error: 'StarRocks did not answer for more than 60 minutes' }),
    );
    await h.store.backupSets.create(aFinishedSet({ id: 'bk-20261124-0900-prod-1', trigger: 'manual', scheduledDay: null, startedAt: '2026-11-24T01:00:00.000Z', finishedAt: '2026-11-24T01:05:00.000Z' }));

    const reply = await h.say('viewer1', 'instances');
    const prod = reply.items?.find((i) => i.text.startsWith('*prod-1*'));
    expect(field(prod?.fields, 'Next run')).toBe('2026-11-26 02:30 UTC+8 (in 41 hours)');
    // The manual run after it does not hide how the schedule last went.
    expect(field(prod?.fields, 'Last scheduled run')).toBe('bk-20261123-0230-prod-1 for 2026-11-23: FAILED, 2026-11-23 02:31 UTC+8: StarRocks did not answer for more than 60 minutes');
    expect(field(prod?.fields, 'Last backup')).toMatch(/^bk-20261124-0900-prod-1 \(FINISHED\)/);
    const staging = reply.items?.find((i) => i.text.startsWith('*staging-1*'));
    expect(field(staging?.fields, 'Next run')).toBe('none (backups are off)');
    expect(field(staging?.fields, 'Last scheduled run')).toBe('none yet');

    const form = await h.say('oper1', 'settings prod-1');
    expect(form.text).toContain('Next run: 2026-11-26 02:30 UTC+8 (in 41 hours). Last scheduled run: bk-20261123-0230-prod-1 for 2026-11-23: FAILED');
    const readonly = (name: string) => form.form?.fields.find((f) => f.name === name);
    expect(readonly('nextRun')).toEqual({ kind: 'readonly', name: 'nextRun', label: 'Next run', value: '2026-11-26 02:30 UTC+8 (in 41 hours)' });
    expect(readonly('lastScheduled')).toMatchObject({ kind: 'readonly', label: 'Last scheduled run', value: expect.stringMatching(/^bk-20261123-0230-prod-1 for 2026-11-23: FAILED/) });

    // Thursday after the run time: the next one is Monday.
    clock.set('2026-11-26T00:00:00Z');
    const later = await h.say('viewer1', 'instances');
    expect(field(later.items?.find((i) => i.text.startsWith('*prod-1*'))?.fields, 'Next run')).toBe('2026-11-30 02:30 UTC+8 (in 4 days)');
  });
});
