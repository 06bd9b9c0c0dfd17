// What the channel sees of a backup set: one progress message edited in place, ending as the
// completion summary; failures are also announced on their own.

import type { Reply } from '../../reply';
import type { InstanceConfig } from '../../config/types';
import { formatBytes, formatDuration, formatLocal } from '../../domain/format';
import { joinAnd, plural } from '../../domain/text';
import type { BackupSet, DatabaseBackup } from '../../domain/types';

const STANDING_NOTE =
  'Not in any backup: users, roles and privileges, resource groups, and colocate-join relations between tables.';

function dbLine(db: DatabaseBackup): string {
  if (db.state === 'FINISHED') return `- ${db.database}: finished (${plural(db.tables.length, 'table')}${db.sizeBytes !== null ? `, ${formatBytes(db.sizeBytes)}` : ''})`;
  if (db.state === 'FAILED') return `- ${db.database}: FAILED: ${db.error ?? 'unknown error'}`;
  if (db.state === 'PENDING') return `- ${db.database}: ${databaseStatus(db)}`;
  const progress = db.progress && db.progress.total > 0 ? ` ${db.progress.done}/${db.progress.total}` : '';
  return `- ${db.database}: ${databaseStatus(db)}${progress}`;
}

export function leftOutLines(set: BackupSet): string[] {
  const lines: string[] = [];
  const { views, materializedViews, colocateGroups, unsupportedTables } = set.leftOut;
  if (views.length) lines.push(`Views (not backed up): ${joinAnd(views.map((v) => `${v.database}.${v.name}`))}`);
  for (const mv of materializedViews) lines.push(`Materialized view ${mv.database}.${mv.name}: ${mv.reason}`);
  for (const g of colocateGroups) lines.push(`Colocate group ${g.group} (${joinAnd(g.tables.map((t) => `${g.database}.${t}`))}): tables are backed up, the colocate relation is not`);
  for (const t of unsupportedTables) lines.push(`${t.database}.${t.table}: ${t.reason}`);
  return lines;
}

function earliestSnapshot(set: BackupSet): Date | null {
  const times = set.databases.filter((d) => d.snapshotAt).map((d) => new Date(d.snapshotAt as string).getTime());
  return times.length ? new Date(Math.min(...times)) : null;
}

export function progressReply(set: BackupSet, instance: InstanceConfig | null, now: Date): Reply {
  const zone = instance?.timezone ?? 'UTC';
  const done = set.databases.filter((d) => d.state === 'FINISHED' || d.state === 'FAILED').length;
  const lines = set.databases.length ? set.databases.map(dbLine) : ['- preparing: preflight checks and inventory'];
  return {
    visibility: 'channel',
    tone: 'info',
    title: `Backup ${set.id} running`,
    text: `Backup *${set.id}* of *${set.instanceId}* (${set.trigger}${set.late ? ', ran late' : ''}) started ${formatLocal(new Date(set.startedAt), zone)}, running for ${formatDuration(now.getTime() - new Date(set.startedAt).getTime())}. Databases done: ${done}/${set.databases.length || '?'}.\n${lines.join('\n')}`,
    notes: set.warnings,
  };
}

export function completionReply(set: BackupSet, instance: InstanceConfig | null): Reply {
  const zone = instance?.timezone ?? 'UTC';
  const finished = set.finishedAt ? new Date(set.finishedAt) : new Date(set.startedAt);
  const duration = formatDuration(finished.getTime() - new Date(set.startedAt).getTime());
  const ok = set.databases.filter((d) => d.state === 'FINISHED');
  const failed = set.databases.filter((d) => d.state === 'FAILED');
  if (set.state === 'FAILED') {
    const why = set.error ?? (failed.length ? failed.map((d) => `${d.database}: ${d.error ?? 'failed'}`).join('; ') : 'unknown error');
    return {
      visibility: 'channel',
      tone: 'error',
      title: `Backup ${set.id} FAILED`,
      text: `Backup *${set.id}* of *${set.instanceId}* failed after ${duration}.\n${failed.length ? failed.map(dbLine).join('\n') : why}`,
      notes: [...failureNotes(set), ...set.warnings],
    };
  }
  const tables = ok.reduce((n, d) => n + d.tables.length, 0);
  const snapshotLines = ok.map((d) => `- ${d.database}: ${plural(d.tables.length, 'table')}, ${d.sizeBytes !== null ? formatBytes(d.sizeBytes) : 'size unknown'}, snapshot at ${d.snapshotAt ? formatLocal(new Date(d.snapshotAt), zone) : 'unknown'}`);
  const earliest = earliestSnapshot(set);
  const partial = set.state === 'PARTIAL';
  const notes = [
    earliest
      ? `A backup is a snapshot: data loaded after ${formatLocal(earliest, zone)} (the earliest database snapshot) is not in it.`
      : 'A backup is a snapshot: data loaded after the snapshot time is not in it.',
    STANDING_NOTE,
    ...set.warnings,
  ];
  const leftOut = leftOutLines(set);
  return {
    visibility: 'channel',
    tone: partial ? 'warning' : 'success',
    title: `Backup ${set.id} ${partial ? 'PARTIAL' : 'finished'}`,
    text:
      `Backup *${set.id}* of *${set.instanceId}* ${partial ? 'finished PARTIALLY' : 'finished'} in ${duration}: ${ok.length} database${ok.length === 1 ? '' : 's'}, ${tables} tables, ${formatBytes(set.sizeBytes ?? 0)} (${set.objectCount ?? 0} objects).\n` +
      snapshotLines.join('\n') +
      (failed.length ? `\nFailed (not restorable; their objects were removed):\n${failed.map(dbLine).join('\n')}` : '') +
      (leftOut.length ? `\nLeft out:\n${leftOut.map((l) => `- ${l}`).join('\n')}` : ''),
    fields: [
      { label: 'Expires', value: set.expiresAt ? `${formatLocal(new Date(set.expiresAt), zone)} (kept ${set.retentionDays} days)` : '—' },
      { label: 'Size', value: formatBytes(set.sizeBytes ?? 0) },
    ],
    notes,
  };
}

/**
 * What to do about a FAILED set. A refusal (shared-data cluster, bucket in another region,
 * nothing StarRocks can back up) fails the same way every time: nobody is told to try again; a
 * schedule that keeps hitting it is pointed at being turned off.
 */
export function failureNotes(set: BackupSet): string[] {
  if (set.refused) {
    return set.trigger === 'scheduled'
      ? [`Trying again cannot help until what is named above changes. The schedule of ${set.instanceId} will fail the same way: turn it off with /backup settings ${set.instanceId} off, or fix the cause.`]
      : ['Trying again cannot help until what is named above changes.'];
  }
  return [
    set.trigger === 'scheduled'
      ? `A failed scheduled backup does not use up its day: /backup run ${set.instanceId} tries again now.`
      : `Try again with /backup run ${set.instanceId}.`,
  ];
}

/** A separate alert for a failed or partial set, so it is not lost in an edited message. */
export function failureAlert(set: BackupSet): Reply {
  const failed = set.databases.filter((d) => d.state === 'FAILED');
  const detail = failed.length ? failed.map((d) => `${d.database}: ${d.error ?? 'failed'}`).join('\n') : (set.error ?? 'unknown error');
  return {
    visibility: 'channel',
    tone: 'error',
    title: `Backup ${set.state === 'PARTIAL' ? 'partially failed' : 'failed'}: ${set.instanceId}`,
    text: `⚠ Backup *${set.id}* of *${set.instanceId}* ${set.state === 'PARTIAL' ? 'is PARTIAL: some databases failed' : 'FAILED'}.\n${detail}`,
  };
}

/** One database's state in words: StarRocks' job state, or how the bot knows what it knows. */
export function databaseStatus(d: DatabaseBackup): string {
  if (d.state === 'PENDING') return d.waitingFor ? `waiting (${d.waitingFor})` : 'waiting';
  if (d.state === 'FAILED') return 'FAILED';
  if (d.state === 'FINISHED') return d.tracking === 'resolved_from_oss' ? 'FINISHED (from OSS)' : 'FINISHED';
  if (d.tracking === 'not_visible') return 'not visible yet';
  return d.jobState ?? 'submitted';
}
