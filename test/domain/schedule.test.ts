import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  cronExpression,
  latestDueToday,
  localDay,
  missedDays,
  nextRunAt,
  peakHoursWarning,
  watchdogAllowanceMs,
} from '../../src/domain/schedule';
import { WEEKDAYS, type BackupSettings, type Weekday } from '../../src/domain/types';

const DAY = 86_400_000;
const monThu: BackupSettings = { enabled: true, weekdays: ['mon', 'thu'], time: '02:30', retentionDays: 7 };
const daily: BackupSettings = { ...monThu, weekdays: [...WEEKDAYS] };
const off: BackupSettings = { ...monThu, enabled: false };
const utc = (iso: string) => new Date(iso);
const zones = ['America/New_York', 'Europe/Berlin', 'Asia/Shanghai', 'Australia/Lord_Howe', 'UTC'];

describe('cronExpression', () => {
  it.each([
    [monThu, '30 2 * * 1,4'],
    [daily, '30 2 * * *'],
    [{ ...monThu, weekdays: ['sun', 'sat'], time: '00:00' }, '0 0 * * 0,6'],
    [{ ...monThu, time: '23:05' }, '5 23 * * 1,4'],
    [off, null],
    [{ ...monThu, weekdays: [] }, null],
  ] as [BackupSettings, string | null][])('for %j is %s', (settings, expr) => {
    expect(cronExpression(settings)).toBe(expr);
  });
});

describe('localDay', () => {
  it('is the calendar day in the zone, not in UTC', () => {
    expect(localDay(utc('2026-11-23T18:30:00Z'), 'Asia/Shanghai')).toBe('2026-11-24');
    expect(localDay(utc('2026-11-23T18:30:00Z'), 'America/New_York')).toBe('2026-11-23');
    expect(localDay(utc('2026-11-23T23:59:59Z'), 'UTC')).toBe('2026-11-23');
  });

  it('refuses an unknown zone rather than guessing', () => {
    expect(() => localDay(new Date(), 'Mars/Olympus')).toThrow('unknown time zone "Mars/Olympus"');
  });

  it('agrees with the local date of the instant in every zone', () => {
    fc.assert(
      fc.property(fc.date({ min: utc('2000-01-01T00:00:00Z'), max: utc('2100-01-01T00:00:00Z'), noInvalidDate: true }), fc.constantFrom(...zones), (at, zone) => {
        const local = DateTime.fromJSDate(at, { zone });
        expect(localDay(at, zone)).toBe(`${local.year}-${String(local.month).padStart(2, '0')}-${String(local.day).padStart(2, '0')}`);
      }),
    );
  });
});

describe('nextRunAt', () => {
  it('is the next chosen weekday at the chosen local time', () => {
    // Tue 2026-11-24 in Shanghai: the next run is Thu 02:30 +08:00.
    expect(nextRunAt(monThu, 'Asia/Shanghai', utc('2026-11-24T04:00:00Z'))).toEqual(utc('2026-11-25T18:30:00Z'));
  });

  it('is strictly after: a run due exactly now is the one after it', () => {
    const due = utc('2026-11-25T18:30:00Z');
    expect(nextRunAt(monThu, 'Asia/Shanghai', due)).toEqual(utc('2026-11-29T18:30:00Z'));
    expect(nextRunAt(monThu, 'Asia/Shanghai', new Date(due.getTime() - 1))).toEqual(due);
  });

  it('is null when backups are off', () => {
    expect(nextRunAt(off, 'UTC', new Date())).toBeNull();
  });

  it('keeps the local time across a DST change (New York, spring and autumn)', () => {
    const sundays: BackupSettings = { ...monThu, weekdays: ['sun'], time: '03:30' };
    expect(nextRunAt(sundays, 'America/New_York', utc('2026-02-23T00:00:00Z'))).toEqual(utc('2026-03-01T08:30:00Z')); // still EST
    expect(nextRunAt(sundays, 'America/New_York', utc('2026-03-07T00:00:00Z'))).toEqual(utc('2026-03-08T07:30:00Z')); // EDT
    expect(nextRunAt(sundays, 'America/New_York', utc('2026-10-31T00:00:00Z'))).toEqual(utc('2026-11-01T08:30:00Z')); // EST again
  });

  it('runs a time skipped by spring-forward right after the gap, once', () => {
    const sundays: BackupSettings = { ...monThu, weekdays: ['sun'], time: '02:30' };
    const run = nextRunAt(sundays, 'America/New_York', utc('2026-03-07T00:00:00Z'));
    expect(DateTime.fromJSDate(run as Date, { zone: 'America/New_York' }).toFormat('yyyy-LL-dd HH:mm')).toBe('2026-03-08 03:30');
    expect(nextRunAt(sundays, 'America/New_York', run as Date)).toEqual(utc('2026-03-15T06:30:00Z'));
  });

  it('runs an ambiguous fall-back time once that day (Berlin)', () => {
    const sundays: BackupSettings = { ...monThu, weekdays: ['sun'], time: '02:30' };
    const first = nextRunAt(sundays, 'Europe/Berlin', utc('2026-10-24T00:00:00Z')) as Date;
    expect(localDay(first, 'Europe/Berlin')).toBe('2026-10-25');
    const second = nextRunAt(sundays, 'Europe/Berlin', first) as Date;
    expect(localDay(second, 'Europe/Berlin')).toBe('2026-11-01');
  });

  const arbitrarySettings = fc.record({
    weekdays: fc.subarray([...WEEKDAYS] as Weekday[], { minLength: 1 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
  });

  it('always lands on a chosen weekday at the chosen local time, across DST (property)', () => {
    fc.assert(
      fc.property(
        arbitrarySettings,
        fc.date({ min: utc('2020-01-01T00:00:00Z'), max: utc('2035-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom('America/New_York', 'Europe/Berlin', 'Asia/Shanghai'),
        ({ weekdays, hour, minute }, after, zone) => {
          const time = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
          const s: BackupSettings = { enabled: true, weekdays, time, retentionDays: 7 };
          const run = nextRunAt(s, zone, after) as Date;
          expect(run.getTime()).toBeGreaterThan(after.getTime());
          expect(run.getTime() - after.getTime()).toBeLessThanOrEqual(7 * DAY + 2 * 3_600_000);
          const local = DateTime.fromJSDate(run, { zone });
          expect(weekdays).toContain(WEEKDAYS[local.weekday - 1]);
          const wanted = DateTime.fromObject({ year: local.year, month: local.month, day: local.day, hour, minute }, { zone });
          if (wanted.hour === hour && wanted.minute === minute) {
            expect(local.toFormat('HH:mm')).toBe(time);
          } else {
            // The local time does not exist that day (spring forward): the run follows the gap.
            expect(local.hour * 60 + local.minute).toBeGreaterThan(hour * 60 + minute);
          }
          // No scheduled run is skipped in between: nothing on an earlier local day qualifies.
          const earlier = nextRunAt(s, zone, new Date(run.getTime() - 1));
          expect(earlier).toEqual(run);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('yields exactly one run per chosen local day over a year (property)', () => {
    fc.assert(
      fc.property(arbitrarySettings, fc.constantFrom('America/New_York', 'Europe/Berlin'), ({ weekdays, hour, minute }, zone) => {
        const time = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
        const s: BackupSettings = { enabled: true, weekdays, time, retentionDays: 7 };
        const days: string[] = [];
        let at = utc('2026-01-01T00:00:00Z');
        for (let i = 0; i < 120; i++) {
          at = nextRunAt(s, zone, at) as Date;
          days.push(localDay(at, zone));
        }
        expect(new Set(days).size).toBe(days.length);
      }),
      { numRuns: 50 },
    );
  });
});

describe('latestDueToday', () => {
  it("is today's run once it is due", () => {
    // Thu 2026-11-26 02:30 in Shanghai = 2026-11-25T18:30Z
    expect(latestDueToday(monThu, 'Asia/Shanghai', utc('2026-11-25T18:30:00Z'))).toEqual({
      day: '2026-11-26',
      dueAt: utc('2026-11-25T18:30:00Z'),
    });
    expect(latestDueToday(monThu, 'Asia/Shanghai', utc('2026-11-26T15:59:59Z'))).toEqual({
      day: '2026-11-26',
      dueAt: utc('2026-11-25T18:30:00Z'),
    });
  });

  it('is null before the time, on an unscheduled day, and when off', () => {
    expect(latestDueToday(monThu, 'Asia/Shanghai', utc('2026-11-25T18:29:59Z'))).toBeNull();
    expect(latestDueToday(monThu, 'Asia/Shanghai', utc('2026-11-24T18:30:00Z'))).toBeNull(); // Wed
    expect(latestDueToday(off, 'Asia/Shanghai', utc('2026-11-25T20:00:00Z'))).toBeNull();
  });
});

describe('missedDays', () => {
  it('lists the days that ended while the bot was down, not today', () => {
    // Down from Sun 2026-11-22 noon to Thu 2026-11-26 10:00 (Shanghai): Mon missed, Thu still today.
    const missed = missedDays(monThu, 'Asia/Shanghai', utc('2026-11-22T04:00:00Z'), utc('2026-11-26T02:00:00Z'));
    expect(missed).toEqual([{ day: '2026-11-23', dueAt: utc('2026-11-22T18:30:00Z') }]);
  });

  it('lists a run due exactly at the end once its day has ended', () => {
    const missed = missedDays(daily, 'UTC', utc('2026-11-01T00:00:00Z'), utc('2026-11-04T00:00:00Z'));
    expect(missed.map((m) => m.day)).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
  });

  it('is empty when nothing was due or backups are off', () => {
    expect(missedDays(monThu, 'UTC', utc('2026-11-24T00:00:00Z'), utc('2026-11-26T00:00:00Z'))).toEqual([]);
    expect(missedDays(off, 'UTC', utc('2026-01-01T00:00:00Z'), utc('2026-11-26T00:00:00Z'))).toEqual([]);
  });

  it('never lists a day twice and never lists the day of `to` (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: utc('2026-01-01T00:00:00Z'), max: utc('2026-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 40 * DAY }),
        fc.constantFrom(...zones),
        (from, span, zone) => {
          const to = new Date(from.getTime() + span);
          const missed = missedDays(daily, zone, from, to);
          expect(new Set(missed.map((m) => m.day)).size).toBe(missed.length);
          for (const m of missed) {
            expect(m.dueAt.getTime()).toBeGreaterThan(from.getTime());
            expect(m.day < localDay(to, zone)).toBe(true);
          }
        },
      ),
    );
  });
});

describe('peakHoursWarning', () => {
  const peak = [{ from: '09:00', to: '18:00' }, { from: '22:00', to: '02:00' }];
  it.each([
    ['09:00', '09:00-18:00'],
    ['12:00', '09:00-18:00'],
    ['17:59', '09:00-18:00'],
    ['22:00', '22:00-02:00'],
    ['23:30', '22:00-02:00'],
    ['00:00', '22:00-02:00'],
    ['01:59', '22:00-02:00'],
  ])('warns at %s, naming the window %s and an off-peak time', (time, window) => {
    expect(peakHoursWarning(time, peak)).toBe(
      `${time} is inside this instance's peak hours ${window}: a backup reads and copies data files and slows the instance, so an off-peak time is recommended (e.g. 18:00)`,
    );
  });

  it.each(['08:59', '18:00', '21:59', '02:00', '03:00'])('is quiet at %s', (time) => {
    expect(peakHoursWarning(time, peak)).toBeNull();
  });

  it('names the window that was hit and suggests a time outside every window', () => {
    expect(peakHoursWarning('23:00', peak)).toBe(
      "23:00 is inside this instance's peak hours 22:00-02:00: a backup reads and copies data files and slows the instance, so an off-peak time is recommended (e.g. 18:00)",
    );
  });

  it('is quiet without peak hours', () => {
    expect(peakHoursWarning('12:00', [])).toBeNull();
  });
});

describe('watchdogAllowanceMs', () => {
  it.each([
    [['mon'], 8],
    [['mon', 'thu'], 5],
    [[...WEEKDAYS], 2],
    [['sat', 'sun'], 7],
    [['mon', 'tue', 'wed', 'thu', 'fri'], 4],
    [[], 8],
  ] as [Weekday[], number][])('for %j allows %d days', (weekdays, days) => {
    expect(watchdogAllowanceMs({ ...monThu, weekdays })).toBe(days * DAY);
  });
});
