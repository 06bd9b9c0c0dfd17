// `/backup describe bk-...`: everything about one backup set, like `velero backup describe`: its
// databases and tables, snapshot names and `backup_timestamp`s, where it is on OSS, size and
// object count, what was left out and why, each database's state and StarRocks' error text, and
// the set's timeline.

import { z } from 'zod';
import { checkKnown, defineCommand, parseArgs } from '../command';
import { backupSetArg } from '../args';
import { formatBytes, formatDuration, formatLocal, formatLocalSeconds } from '../../src/domain/format';
import { plural } from '../../src/domain/text';
import type { BackupSet, DatabaseBackup } from '../../src/domain/types';
import { databaseStatus, failureNotes, leftOutLines } from '../../src/services/backup/report';
import type { BackupDescription } from '../../src/services/catalog';
import { reply } from '../../src/reply';
import type { Field, ReplyItem, Tone } from '../../src/reply';

/** Built once: a zod schema costs more to build than to run. */
const argsSchema = z.object({ set: backupSetArg, extra: z.undefined({ error: 'too many words' }) });

const usage = '/backup describe <bk-...>';

const STANDING_NOTE = 'Never in a backup: users, roles and privileges, resource groups, and colocate-join relations between tables.';

function tone(set: BackupSet): Tone {
  if (set.state === 'FAILED') return 'error';
  if (set.state === 'PARTIAL' || set.state === 'MISSING') return 'warning';
  return 'info';
}

function started(d: BackupDescription, requester: string | null): string {
  const { set, zone } = d;
  const at = formatLocal(new Date(set.startedAt), zone);
  if (set.trigger === 'scheduled') return `${at}, by the schedule for ${set.scheduledDay ?? 'its day'}${set.late ? ' (late)' : ''}`;
  if (set.trigger === 'adopted') return `${at} (adopted from OSS${requester ? ` by ${requester}` : ''})`;
  return `${at}, by ${requester ?? 'someone'} (/backup run)`;
}

function summary(d: BackupDescription): string {
  const { set } = d;
  const ok = set.databases.filter((db) => db.state === 'FINISHED');
  const tables = ok.reduce((n, db) => n + db.tables.length, 0);
  const what = set.databases.length
    ? `${ok.length} of ${plural(set.databases.length, 'database')} backed up, ${plural(tables, 'table')}`
    : 'nothing planned yet';
  const size = set.sizeBytes !== null ? `, ${formatBytes(set.sizeBytes)} in ${plural(set.objectCount ?? 0, 'object')}` : '';
  return `*${set.id}* of *${set.instanceId}*: ${d.state}. ${what}${size}.`;
}

function setFields(d: BackupDescription, requester: string | null, now: Date): Field[] {
  const { set, zone } = d;
  const fields: Field[] = [
    { label: 'Instance', value: d.instanceName ? `${set.instanceId} (${d.instanceName})` : `${set.instanceId} (no longer configured)` },
    { label: 'Started', value: started(d, requester) },
  ];
  const end = set.finishedAt ? new Date(set.finishedAt) : null;
  fields.push({
    label: 'Finished',
    value: end ? `${formatLocal(end, zone)} (took ${formatDuration(end.getTime() - Date.parse(set.startedAt))})` : `still running (for ${formatDuration(now.getTime() - Date.parse(set.startedAt))})`,
  });
  fields.push({
    label: 'Expires',
    value: d.state === 'ORPHANED' ? 'never by itself (instance gone from the configuration)' : set.expiresAt ? `${formatLocal(new Date(set.expiresAt), zone)} (kept ${set.retentionDays} days)` : `— (kept ${set.retentionDays} days once finished)`,
  });
  if (set.deletedAt) fields.push({ label: set.state === 'EXPIRED' ? 'Expired' : 'Deleted', value: `${formatLocal(new Date(set.deletedAt), zone)}${set.deletedBy ? ` by ${set.deletedBy}` : ''}` });
  fields.push({ label: 'Size', value: set.sizeBytes !== null ? `${formatBytes(set.sizeBytes)} in ${plural(set.objectCount ?? 0, 'object')}` : '—' });
  fields.push({
    label: 'OSS location',
    value: d.location ? `oss://${d.location.bucket}/${d.location.repositoryRoot}/ (region ${set.region})` : `region ${set.region} (no longer configured)`,
  });
  fields.push({ label: 'Repository', value: `${set.repository} (StarRocks repository)` });
  if (set.sourceVersion) fields.push({ label: 'StarRocks', value: set.sourceVersion });
  return fields;
}

function databaseItem(db: DatabaseBackup, d: BackupDescription): ReplyItem {
  const fields: Field[] = [
    { label: 'Snapshot', value: `\`${db.snapshotName}\`${db.attempt > 1 ? ` (attempt ${db.attempt})` : ''}` },
    { label: 'backup_timestamp', value: db.backupTimestamp ? `\`${db.backupTimestamp}\`` : '—' },
    { label: 'Snapshot taken', value: db.snapshotAt ? formatLocalSeconds(new Date(db.snapshotAt), d.zone) : '—' },
    { label: 'Tables', value: db.tables.length ? `${db.tables.length}: ${db.tables.join(', ')}` : 'none' },
    { label: 'Size', value: db.sizeBytes !== null ? `${formatBytes(db.sizeBytes)} in ${plural(db.objectCount ?? 0, 'object')}` : '—' },
  ];
  if (d.location) fields.push({ label: 'OSS prefix', value: `${d.location.repositoryRoot}/__ss_${db.snapshotName}/` });
  if (db.resends > 0) fields.push({ label: 'Sent again', value: `${plural(db.resends, 'time')} (the statement never ran)` });
  if (db.error) fields.push({ label: 'StarRocks said', value: db.error });
  const progress = db.state === 'SUBMITTED' && db.progress && db.progress.total > 0 ? ` ${db.progress.done}/${db.progress.total}` : '';
  return { text: `*${db.database}*: ${databaseStatus(db)}${progress}`, fields };
}

function timelineText(d: BackupDescription): string {
  const lines = d.timeline.map((e) => `- ${formatLocalSeconds(new Date(e.at), d.zone)}  ${e.what}`);
  return `*Timeline* (${d.zone}):\n${lines.join('\n')}`;
}

export const describeCommand = defineCommand<{ set: string }>({
  name: 'describe',
  summary: 'one backup set in full: databases, tables, snapshot names and times, OSS location, size, what was left out, errors, timeline',
  usage,
  examples: ['/backup describe bk-20261124-0230-prod-1'],
  role: 'viewer',
  parse(tokens) {
    checkKnown(tokens, { usage });
    return parseArgs(argsSchema, { set: tokens.words[1], extra: tokens.words[2] }, usage);
  },
  scope: ({ set }, ctx) => ctx.services.backups.instanceOf(set),
  async handle({ set: id }, ctx) {
    const d = await ctx.services.catalog.describe(id);
    const { set } = d;
    const requester = set.requestedBy ? ctx.services.people.name(set.requestedBy) : null;
    const parts = [summary(d)];
    if (set.error) parts.push(`*Why it failed:* ${set.error}`);
    const leftOut = leftOutLines(set);
    if (leftOut.length) parts.push(`*Left out:*\n${leftOut.map((l) => `- ${l}`).join('\n')}`);
    parts.push(timelineText(d));
    const notes = [...set.warnings, ...(set.state === 'FAILED' ? failureNotes(set) : []), STANDING_NOTE];
    return reply(parts.join('\n'), {
      tone: tone(set),
      title: `Backup ${set.id}`,
      fields: setFields(d, requester, ctx.now),
      items: set.databases.map((db) => databaseItem(db, d)),
      notes,
    });
  },
});
