// StarRocks jobs as the bot follows them: one BACKUP or RESTORE job per (database, snapshot
// name). The job's own state is StarRocks' word for it; how the bot knows it is kept apart.

export const BACKUP_JOB_STATES = ['PENDING', 'SNAPSHOTING', 'UPLOAD_SNAPSHOT', 'UPLOADING', 'SAVE_META', 'UPLOAD_INFO', 'FINISHED', 'CANCELLED'] as const;
export type BackupJobState = (typeof BACKUP_JOB_STATES)[number];

export const RESTORE_JOB_STATES = ['PENDING', 'SNAPSHOTING', 'DOWNLOAD', 'DOWNLOADING', 'COMMIT', 'COMMITTING', 'FINISHED', 'CANCELLED'] as const;
export type RestoreJobState = (typeof RESTORE_JOB_STATES)[number];

export type JobKind = 'backup' | 'restore';

/** The bot's side of one database's job. */
export type DatabaseJobState = 'PENDING' | 'SUBMITTED' | 'FINISHED' | 'FAILED';

/**
 * How the bot knows what it knows about a job:
 * - `not_submitted`: nothing was sent yet (or a refusal was answered);
 * - `submitted`: sent, not seen yet;
 * - `visible`: seen in SHOW BACKUP / SHOW RESTORE;
 * - `not_visible`: sent, but the database's job slot shows another job or none;
 * - `resolved_from_oss`: not visible, and OSS proved the snapshot finished (`__info_` written).
 */
export type JobTracking = 'not_submitted' | 'submitted' | 'visible' | 'not_visible' | 'resolved_from_oss';

/** What one look at a job found. Times are the job's own, never the moment the bot looked. */
export type JobObservation<S extends string> =
  | { kind: 'running'; state: S; progress: { done: number; total: number } | null; createdAt: Date }
  | { kind: 'finished'; source: 'job' | 'oss'; createdAt: Date | null; finishedAt: Date | null }
  | { kind: 'cancelled'; finishedAt: Date | null; error: string }
  | { kind: 'not_visible' };

/** The text StarRocks puts in `Status` (`[COMMON_ERROR, msg: ...]`) and `TaskErrMsg`, made readable. */
export function jobErrorText(status: string, taskErrors: string): string {
  const msg = /msg:\s*(.*)\]$/.exec(status)?.[1]?.trim();
  const main = msg && msg.length ? msg : status;
  // A task error that only repeats the status (`[<task>: <same text>]`) adds nothing.
  const tasks = taskErrors.replace(/^\[\d+: (.*)\]$/, '$1') === main ? '' : taskErrors;
  return [main, tasks].filter((p) => p && p.length > 0).join('; ');
}
