// How the next scheduled run and the last scheduled result read, in `/backup instances` and the
// settings form alike.

import { formatLocal, formatRelative } from '../src/domain/format';
import type { BackupSet } from '../src/domain/types';

const MAX_ERROR = 120;

export function nextRunText(next: Date | null, zone: string, now: Date): string {
  return next ? `${formatLocal(next, zone)} (${formatRelative(next, now)})` : 'none (backups are off)';
}

export function lastScheduledText(set: BackupSet | null, zone: string): string {
  if (!set) return 'none yet';
  const day = set.scheduledDay ? ` for ${set.scheduledDay}` : '';
  const at = formatLocal(new Date(set.finishedAt ?? set.startedAt), zone);
  const error = set.state === 'FAILED' && set.error ? `: ${set.error.length > MAX_ERROR ? `${set.error.slice(0, MAX_ERROR)}…` : set.error}` : '';
  return `${set.id}${day}: ${set.state}${set.late ? ' (ran late)' : ''}, ${at}${error}`;
}
