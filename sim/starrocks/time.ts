// Times as the FE prints them: in the FE JVM's zone (reference §2.5, §3.3).

import { DateTime } from 'luxon';

/** `yyyy-MM-dd HH:mm:ss` in the FE zone (SHOW BACKUP/RESTORE/REPOSITORIES columns). */
export function feTime(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('yyyy-MM-dd HH:mm:ss');
}

/** `yyyy-MM-dd-HH-mm-ss-SSS` in the FE zone: the backup timestamp (§3.3). */
export function backupTimestamp(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('yyyy-MM-dd-HH-mm-ss-SSS');
}

export function feTimeOrNull(at: Date | null, zone: string): string | null {
  return at ? feTime(at, zone) : null;
}
