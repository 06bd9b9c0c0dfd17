// A backup set's timeline: what happened to it, when. Kept on the set itself (not derived from
// the audit log, whose copy in the store is trimmed, nor from the set's final fields, which keep
// only the last word), written in the same update as the change it describes, so it survives a
// crash exactly as the change does. Bounded: a set never carries more than MAX_EVENTS lines;
// the steps inside a database's job go first, the milestones stay.

import { formatBytes } from './format';
import { plural } from './text';
import type { BackupEvent, BackupSet, DatabaseBackup } from './types';

export const MAX_EVENTS = 40;

/** Appends, keeping at most `max`: minor lines go first (oldest first), then the oldest after the first. */
export function addEvents(events: readonly BackupEvent[], added: readonly BackupEvent[], max = MAX_EVENTS): BackupEvent[] {
  const all = [...events, ...added];
  while (all.length > max) {
    const minor = all.findIndex((e) => e.minor === true);
    all.splice(minor >= 0 ? minor : 1, 1);
  }
  return all;
}

function databaseEvents(before: DatabaseBackup, after: DatabaseBackup, at: string): BackupEvent[] {
  const out: BackupEvent[] = [];
  const db = after.database;
  if (after.resends > before.resends) {
    out.push({ at, what: `${db}: the BACKUP statement never ran (SHOW BACKUP and OSS show nothing of it); it is sent again` });
  }
  if (after.tables.length < before.tables.length) {
    const dropped = before.tables.filter((t) => !after.tables.includes(t));
    out.push({ at, what: `${db}: StarRocks refused ${dropped.join(', ')}; left out, the rest is sent again` });
  }
  if (before.state !== after.state) {
    if (after.state === 'SUBMITTED') {
      out.push({ at: after.submittedAt ?? at, what: `${db}: BACKUP SNAPSHOT ${after.snapshotName} sent (${plural(after.tables.length, 'table')})` });
    } else if (after.state === 'PENDING' && after.waitingFor) {
      out.push({ at, what: `${db}: waiting: ${after.waitingFor}` });
    } else if (after.state === 'FINISHED') {
      const size = after.sizeBytes !== null ? `, ${formatBytes(after.sizeBytes)} in ${plural(after.objectCount ?? 0, 'object')}` : '';
      const how = after.tracking === 'resolved_from_oss' ? ' (known from OSS: the job was no longer visible, its __info_ file was there)' : '';
      out.push({ at: after.finishedAt ?? at, what: `${db}: finished${size}${how}` });
    } else if (after.state === 'FAILED') {
      out.push({ at: after.finishedAt ?? at, what: `${db}: FAILED: ${after.error ?? 'unknown error'}` });
    }
  }
  if (after.state === 'SUBMITTED' && after.jobState !== null && after.jobState !== before.jobState) {
    out.push({ at, what: `${db}: ${after.jobState}`, minor: true });
  }
  if (after.tracking === 'not_visible' && before.tracking !== 'not_visible' && after.state === 'SUBMITTED') {
    out.push({ at, what: `${db}: the job is not visible in SHOW BACKUP (another job holds the slot, or none yet)` });
  }
  return out;
}

/** What changed between two versions of a set, as timeline lines at `now`. */
export function changeEvents(before: BackupSet, after: BackupSet, now: Date): BackupEvent[] {
  const at = now.toISOString();
  const out: BackupEvent[] = [];
  if (before.databases.length === 0 && after.databases.length > 0) {
    const tables = after.databases.reduce((n, d) => n + d.tables.length, 0);
    out.push({
      at,
      what: `preflight passed${after.sourceVersion ? ` (StarRocks ${after.sourceVersion}, shared-nothing)` : ''}; planned ${plural(after.databases.length, 'database')}, ${plural(tables, 'table')}`,
    });
  }
  const earlier = new Map(before.databases.map((d) => [d.database, d]));
  for (const d of after.databases) {
    const was = earlier.get(d.database);
    if (was) out.push(...databaseEvents(was, d, at));
  }
  if (before.outage === null && after.outage !== null) out.push({ at: after.outage.since, what: `${after.instanceId} does not answer: ${after.outage.error}` });
  if (before.outage !== null && after.outage !== null && before.outage.announcedAt === null && after.outage.announcedAt !== null) {
    out.push({ at: after.outage.announcedAt, what: 'the channel was told the instance does not answer' });
  }
  if (before.outage !== null && after.outage === null) out.push({ at, what: `${after.instanceId} answers again` });
  if (before.state !== after.state) out.push({ at: stateChangeTime(after, at), what: stateWhat(after) });
  return out;
}

function stateChangeTime(set: BackupSet, at: string): string {
  if (endsRun(set.state) && set.finishedAt) return set.finishedAt;
  return at;
}

/** States entered when the set's run ends (its own finish time is when). */
function endsRun(state: BackupSet['state']): boolean {
  return state === 'FINISHED' || state === 'PARTIAL' || state === 'FAILED';
}

function stateWhat(set: BackupSet): string {
  const good = set.databases.filter((d) => d.state === 'FINISHED').length;
  switch (set.state) {
    case 'FINISHED':
    case 'PARTIAL':
      return `${set.state}: ${good} of ${plural(set.databases.length, 'database')}, ${formatBytes(set.sizeBytes ?? 0)} in ${plural(set.objectCount ?? 0, 'object')}`;
    case 'FAILED':
      return `FAILED: ${set.error ?? 'every database failed'}`;
    default:
      return set.state;
  }
}

/** The new version of a set with the timeline lines its change makes. */
export function withEvents(previous: BackupSet, next: BackupSet, now: Date): BackupSet {
  const added = changeEvents(previous, next, now);
  return added.length === 0 ? next : { ...next, events: addEvents(next.events, added) };
}

/**
 * The timeline to show: the recorded lines, completed from the set's own fields for what was
 * not recorded (a set written before timelines, an adopted one, its expiry and deletion).
 */
export function timelineOf(set: BackupSet): BackupEvent[] {
  // Recorded lines stay in the order they were written (the order things were seen): a job's own
  // finish time, kept to the second by StarRocks, may read a moment earlier than the look before.
  const out: BackupEvent[] = [...set.events];
  const derived = out.length === 0;
  if (derived) {
    out.push({ at: set.startedAt, what: set.trigger === 'adopted' ? 'adopted from OSS' : `started (${set.trigger})` });
    for (const d of set.databases) {
      if (d.submittedAt) out.push({ at: d.submittedAt, what: `${d.database}: BACKUP SNAPSHOT ${d.snapshotName} sent` });
      if (d.state === 'FINISHED' && d.finishedAt) out.push({ at: d.finishedAt, what: `${d.database}: finished` });
      if (d.state === 'FAILED') out.push({ at: d.finishedAt ?? set.finishedAt ?? set.startedAt, what: `${d.database}: FAILED: ${d.error ?? 'unknown error'}` });
    }
    // A set expired or deleted since had finished (fully or partly) before.
    if (set.state !== 'RUNNING' && set.finishedAt) out.push({ at: set.finishedAt, what: endsRun(set.state) ? stateWhat(set) : stateWhat({ ...set, state: 'FINISHED' }).replace(/^FINISHED/, 'finished') });
  }
  // What the retention sweep, deletions and reconciliation did since: from their own fields.
  const said = (text: string) => out.some((e) => e.what.startsWith(text));
  if (set.expiryWarnedAt && !said('expiry warning')) out.push({ at: set.expiryWarnedAt, what: 'expiry warning posted in the channel' });
  if (set.retentionHold) {
    const why = set.retentionHold.reason === 'last_good' ? `the last good backup of ${set.instanceId}` : `read by ${set.retentionHold.restoreIds.join(', ') || 'a restore'}`;
    out.push({ at: set.retentionHold.since, what: `kept past its expiry: ${why}` });
  }
  if (set.deletionBlocked) out.push({ at: set.deletionBlocked.since, what: `deletion refused by OSS: ${set.deletionBlocked.reason}` });
  if (set.deletedAt && !said(set.state)) out.push({ at: set.deletedAt, what: `${set.state}${set.deletedBy ? ` by ${set.deletedBy}` : ''}: its objects were deleted from OSS` });
  // The sweep starts once the set expired (a DELETING or MISSING set says so in its state line).
  else if (set.state === 'EXPIRING' && set.expiresAt && !said(set.state)) out.push({ at: set.expiresAt, what: 'expired: its objects are being deleted from OSS' });
  return derived ? out.map((e, i) => ({ e, i })).sort((a, b) => Date.parse(a.e.at) - Date.parse(b.e.at) || a.i - b.i).map(({ e }) => e) : out;
}
