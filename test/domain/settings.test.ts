import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/domain/errors';
import {
  DEFAULT_SETTINGS,
  describeSchedule,
  diffSettings,
  parseRetention,
  parseTime,
  parseWeekdays,
  validateSettings,
} from '../../src/domain/settings';
import { WEEKDAYS, type BackupSettings } from '../../src/domain/types';

const hostile = [
  '',
  '   ',
  'prod-1; DROP DATABASE x',
  '../../etc/passwd',
  '`sales`',
  "'; --",
  '"quoted"',
  '\u0000\u0007\u001b[31m',
  '\u202eevil',
  '日曜日',
  '🙂',
  'mon'.repeat(10_000),
  '9'.repeat(400),
  '__proto__',
  'constructor',
  'toString',
];

describe('DEFAULT_SETTINGS', () => {
  it('is off, no days, midnight, kept 7 days', () => {
    expect(DEFAULT_SETTINGS).toEqual({ enabled: false, weekdays: [], time: '00:00', retentionDays: 7 });
  });
});

describe('parseWeekdays', () => {
  it.each([
    ['mon,thu', ['mon', 'thu']],
    ['Mon', ['mon']],
    ['monday', ['mon']],
    ['THURSDAY,tue', ['tue', 'thu']],
    ['mon-fri', ['mon', 'tue', 'wed', 'thu', 'fri']],
    ['fri-mon', ['mon', 'fri', 'sat', 'sun']],
    ['daily', WEEKDAYS],
    ['everyday', WEEKDAYS],
    ['every day', WEEKDAYS],
    ['weekdays', ['mon', 'tue', 'wed', 'thu', 'fri']],
    ['weekends', ['sat', 'sun']],
    ['sun, mon  thu', ['mon', 'thu', 'sun']],
    ['thu,mon,thu,monday', ['mon', 'thu']],
    ['weekends,wed', ['wed', 'sat', 'sun']],
    ['wed-wed', ['wed']],
  ])('reads %j', (input, expected) => {
    expect(parseWeekdays(input)).toEqual(expected);
  });

  it('names the bad part and the accepted form', () => {
    expect(() => parseWeekdays('mon,mnday')).toThrow(
      new UserError('days must be weekdays like mon,thu or mon-fri, got "mnday"'),
    );
    expect(() => parseWeekdays('mon-funday')).toThrow('got "funday"');
    expect(() => parseWeekdays('mon-tue-wed')).toThrow('got "mon-tue-wed"');
    expect(() => parseWeekdays('')).toThrow(UserError);
    expect(() => parseWeekdays(',')).toThrow(UserError);
  });

  it('never returns anything but sorted, unique weekdays, or throws a UserError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom(...hostile)), (input) => {
        try {
          const days = parseWeekdays(input);
          expect(days.length).toBeGreaterThan(0);
          expect(days).toEqual(WEEKDAYS.filter((d) => days.includes(d)));
        } catch (e) {
          expect(e).toBeInstanceOf(UserError);
          expect((e as Error).message.length).toBeLessThan(120);
        }
      }),
    );
  });

  it('reads any comma list of weekday names back as the same set', () => {
    fc.assert(
      fc.property(fc.subarray([...WEEKDAYS], { minLength: 1 }), (days) => {
        const shuffled = [...days].reverse().map((d) => d.toUpperCase());
        expect(parseWeekdays(shuffled.join(','))).toEqual(days);
      }),
    );
  });
});

describe('parseTime', () => {
  it.each([
    ['02:30', '02:30'],
    ['2:30', '02:30'],
    ['0:00', '00:00'],
    ['23:59', '23:59'],
    [' 14:05 ', '14:05'],
  ])('reads %j as %s', (input, expected) => {
    expect(parseTime(input)).toBe(expected);
  });

  it.each(['25:00', '24:00', '12:60', '2:3', '0230', '2.30', '-1:00', '02:30:00', '', 'noon', '１２:００'])(
    'refuses %j with the accepted form',
    (input) => {
      expect(() => parseTime(input)).toThrow(UserError);
      expect(() => parseTime(input)).toThrow(/^time must be HH:mm in 24-hour time \(e\.g\. 02:30\), got "/);
    },
  );

  it('says exactly what was wrong', () => {
    expect(() => parseTime('25:00')).toThrow('time must be HH:mm in 24-hour time (e.g. 02:30), got "25:00"');
  });

  it('accepts every minute of the day and nothing else', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), (h, m) => {
        expect(parseTime(`${h}:${String(m).padStart(2, '0')}`)).toBe(
          `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`,
        );
      }),
    );
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom(...hostile)), (input) => {
        try {
          expect(parseTime(input)).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
        } catch (e) {
          expect(e).toBeInstanceOf(UserError);
        }
      }),
    );
  });
});

describe('parseRetention', () => {
  it.each([
    ['7', 7],
    ['31', 31],
    [' 14 ', 14],
    ['14d', 14],
    ['14 days', 14],
    [20, 20],
  ])('reads %j as %d days', (input, expected) => {
    expect(parseRetention(input)).toBe(expected);
  });

  it('refuses 40 with the exact message', () => {
    expect(() => parseRetention('40')).toThrow(
      new UserError('retention must be a whole number of days from 7 to 31, got 40'),
    );
    expect(() => parseRetention(40)).toThrow('retention must be a whole number of days from 7 to 31, got 40');
  });

  it.each([['6'], ['32'], ['0'], ['-7'], ['7.5'], ['1e1'], ['seven'], [''], [6.5], [Number.NaN], [Infinity]])(
    'refuses %j',
    (input) => {
      expect(() => parseRetention(input)).toThrow(UserError);
    },
  );

  it('quotes non-numbers safely', () => {
    expect(() => parseRetention('x`; DROP')).toThrow('got "xˋ; DROP"');
  });

  it('returns a whole number from 7 to 31 or throws a UserError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.double(), fc.integer(), fc.constantFrom(...hostile)), (input) => {
        try {
          const days = parseRetention(input);
          expect(Number.isInteger(days) && days >= 7 && days <= 31).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(UserError);
        }
      }),
    );
  });
});

describe('validateSettings', () => {
  const on: BackupSettings = { enabled: true, weekdays: ['thu', 'mon', 'thu'], time: '2:30', retentionDays: 14 };

  it('normalises the days and the time', () => {
    expect(validateSettings(on)).toEqual({ enabled: true, weekdays: ['mon', 'thu'], time: '02:30', retentionDays: 14 });
  });

  it('needs a weekday to enable backups', () => {
    expect(() => validateSettings({ ...on, weekdays: [] })).toThrow(
      'pick at least one weekday to enable backups, e.g. days=mon,thu',
    );
  });

  it('lets backups be off without days', () => {
    expect(validateSettings(DEFAULT_SETTINGS)).toEqual(DEFAULT_SETTINGS);
  });

  it('refuses a bad retention, time or day', () => {
    expect(() => validateSettings({ ...on, retentionDays: 40 })).toThrow('got 40');
    expect(() => validateSettings({ ...on, time: '25:00' })).toThrow('got "25:00"');
    expect(() => validateSettings({ ...on, weekdays: ['mon', 'funday' as 'mon'] })).toThrow('got "funday"');
  });
});

describe('describeSchedule', () => {
  const base: BackupSettings = { enabled: true, weekdays: ['mon', 'thu'], time: '02:30', retentionDays: 14 };
  it.each([
    [base, 'Mon and Thu at 02:30 Asia/Shanghai, kept 14 days'],
    [{ ...base, weekdays: [...WEEKDAYS], time: '00:00', retentionDays: 7 }, 'every day at 00:00 Asia/Shanghai, kept 7 days'],
    [{ ...base, weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'] }, 'Mon to Fri at 02:30 Asia/Shanghai, kept 14 days'],
    [{ ...base, weekdays: ['mon', 'wed', 'sun'] }, 'Mon, Wed and Sun at 02:30 Asia/Shanghai, kept 14 days'],
    [{ ...base, weekdays: ['sat'] }, 'Sat at 02:30 Asia/Shanghai, kept 14 days'],
    [{ ...base, enabled: false }, 'off'],
  ] as [BackupSettings, string][])('describes %j', (settings, text) => {
    expect(describeSchedule(settings, 'Asia/Shanghai')).toBe(text);
  });
});

describe('diffSettings', () => {
  it('gives one line per change', () => {
    expect(
      diffSettings(DEFAULT_SETTINGS, { enabled: true, weekdays: ['mon', 'thu'], time: '02:30', retentionDays: 14 }),
    ).toEqual(['backups off → on', 'days none → Mon and Thu', 'time 00:00 → 02:30', 'retention 7 → 14 days']);
  });

  it('is empty when nothing changed, also with days in another order', () => {
    const s: BackupSettings = { enabled: true, weekdays: ['mon', 'thu'], time: '02:30', retentionDays: 14 };
    expect(diffSettings(s, { ...s, weekdays: ['thu', 'mon'] })).toEqual([]);
  });
});
