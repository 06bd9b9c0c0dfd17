// What the channel is told about retention: the warning before a set expires (with a Restore
// button), a set kept past its expiry and why, a set expired or deleted with what was freed, a
// deletion OSS refuses, and a release.

import type { Button, Reply } from '../../reply';
import { formatBytes, formatLocal, formatRelative } from '../../domain/format';
import { joinAnd, plural } from '../../domain/text';
import type { BackupSet, InstanceRelease, RetentionHold } from '../../domain/types';

/** Signs a button's command text (the command core's signer), valid for `ttlSeconds`. */
export type SignAction = (command: string, ttlSeconds: number, now: Date) => string;

function snapshotTime(set: BackupSet): Date | null {
  const times = set.databases.filter((d) => d.state === 'FINISHED' && d.snapshotAt).map((d) => Date.parse(d.snapshotAt as string));
  return times.length ? new Date(Math.min(...times)) : null;
}

function sizeOf(set: BackupSet): string {
  return set.sizeBytes === null ? 'size unknown' : formatBytes(set.sizeBytes);
}

/** The Restore button of a warning: it runs `restore <bk-id>`, which opens the restore form. */
export function restoreButton(set: BackupSet, sign: SignAction, now: Date): Button {
  const until = set.expiresAt ? Date.parse(set.expiresAt) : now.getTime();
  const ttlSeconds = Math.max(3600, Math.ceil((until - now.getTime()) / 1000) + 24 * 3600);
  return { label: 'Restore', style: 'primary', action: 'restore', subject: set.id, value: sign(`restore ${set.id}`, ttlSeconds, now) };
}

export function expiryWarning(set: BackupSet, zone: string, now: Date, sign: SignAction, lastGood: boolean): Reply {
  const expires = new Date(set.expiresAt ?? now);
  const taken = snapshotTime(set);
  const databases = set.databases.filter((d) => d.state === 'FINISHED').map((d) => d.database);
  const notes = ['The seed\'s advice: restore in time to avoid losing a backup. Once it expires its data is deleted from OSS and it cannot be restored.'];
  if (lastGood) notes.push(`It is the last good backup of ${set.instanceId}: unless a newer backup succeeds before then, the bot keeps it past its expiry.`);
  return {
    visibility: 'channel',
    tone: 'warning',
    title: `Backup ${set.id} expires ${formatRelative(expires, now)}`,
    text:
      `⏳ Backup *${set.id}* of *${set.instanceId}* expires ${formatRelative(expires, now)}, at ${formatLocal(expires, zone)}. ` +
      `Snapshot taken ${taken ? formatLocal(taken, zone) : 'at an unknown time'} (${databases.length ? joinAnd(databases) : 'no finished database'}; ${sizeOf(set)}). ` +
      `To keep its data, restore it before then: /backup restore ${set.id} to <instance>.`,
    buttons: [restoreButton(set, sign, now)],
    notes,
  };
}

export function keptNotice(set: BackupSet, hold: Omit<RetentionHold, 'since'>, zone: string): Reply {
  const expired = set.expiresAt ? formatLocal(new Date(set.expiresAt), zone) : 'its expiry';
  const text =
    hold.reason === 'last_good'
      ? `Kept past expiry: *${set.id}*, the last good backup of *${set.instanceId}*; newer backups are failing or missing. It expired ${expired}; the bot keeps it until a newer backup of ${set.instanceId} succeeds, then it expires at the next sweep.`
      : `Kept past expiry: *${set.id}* of *${set.instanceId}* (expired ${expired}) is used by restore ${joinAnd(hold.restoreIds)}; it is deleted once that restore ends.`;
  return { visibility: 'channel', tone: 'warning', title: `Backup ${set.id} kept past expiry`, text };
}

function freed(objects: number, bytes: number | null, versioned: boolean): string {
  const storage = bytes === null ? 'storage of unknown size' : formatBytes(bytes);
  return `${plural(objects, 'object')} deleted, ${versioned ? `${storage} of objects removed (the bucket keeps old versions, so no storage is freed yet)` : `${storage} freed`}`;
}

/** The end of a deletion: EXPIRED or DELETED, what was deleted and the storage freed. */
export function deletionDone(set: BackupSet, objects: number, zone: string, versioningNote: string | null): Reply {
  const versioned = versioningNote !== null;
  const text =
    set.state === 'EXPIRED'
      ? `🗑 Backup *${set.id}* of *${set.instanceId}* expired (${set.retentionDays}-day retention, expiry ${set.expiresAt ? formatLocal(new Date(set.expiresAt), zone) : 'unknown'}) and its data was deleted from OSS: ${freed(objects, set.sizeBytes, versioned)}. It can no longer be restored.`
      : `🗑 Backup *${set.id}* of *${set.instanceId}* was deleted${set.deletedBy ? ` (requested by ${set.deletedBy})` : ''}: ${freed(objects, set.sizeBytes, versioned)}. It can no longer be restored.`;
  return { visibility: 'channel', tone: 'info', title: `Backup ${set.id} ${set.state === 'EXPIRED' ? 'expired' : 'deleted'}`, text, ...(versioningNote ? { notes: [versioningNote] } : {}) };
}

export function deletionStarted(set: BackupSet, by: string, zone: string): Reply {
  return {
    visibility: 'channel',
    tone: 'warning',
    title: `Deleting backup ${set.id}`,
    text: `🗑 ${by} is deleting backup *${set.id}* of *${set.instanceId}* (started ${formatLocal(new Date(set.startedAt), zone)}, ${sizeOf(set)}). Progress: /backup tasks ${set.instanceId}.`,
  };
}

export function deletionBlockedNotice(set: BackupSet, reason: string): Reply {
  return {
    visibility: 'channel',
    tone: 'error',
    title: `Backup ${set.id} cannot be deleted now`,
    text: `⚠ The objects of *${set.id}* of *${set.instanceId}* could not be deleted: ${reason} It stays ${set.state}; the bot tries again once a day and does not repeat this message.`,
  };
}

export function releaseStarted(release: InstanceRelease, sets: readonly BackupSet[], by: string): Reply {
  return {
    visibility: 'channel',
    tone: 'warning',
    title: `Releasing ${release.instanceId}`,
    text: `${by} released *${release.instanceId}*: the bot no longer schedules or runs its backups${sets.length ? `, and deletes its ${plural(sets.length, 'backup set')} (${formatBytes(release.bytes)}): ${joinAnd(sets.map((s) => s.id))}. Progress: /backup tasks ${release.instanceId}` : '; it had no backup data'}.`,
  };
}

export function releaseDone(release: InstanceRelease): Reply {
  return {
    visibility: 'channel',
    tone: 'info',
    title: `Released ${release.instanceId}`,
    text: `🗑 Released *${release.instanceId}*: ${release.setIds.length ? `deleted ${plural(release.setIds.length, 'backup set')} (${formatBytes(release.bytes)}): ${joinAnd(release.setIds)}` : 'it had no backup data'}. It stays in the configuration as released (no schedule, no runs) until it is removed from the configuration file.`,
    notes: [`Kept: the backup repository on ${release.instanceId} and its __repo_info file on OSS (a few bytes, and other tools may share them). Drop it with DROP REPOSITORY on the cluster once nothing else uses it.`],
  };
}

/** What a start says about a released instance still in the configuration. */
export function stillReleasedText(release: InstanceRelease, zone: string): string {
  return `${release.instanceId} was released on ${formatLocal(new Date(release.releasedAt), zone)} by ${release.releasedBy} but is still in the configuration: the bot treats it as released (no schedule, no runs). Remove it from the configuration file.`;
}
