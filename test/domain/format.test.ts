import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatLocal, formatRelative } from '../../src/domain/format';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [1024, '1 KiB'],
    [1536, '1.5 KiB'],
    [1.5 * 1024 ** 3, '1.5 GiB'],
    [123.4 * 1024 ** 2, '123 MiB'],
    [1023.97 * 1024 ** 2, '1 GiB'],
    [3 * 1024 ** 4, '3 TiB'],
    [-1, 'unknown'],
    [Number.NaN, 'unknown'],
  ])('%d bytes is %s', (n, text) => {
    expect(formatBytes(n)).toBe(text);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [999, '0s'],
    [45_000, '45s'],
    [192_000, '3m 12s'],
    [180_000, '3m'],
    [3_600_000 + 5 * 60_000 + 7_000, '1h 5m'],
    [3 * 86_400_000 + 4 * 3_600_000, '3d 4h'],
    [86_400_000 + 30_000, '1d'],
    [-5, '0s'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatLocal', () => {
  const at = new Date('2026-11-23T18:30:00Z');
  it('shows local time with the zone abbreviation', () => {
    expect(formatLocal(at, 'America/New_York')).toBe('2026-11-23 13:30 EST');
    expect(formatLocal(at, 'UTC')).toBe('2026-11-23 18:30 UTC');
  });

  it('shows the offset where the zone has no abbreviation', () => {
    expect(formatLocal(at, 'Asia/Shanghai')).toBe('2026-11-24 02:30 UTC+8');
    expect(formatLocal(at, 'Asia/Kolkata')).toBe('2026-11-24 00:00 UTC+5:30');
  });

  it('falls back to UTC for an unknown zone', () => {
    expect(formatLocal(at, 'Nowhere/Land')).toBe('2026-11-23 18:30 UTC');
  });
});

describe('formatRelative', () => {
  const now = new Date('2026-11-24T00:00:00Z');
  const later = (ms: number) => new Date(now.getTime() + ms);
  it.each([
    [3 * 86_400_000, 'in 3 days'],
    [-2 * 3_600_000, '2 hours ago'],
    [3_600_000, 'in 1 hour'],
    [-90_000, '2 minutes ago'],
    [50_000, 'in 1 minute'],
    [10_000, 'just now'],
    [-30 * 86_400_000, '30 days ago'],
  ])('%d ms from now is %s', (ms, text) => {
    expect(formatRelative(later(ms), now)).toBe(text);
  });
});
