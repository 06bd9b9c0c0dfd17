// When backups run: cron expressions, local days and occurrences in an instance's time zone.
// Occurrences are computed with luxon, so they stay on the chosen local time across DST: a
// time that does not exist on a spring-forward day runs at the first minute after the gap, an
// ambiguous one on a fall-back day runs once.

import { DateTime } from 'luxon';
import { WEEKDAYS, type BackupSettings, type PeakWindow, type Weekday } from './types';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Weekday → node-cron day-of-week (0 = Sunday). */
const CRON_DAY: Record<Weekday, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

function inZone(at: Date, zone: string): DateTime {
  const local = DateTime.fromJSDate(at, { zone });
  if (!local.isValid) throw new Error(`unknown time zone ${JSON.stringify(zone)} (${local.invalidExplanation ?? 'invalid'})`);
  return local;
}

function hourMinute(time: string): { hour: number; minute: number } {
  const [h, m] = time.split(':');
  return { hour: Number(h), minute: Number(m) };
}

function minutesOf(time: string): number {
  const { hour, minute } = hourMinute(time);
  return hour * 60 + minute;
}

function isScheduled(s: BackupSettings): boolean {
  return s.enabled && s.weekdays.length > 0;
}

/** luxon weekday (1 = Monday .. 7 = Sunday) of a local date. */
function weekdayOf(local: DateTime): Weekday {
  return WEEKDAYS[local.weekday - 1] as Weekday;
}

/** The occurrence on the local calendar day of `day` (a start-of-day in the zone). */
function occurrenceOn(day: DateTime, time: string): DateTime {
  return day.set(hourMinute(time));
}

/** node-cron 5-field expression (minute hour * * days), run in the instance zone; null when off. */
export function cronExpression(s: BackupSettings): string | null {
  if (!isScheduled(s)) return null;
  const { hour, minute } = hourMinute(s.time);
  const days = s.weekdays.length === 7 ? '*' : [...new Set(s.weekdays.map((d) => CRON_DAY[d]))].sort((a, b) => a - b).join(',');
  return `${minute} ${hour} * * ${days}`;
}

/** `YYYY-MM-DD` of the instant in the zone: the key of the once-a-day rule. */
export function localDay(at: Date, zone: string): string {
  return inZone(at, zone).toISODate() as string;
}

/** The next scheduled run strictly after `after`; null when backups are off. */
export function nextRunAt(s: BackupSettings, zone: string, after: Date): Date | null {
  if (!isScheduled(s)) return null;
  const start = inZone(after, zone).startOf('day');
  for (let i = 0; i <= 8; i++) {
    const day = start.plus({ days: i });
    if (!s.weekdays.includes(weekdayOf(day))) continue;
    const at = occurrenceOn(day, s.time);
    if (at.toMillis() > after.getTime()) return at.toJSDate();
  }
  return null;
}

/** Today's (local) scheduled run when it is due at or before `now`: the start-up catch-up. */
export function latestDueToday(
  s: BackupSettings,
  zone: string,
  now: Date,
): { day: string; dueAt: Date } | null {
  if (!isScheduled(s)) return null;
  const today = inZone(now, zone).startOf('day');
  if (!s.weekdays.includes(weekdayOf(today))) return null;
  const dueAt = occurrenceOn(today, s.time);
  if (dueAt.toMillis() > now.getTime()) return null;
  return { day: today.toISODate() as string, dueAt: dueAt.toJSDate() };
}

/**
 * Scheduled runs due in (from, to] whose local day ended at or before `to`: days missed entirely
 * (today's run, if missed, is the catch-up of `latestDueToday`). Oldest first.
 */
export function missedDays(
  s: BackupSettings,
  zone: string,
  from: Date,
  to: Date,
): { day: string; dueAt: Date }[] {
  const missed: { day: string; dueAt: Date }[] = [];
  let next = nextRunAt(s, zone, from);
  while (next !== null && next.getTime() <= to.getTime()) {
    const local = inZone(next, zone);
    const dayEnd = local.startOf('day').plus({ days: 1 });
    if (dayEnd.toMillis() > to.getTime()) break;
    missed.push({ day: local.toISODate() as string, dueAt: next });
    next = nextRunAt(s, zone, next);
  }
  return missed;
}

function insideWindow(minute: number, window: PeakWindow): boolean {
  const from = minutesOf(window.from);
  const to = minutesOf(window.to);
  if (from === to) return false;
  return from < to ? minute >= from && minute < to : minute >= from || minute < to;
}

/** A warning when the time falls inside a peak-hours window (`from` inclusive, `to` exclusive). */
export function peakHoursWarning(time: string, peak: PeakWindow[]): string | null {
  const minute = minutesOf(time);
  const hit = peak.find((w) => insideWindow(minute, w));
  if (!hit) return null;
  const offPeak = peak.map((w) => w.to).find((t) => !peak.some((w) => insideWindow(minutesOf(t), w)));
  return (
    `${time} is inside this instance's peak hours ${hit.from}-${hit.to}: a backup reads and copies ` +
    `data files and slows the instance, so an off-peak time is recommended` +
    (offPeak ? ` (e.g. ${offPeak})` : '')
  );
}

/**
 * How long an enabled instance may go without a good backup before the watchdog alerts: a day
 * more than the longest gap between its weekdays (one weekday: 8 days; mon,thu: 5; daily: 2).
 * With no weekdays, the weekly bound (8 days).
 */
export function watchdogAllowanceMs(s: BackupSettings): number {
  const indexes = [...new Set(s.weekdays.map((d) => WEEKDAYS.indexOf(d)))].sort((a, b) => a - b);
  if (indexes.length === 0) return 8 * DAY_MS;
  let longest = 0;
  indexes.forEach((day, i) => {
    const next = i + 1 < indexes.length ? (indexes[i + 1] as number) : (indexes[0] as number) + 7;
    longest = Math.max(longest, next - day);
  });
  return (longest + 1) * DAY_MS;
}
