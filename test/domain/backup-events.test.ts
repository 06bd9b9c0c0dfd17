// A backup set's timeline: what each change of the set says, and the bound on its length.

import { describe, expect, it } from 'vitest';
import { addEvents, changeEvents, MAX_EVENTS, timelineOf, withEvents } from '../../src/domain/backup-events';
import type { BackupEvent } from '../../src/domain/types';
import { aBackupSet, aDatabaseBackup, aFinishedSet } from './fixtures';

const at = new Date('2026-11-23T18:31:00.000Z');

describe('the timeline of a set', () => {
  it('says what changed: the plan, a database sent, its StarRocks steps, its end, the set end', () => {
    const planned = aBackupSet({ databases: [aDatabaseBackup({ state: 'PENDING', jobState: null, submittedAt: null, finishedAt: null, tracking: 'not_submitted' })] });
    expect(changeEvents(aBackupSet({ databases: [] }), planned, at).map((e) => e.what)).toEqual(['preflight passed (StarRocks 3.3.5, shared-nothing); planned 1 database, 2 tables']);
    const sent = aBackupSet({ databases: [aDatabaseBackup({ state: 'SUBMITTED', jobState: null, finishedAt: null, tracking: 'submitted' })] });
    expect(changeEvents(planned, sent, at)).toEqual([{ at: '2026-11-23T18:30:05.000Z', what: 'sales: BACKUP SNAPSHOT bk_20261124_0230_prod_1__sales sent (2 tables)' }]);
    const uploading = aBackupSet({ databases: [aDatabaseBackup({ state: 'SUBMITTED', jobState: 'UPLOADING', finishedAt: null })] });
    expect(changeEvents(sent, uploading, at)).toEqual([{ at: at.toISOString(), what: 'sales: UPLOADING', minor: true }]);
    const done = aFinishedSet();
    expect(changeEvents(uploading, done, at).map((e) => e.what)).toEqual(['sales: finished, 1 KiB in 10 objects', 'FINISHED: 1 of 1 database, 1 KiB in 10 objects']);
    expect(changeEvents(done, done, at)).toEqual([]);
  });

  it('names a resend, a refused table, an outage and its end', () => {
    const before = aBackupSet({ databases: [aDatabaseBackup({ state: 'SUBMITTED', finishedAt: null })] });
    const resent = aBackupSet({ databases: [aDatabaseBackup({ state: 'PENDING', resends: 1, tables: ['orders'], finishedAt: null })] });
    expect(changeEvents(before, resent, at).map((e) => e.what)).toEqual([
      'sales: the BACKUP statement never ran (SHOW BACKUP and OSS show nothing of it); it is sent again',
      'sales: StarRocks refused customers; left out, the rest is sent again',
    ]);
    const down = { ...before, outage: { since: '2026-11-23T18:20:00.000Z', error: 'cannot connect', announcedAt: null } };
    expect(changeEvents(before, down, at)).toEqual([{ at: '2026-11-23T18:20:00.000Z', what: 'prod-1 does not answer: cannot connect' }]);
    expect(changeEvents(down, before, at).map((e) => e.what)).toEqual(['prod-1 answers again']);
  });

  it(`keeps at most ${MAX_EVENTS} lines: the StarRocks steps go first, then the oldest after the first`, () => {
    const first: BackupEvent = { at: at.toISOString(), what: 'started' };
    const steps = Array.from({ length: 30 }, (_, i): BackupEvent => ({ at: at.toISOString(), what: `step ${i}`, minor: true }));
    const milestones = Array.from({ length: 30 }, (_, i): BackupEvent => ({ at: at.toISOString(), what: `milestone ${i}` }));
    const kept = addEvents([first, ...steps], milestones);
    expect(kept).toHaveLength(MAX_EVENTS);
    expect(kept[0]).toEqual(first);
    expect(kept.filter((e) => e.minor)).toHaveLength(MAX_EVENTS - 31);
    expect(kept.slice(-30)).toEqual(milestones);
    const more = addEvents(kept, Array.from({ length: 50 }, (_, i): BackupEvent => ({ at: at.toISOString(), what: `late ${i}` })));
    expect(more[0]).toEqual(first);
    expect(more.slice(1).every((e) => e.what.startsWith('late'))).toBe(true);
  });

  it('withEvents records on the set; a set without a recorded timeline gets one from its fields', () => {
    const set = withEvents(aBackupSet({ events: [] }), aFinishedSet({ events: [] }), at);
    expect(set.events.map((e) => e.what)).toEqual(['sales: finished, 1 KiB in 10 objects', 'FINISHED: 1 of 1 database, 1 KiB in 10 objects']);
    const expired = aFinishedSet({ events: [], state: 'EXPIRED', deletedAt: '2026-11-30T18:40:00.000Z', expiryWarnedAt: '2026-11-29T18:40:00.000Z' });
    expect(timelineOf(expired).map((e) => e.what)).toEqual([
      'started (scheduled)',
      'sales: BACKUP SNAPSHOT bk_20261124_0230_prod_1__sales sent',
      'sales: finished',
      'finished: 1 of 1 database, 1 KiB in 10 objects',
      'expiry warning posted in the channel',
      'EXPIRED: its objects were deleted from OSS',
    ]);
  });
});
