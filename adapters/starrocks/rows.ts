// Typed readings of StarRocks result rows, by COLUMN NAME (layouts differ across versions).
// Times in SHOW BACKUP/RESTORE are `yyyy-MM-dd HH:mm:ss` in the FE's zone (reference §2.5).

import { DateTime } from 'luxon';
import { z } from 'zod';
import { OutsideError } from '../../src/domain/errors';
import type { BackupJob, BackupJobState, RestoreJob, RestoreJobState } from '../../src/ports';
import type { Row } from './frontends';

const cell = z.union([z.string(), z.number(), z.bigint()]).transform(String);
const optionalCell = z.union([cell, z.null(), z.undefined()]).transform((v) => (v === undefined ? null : v));

/** A cell quoted for an error message, cut short: an FE's answer may be of any size. */
export function shownCell(value: string, max = 80): string {
  return value.length > max ? `${JSON.stringify(value.slice(0, max))}… (${value.length} characters)` : JSON.stringify(value);
}

export function text(row: Row, column: string): string | null {
  const parsed = optionalCell.safeParse(row[column]);
  return parsed.success ? parsed.data : null;
}

export function requireText(row: Row, column: string, what: string): string {
  const v = text(row, column);
  if (v === null) throw new OutsideError('starrocks', 'protocol', `${what}: column ${column} missing in StarRocks' answer`);
  return v;
}

/** A zone luxon understands: IANA names as is, `+08:00` as `UTC+08:00`; `CST` (Chinese FEs) as Asia/Shanghai. */
export function normalizeZone(zone: string): string {
  const z0 = zone.trim();
  if (/^[+-]\d{1,2}:\d{2}$/.test(z0)) return `UTC${z0}`;
  if (z0 === 'CST') return 'Asia/Shanghai';
  return z0;
}

export function parseFeTime(value: string | null, zone: string): Date | null {
  if (value === null || value === '' || value === 'NULL' || value === 'N/A') return null;
  const dt = DateTime.fromFormat(value, 'yyyy-MM-dd HH:mm:ss', { zone: normalizeZone(zone) });
  if (!dt.isValid) throw new OutsideError('starrocks', 'protocol', `cannot read time ${shownCell(value)} in zone ${shownCell(zone)}`);
  return dt.toJSDate();
}

/** `[123: 4/10], [124: 0/5]` → done 4, total 15; empty → null. */
export function parseProgress(value: string | null): { done: number; total: number } | null {
  if (!value) return null;
  let done = 0;
  let total = 0;
  let any = false;
  for (const m of value.matchAll(/\[[^:\]]*:\s*(\d+)\/(\d+)\]/g)) {
    done += Number(m[1]);
    total += Number(m[2]);
    any = true;
  }
  return any ? { done, total } : null;
}

const BACKUP_STATES: BackupJobState[] = ['PENDING', 'SNAPSHOTING', 'UPLOAD_SNAPSHOT', 'UPLOADING', 'SAVE_META', 'UPLOAD_INFO', 'FINISHED', 'CANCELLED'];
const RESTORE_STATES: RestoreJobState[] = ['PENDING', 'SNAPSHOTING', 'DOWNLOAD', 'DOWNLOADING', 'COMMIT', 'COMMITTING', 'FINISHED', 'CANCELLED'];

function state<T extends string>(value: string, allowed: T[], what: string): T {
  const found = allowed.find((s) => s === value);
  if (!found) throw new OutsideError('starrocks', 'protocol', `${what}: unknown job state ${shownCell(value)}`);
  return found;
}

function requireTime(row: Row, column: string, zone: string, what: string): Date {
  const t = parseFeTime(requireText(row, column, what), zone);
  if (!t) throw new OutsideError('starrocks', 'protocol', `${what}: ${column} is empty`);
  return t;
}

function timeout(row: Row, what: string): number {
  const n = Number(requireText(row, 'Timeout', what));
  return Number.isFinite(n) ? n : 0;
}

/** One row of SHOW BACKUP (14 columns, §2.5). */
export function parseBackupRow(row: Row, zone: string): BackupJob {
  const what = 'SHOW BACKUP';
  return {
    jobId: requireText(row, 'JobId', what),
    snapshotName: requireText(row, 'SnapshotName', what),
    database: requireText(row, 'DbName', what),
    state: state(requireText(row, 'State', what), BACKUP_STATES, what),
    createdAt: requireTime(row, 'CreateTime', zone, what),
    snapshotFinishedAt: parseFeTime(text(row, 'SnapshotFinishedTime'), zone),
    uploadFinishedAt: parseFeTime(text(row, 'UploadFinishedTime'), zone),
    finishedAt: parseFeTime(text(row, 'FinishedTime'), zone),
    progress: parseProgress(text(row, 'Progress')),
    taskErrors: text(row, 'TaskErrMsg') ?? '',
    status: text(row, 'Status') ?? '',
    timeoutSeconds: timeout(row, what),
  };
}

/** One row of SHOW RESTORE (18 columns, §4.6). */
export function parseRestoreRow(row: Row, zone: string): RestoreJob {
  const what = 'SHOW RESTORE';
  return {
    jobId: requireText(row, 'JobId', what),
    snapshotName: requireText(row, 'Label', what),
    backupTimestamp: requireText(row, 'Timestamp', what),
    database: requireText(row, 'DbName', what),
    state: state(requireText(row, 'State', what), RESTORE_STATES, what),
    createdAt: requireTime(row, 'CreateTime', zone, what),
    finishedAt: parseFeTime(text(row, 'FinishedTime'), zone),
    progress: parseProgress(text(row, 'Progress')),
    taskErrors: text(row, 'TaskErrMsg') ?? '',
    status: text(row, 'Status') ?? '',
    timeoutSeconds: timeout(row, what),
  };
}
