// The backup settings form: parsing each field, validating the whole, describing it to people.

import { UserError } from './errors';
import { WEEKDAYS, type BackupSettings, type Weekday } from './types';
import { joinAnd, quoteInput } from './text';

export const DEFAULT_SETTINGS: BackupSettings = Object.freeze({
  enabled: false,
  weekdays: [],
  time: '00:00',
  retentionDays: 7,
}) as BackupSettings;

export const MIN_RETENTION_DAYS = 7;
export const MAX_RETENTION_DAYS = 31;

const DAY_NAMES: Record<string, Weekday> = {
  mon: 'mon', monday: 'mon',
  tue: 'tue', tues: 'tue', tuesday: 'tue',
  wed: 'wed', weds: 'wed', wednesday: 'wed',
  thu: 'thu', thur: 'thu', thurs: 'thu', thursday: 'thu',
  fri: 'fri', friday: 'fri',
  sat: 'sat', saturday: 'sat',
  sun: 'sun', sunday: 'sun',
};

const DAY_GROUPS: Record<string, readonly Weekday[]> = {
  daily: WEEKDAYS,
  everyday: WEEKDAYS,
  'every day': WEEKDAYS,
  weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  weekends: ['sat', 'sun'],
  weekend: ['sat', 'sun'],
};

function daysError(part: string): UserError {
  return new UserError(`days must be weekdays like mon,thu or mon-fri, got ${quoteInput(part)}`);
}

function dayIndex(name: string, whole: string): number {
  const day = Object.hasOwn(DAY_NAMES, name) ? DAY_NAMES[name] : undefined;
  if (day === undefined) throw daysError(name === '' ? whole : name);
  return WEEKDAYS.indexOf(day);
}

function groupNamed(name: string): readonly Weekday[] | null {
  return Object.hasOwn(DAY_GROUPS, name) ? (DAY_GROUPS[name] ?? null) : null;
}

/** Week order (mon..sun), no duplicates. */
export function sortWeekdays(days: Iterable<Weekday>): Weekday[] {
  const set = new Set(days);
  return WEEKDAYS.filter((d) => set.has(d));
}

/**
 * `mon,thu`, `Mon`, `monday`, `mon-fri` (a range may wrap: `fri-mon`), `daily` / `everyday`,
 * `weekdays`, `weekends`; parts separated by commas and/or spaces.
 */
export function parseWeekdays(input: string): Weekday[] {
  const text = input.trim().toLowerCase();
  if (text === '') throw daysError(input);
  const group = groupNamed(text.replace(/\s+/g, ' '));
  if (group) return [...group];
  const chosen = new Set<Weekday>();
  for (const raw of text.split(/[\s,]+/)) {
    if (raw === '') continue;
    const days = groupNamed(raw);
    if (days) {
      for (const d of days) chosen.add(d);
      continue;
    }
    const range = raw.split('-');
    if (range.length === 1) {
      chosen.add(WEEKDAYS[dayIndex(raw, raw)] as Weekday);
    } else if (range.length === 2) {
      const from = dayIndex(range[0] ?? '', raw);
      const to = dayIndex(range[1] ?? '', raw);
      for (let i = from; ; i = (i + 1) % 7) {
        chosen.add(WEEKDAYS[i] as Weekday);
        if (i === to) break;
      }
    } else {
      throw daysError(raw);
    }
  }
  if (chosen.size === 0) throw daysError(input);
  return sortWeekdays(chosen);
}

/** `HH:mm` in 24-hour time; `2:30` becomes `02:30`. */
export function parseTime(input: string): string {
  if ((input.match(/\d{1,2}:\d{2}/g) ?? []).length > 1) {
    throw new UserError(`at most one backup a day: give one time, e.g. time=02:30; got ${quoteInput(input)}`);
  }
  const m = /^(\d{1,2}):(\d{2})$/.exec(input.trim());
  const hour = m ? Number(m[1]) : NaN;
  const minute = m ? Number(m[2]) : NaN;
  if (!(hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59)) {
    throw new UserError(`time must be HH:mm in 24-hour time (e.g. 02:30), got ${quoteInput(input)}`);
  }
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/** Whole days from 7 to 31; `14`, `14d` and `14 days` are all 14. */
export function parseRetention(input: string | number): number {
  let days = NaN;
  let shown: string;
  if (typeof input === 'number') {
    days = input;
    shown = Number.isFinite(input) ? String(input) : quoteInput(String(input));
  } else {
    const text = input.trim();
    const m = /^(\d{1,6})\s*(?:d|days?)?$/i.exec(text);
    if (m) days = Number(m[1]);
    shown = /^-?\d+(\.\d+)?$/.test(text) ? text : quoteInput(input);
  }
  if (!Number.isInteger(days) || days < MIN_RETENTION_DAYS || days > MAX_RETENTION_DAYS) {
    throw new UserError(
      `retention must be a whole number of days from ${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS}, got ${shown}`,
    );
  }
  return days;
}

/** Checks every field and the whole (enabled needs a weekday); returns the normalised settings. */
export function validateSettings(s: BackupSettings): BackupSettings {
  if (typeof s.enabled !== 'boolean') throw new UserError('enabled must be on or off');
  if (!Array.isArray(s.weekdays)) throw daysError(String(s.weekdays));
  for (const d of s.weekdays) {
    if (!(WEEKDAYS as readonly unknown[]).includes(d)) throw daysError(String(d));
  }
  const settings: BackupSettings = {
    enabled: s.enabled,
    weekdays: sortWeekdays(s.weekdays),
    time: parseTime(String(s.time)),
    retentionDays: parseRetention(s.retentionDays),
  };
  if (settings.enabled && settings.weekdays.length === 0) {
    throw new UserError('pick at least one weekday to enable backups, e.g. days=mon,thu');
  }
  return settings;
}

const SHORT: Record<Weekday, string> = {
  mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun',
};

/** `every day`, `Mon to Fri`, `Mon and Thu`, `none`. */
export function describeWeekdays(days: readonly Weekday[]): string {
  const sorted = sortWeekdays(days);
  if (sorted.length === 0) return 'none';
  if (sorted.length === 7) return 'every day';
  if (sorted.join(',') === 'mon,tue,wed,thu,fri') return 'Mon to Fri';
  return joinAnd(sorted.map((d) => SHORT[d]));
}

/** `Mon and Thu at 02:30 Asia/Shanghai, kept 14 days`, or `off`. */
export function describeSchedule(s: BackupSettings, timezone: string): string {
  if (!s.enabled) return 'off';
  return `${describeWeekdays(s.weekdays)} at ${s.time} ${timezone}, kept ${s.retentionDays} days`;
}

/** One human line per changed field, e.g. `time 00:00 → 02:30`; empty when nothing changed. */
export function diffSettings(before: BackupSettings, after: BackupSettings): string[] {
  const lines: string[] = [];
  if (before.enabled !== after.enabled) {
    lines.push(`backups ${before.enabled ? 'on' : 'off'} → ${after.enabled ? 'on' : 'off'}`);
  }
  const daysBefore = describeWeekdays(before.weekdays);
  const daysAfter = describeWeekdays(after.weekdays);
  if (daysBefore !== daysAfter) lines.push(`days ${daysBefore} → ${daysAfter}`);
  if (before.time !== after.time) lines.push(`time ${before.time} → ${after.time}`);
  if (before.retentionDays !== after.retentionDays) {
    lines.push(`retention ${before.retentionDays} → ${after.retentionDays} days`);
  }
  return lines;
}
