// How numbers and times are shown to people.

import { DateTime } from 'luxon';
import { plural } from './text';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** `512 B`, `1.5 GiB`, `12 TiB` (binary units, one decimal when it matters). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return 'unknown';
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  let text = value >= 100 ? String(Math.round(value)) : value.toFixed(1).replace(/\.0$/, '');
  if (text === '1024' && unit < UNITS.length - 1) {
    text = '1';
    unit++;
  }
  return `${text} ${UNITS[unit]}`;
}

/** `45s`, `3m 12s`, `2h 5m`, `3d 4h`: the two largest units, rounded down. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'unknown';
  const total = Math.max(0, Math.floor(ms / 1000));
  const parts: [number, string][] = [
    [Math.floor(total / 86400), 'd'],
    [Math.floor((total % 86400) / 3600), 'h'],
    [Math.floor((total % 3600) / 60), 'm'],
    [total % 60, 's'],
  ];
  const first = parts.findIndex(([v]) => v > 0);
  if (first === -1) return '0s';
  return parts
    .slice(first, first + 2)
    .filter(([v], i) => i === 0 || v > 0)
    .map(([v, u]) => `${v}${u}`)
    .join(' ');
}

/**
 * The zone's short name at an instant (`EST`, `GMT+8`), as luxon's `ZZZZ` token gives it: luxon
 * builds a new Intl.DateTimeFormat for every call (about a millisecond); this keeps one per zone.
 */
const shortNameFormats = new Map<string, Intl.DateTimeFormat>();
function zoneShortName(local: DateTime): string {
  if (local.zone.type !== 'iana') return local.toFormat('ZZZZ');
  const key = `${local.locale ?? ''}\u0000${local.zone.name}`;
  let format = shortNameFormats.get(key);
  if (!format) {
    // The options luxon uses for the same answer (parseZoneInfo).
    format = new Intl.DateTimeFormat(local.locale ?? undefined, { timeZoneName: 'short', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', timeZone: local.zone.name });
    shortNameFormats.set(key, format);
  }
  return format.formatToParts(new Date(local.toMillis())).find((p) => p.type.toLowerCase() === 'timezonename')?.value ?? '';
}

/** `2026-11-24 02:30 EST`, or with the offset where the zone has no letters: `2026-11-24 02:30 UTC+8`. */
export function formatLocal(at: Date, zone: string): string {
  const local = DateTime.fromJSDate(at, { zone });
  if (!local.isValid) return `${DateTime.fromJSDate(at, { zone: 'utc' }).toFormat('yyyy-LL-dd HH:mm')} UTC`;
  const abbreviation = zoneShortName(local);
  const label = /^[A-Z]{2,5}$/.test(abbreviation) ? abbreviation : `UTC${local.offset === 0 ? '' : local.toFormat('Z')}`;
  return `${local.toFormat('yyyy-LL-dd HH:mm')} ${label}`;
}

/** `2026-11-24 02:30:05`, in the zone (for timelines, whose heading names the zone). */
export function formatLocalSeconds(at: Date, zone: string): string {
  const local = DateTime.fromJSDate(at, { zone });
  return (local.isValid ? local : DateTime.fromJSDate(at, { zone: 'utc' })).toFormat('yyyy-LL-dd HH:mm:ss');
}

/** `in 3 days`, `2 hours ago`, `just now`. */
export function formatRelative(target: Date, now: Date): string {
  const diff = target.getTime() - now.getTime();
  const abs = Math.abs(diff);
  const minutes = Math.round(abs / 60_000);
  const hours = Math.round(abs / 3_600_000);
  const days = Math.round(abs / 86_400_000);
  let amount: string;
  if (abs < 45_000) return 'just now';
  if (minutes < 60) amount = plural(Math.max(1, minutes), 'minute');
  else if (hours < 48) amount = plural(hours, 'hour');
  else amount = plural(days, 'day');
  return diff > 0 ? `in ${amount}` : `${amount} ago`;
}
