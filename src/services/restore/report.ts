// What the channel of the target sees of a running restore: one progress message edited in
// place, ending as the completion checklist (what a restore does not carry, named for this
// backup) or as the failure, which names the database and StarRocks' error text.

import { formatDuration, formatLocal } from '../../domain/format';
import { joinAnd, plural } from '../../domain/text';
import type { BackupSet, DatabaseRestore, RestoreRequest } from '../../domain/types';
import type { Button, Reply } from '../../reply';

export function restoreJobStatus(j: DatabaseRestore): string {
  if (j.state === 'PENDING') return j.waitingFor ? `waiting (${j.waitingFor})` : 'waiting';
  if (j.state === 'FINISHED') return 'FINISHED';
  if (j.state === 'FAILED') return `FAILED: ${j.error ?? 'unknown error'}`;
  if (j.tracking === 'not_visible') return 'not visible yet';
  const progress = j.progress && j.progress.total > 0 ? ` ${j.progress.done}/${j.progress.total}` : '';
  return `${j.jobState ?? 'submitted'}${progress}`;
}

const jobLine = (j: DatabaseRestore): string => `- ${j.database}: ${restoreJobStatus(j)}`;

export function progressReply(req: RestoreRequest, zone: string, now: Date): Reply {
  const done = req.jobs.filter((j) => j.state === 'FINISHED' || j.state === 'FAILED').length;
  const started = req.startedAt ? new Date(req.startedAt) : now;
  const lines = req.jobs.length ? req.jobs.map(jobLine) : ['- preparing: checks and the read-only repository'];
  return {
    visibility: 'channel',
    tone: 'info',
    title: `Restore ${req.id} running`,
    text:
      `Restore *${req.id}* of ${req.backupSetId} into *${req.targetInstanceId}* started ${formatLocal(started, zone)}, running for ${formatDuration(now.getTime() - started.getTime())}. ` +
      `Databases done: ${done}/${req.jobs.length || req.databases.length}.\n${lines.join('\n')}`,
    notes: ['A started restore cannot be cancelled: cancelling during commit can leave a table half-written.', ...req.warnings],
  };
}

/** What a restore does not carry, named for this backup and the databases restored. */
export function checklistLines(req: RestoreRequest, set: BackupSet): string[] {
  const restored = new Set(req.jobs.filter((j) => j.state === 'FINISHED').map((j) => j.database));
  const mine = <T extends { database: string }>(items: T[]) => items.filter((i) => restored.has(i.database));
  const { views, materializedViews, colocateGroups, unsupportedTables } = set.leftOut;
  const lines = [
    `Users, roles and privileges: grant them again on ${req.targetInstanceId} (SHOW GRANTS on ${set.instanceId} lists them).`,
    `Resource groups: create them again on ${req.targetInstanceId} (SHOW RESOURCE GROUPS ALL on ${set.instanceId}).`,
  ];
  const v = mine(views);
  if (v.length) lines.push(`Views, not in the backup: ${joinAnd(v.map((x) => `${x.database}.${x.name}`))}; create them again from their definitions on ${set.instanceId}.`);
  for (const g of mine(colocateGroups)) {
    lines.push(`Colocate group ${g.group} (${joinAnd(g.tables.map((t) => `${g.database}.${t}`))}): the relation is not restored; set it again with ALTER TABLE ... SET ("colocate_with" = "${g.group}").`);
  }
  for (const mv of mine(materializedViews)) lines.push(`Materialized view ${mv.database}.${mv.name}: ${mv.reason}.`);
  for (const t of mine(unsupportedTables)) lines.push(`${t.database}.${t.table}: ${t.reason}.`);
  lines.push('FE and BE configuration, passwords and similar settings: set them again by hand.');
  return lines;
}

function snapshotLines(req: RestoreRequest, set: BackupSet, zone: string): { lines: string[]; earliest: Date | null } {
  const lines: string[] = [];
  let earliest: Date | null = null;
  for (const j of req.jobs.filter((x) => x.state === 'FINISHED')) {
    const db = set.databases.find((d) => d.database === j.database);
    const at = db?.snapshotAt ? new Date(db.snapshotAt) : null;
    if (at && (earliest === null || at < earliest)) earliest = at;
    lines.push(`- ${j.database}: ${plural(j.tables.length, 'table')}, snapshot taken ${at ? formatLocal(at, zone) : 'at an unknown time'}`);
  }
  return { lines, earliest };
}

export function completionReply(req: RestoreRequest, set: BackupSet, zone: string, verify: Button | null): Reply {
  const started = req.startedAt ? Date.parse(req.startedAt) : Date.parse(req.requestedAt);
  const duration = formatDuration((req.finishedAt ? Date.parse(req.finishedAt) : started) - started);
  const failed = req.jobs.filter((j) => j.state === 'FAILED');
  const { lines, earliest } = snapshotLines(req, set, zone);
  const checklist = checklistLines(req, set).map((l) => `- ${l}`);
  const reload = earliest
    ? `Data loaded into ${set.instanceId} after the snapshot (the earliest: ${formatLocal(earliest, zone)}) is not on ${req.targetInstanceId}: load it again. Load into both ${set.instanceId} and ${req.targetInstanceId} until ${req.targetInstanceId} is verified, then switch over.`
    : null;
  if (req.state === 'FINISHED') {
    return {
      visibility: 'channel',
      tone: 'success',
      title: `Restore ${req.id} finished`,
      text:
        `Restore *${req.id}* of *${set.id}* (${set.instanceId}) into *${req.targetInstanceId}* finished in ${duration}: ${plural(lines.length, 'database')}.\n${lines.join('\n')}\n` +
        `*Not carried by a restore, to redo on ${req.targetInstanceId}:*\n${checklist.join('\n')}` +
        (reload ? `\n${reload}` : ''),
      buttons: verify ? [verify] : [],
      notes: [`Check the restored tables against the snapshot: /backup verify ${req.id} (add --full to count every row).`, ...req.warnings],
    };
  }
  const failures = failed.length ? failed.map((j) => `- ${j.database}: ${j.error ?? 'failed'}`).join('\n') : `- ${req.error ?? 'unknown error'}`;
  const kept = lines.length ? `\nRestored before the failure (kept):\n${lines.join('\n')}\n*Not carried by a restore, to redo on ${req.targetInstanceId}:*\n${checklist.join('\n')}${reload ? `\n${reload}` : ''}` : '';
  const dropped = req.droppedDatabases.length ? [`Dropped again on ${req.targetInstanceId} (nothing was committed there): ${joinAnd(req.droppedDatabases)}.`] : [];
  const halfWritten = failed.filter((j) => j.committed).map((j) => j.database);
  return {
    visibility: 'channel',
    tone: 'error',
    title: `Restore ${req.id} FAILED`,
    text: `Restore *${req.id}* of *${set.id}* into *${req.targetInstanceId}* FAILED after ${duration}.\n${failures}${kept}`,
    buttons: verify && lines.length ? [verify] : [],
    notes: [
      ...dropped,
      ...(halfWritten.length ? [`${joinAnd(halfWritten)} failed during commit and may be half-written on ${req.targetInstanceId}: drop ${halfWritten.length === 1 ? 'it' : 'them'} and restore again.`] : []),
      // A request the checks after approval refused fails the same way until what they name changes.
      refusedByChecks(req) ? 'Nothing was restored. Fix what the checks name before asking again.' : `To try again: /backup restore ${set.id} to ${req.targetInstanceId}`,
      ...req.warnings,
    ],
  };
}

/** Failed before any job was sent: the checks after approval refused it. */
function refusedByChecks(req: RestoreRequest): boolean {
  return req.jobs.every((j) => j.submittedAt === null) && (req.error ?? '').startsWith('the checks after approval refused it');
}

/** A separate alert for a failed restore, so it is not lost in an edited message. */
export function failureAlert(req: RestoreRequest): Reply {
  const failed = req.jobs.filter((j) => j.state === 'FAILED');
  const detail = failed.length ? failed.map((j) => `${j.database}: ${j.error ?? 'failed'}`).join('\n') : (req.error ?? 'unknown error');
  return { visibility: 'channel', tone: 'error', title: `Restore failed: ${req.targetInstanceId}`, text: `⚠ Restore *${req.id}* of ${req.backupSetId} into *${req.targetInstanceId}* FAILED.\n${detail}` };
}

export function taskDetail(req: RestoreRequest): string {
  if (req.state === 'FAILED') return req.error ?? req.jobs.filter((j) => j.state === 'FAILED').map((j) => `${j.database}: ${j.error ?? 'failed'}`).join('; ');
  if (req.state === 'FINISHED') return `FINISHED, ${req.jobs.length}/${req.jobs.length} databases from ${req.backupSetId}`;
  return req.jobs.length ? req.jobs.map((j) => `${j.database}: ${restoreJobStatus(j)}`).join(', ') : `preparing the restore of ${req.backupSetId}`;
}
