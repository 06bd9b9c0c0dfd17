// The approval message of a restore request, posted in the target instance's channel (everyone
// there sees it), and what it becomes: approved, rejected, withdrawn, or expired, edited in place.

import { formatBytes, formatLocal, formatRelative } from '../../domain/format';
import { joinAnd } from '../../domain/text';
import type { BackupSet, RestoreRequest } from '../../domain/types';
import type { Button, Field, Reply } from '../../reply';

/** Shows people by name: a configured person's display name, else the account (`oper1`). */
export type NameOf = (personOrAccount: string | null) => string;

export const approvalKey = (id: string): string => `restore-approval:${id}`;
export const progressKey = (id: string): string => `restore:${id}`;

function snapshotTime(set: BackupSet, databases: readonly string[], zone: string): string {
  const times = set.databases.filter((d) => databases.includes(d.database) && d.snapshotAt).map((d) => Date.parse(d.snapshotAt as string));
  return times.length ? formatLocal(new Date(Math.min(...times)), zone) : 'unknown';
}

export function requestFields(req: RestoreRequest, set: BackupSet, zone: string, name: NameOf): Field[] {
  return [
    { label: 'Backup set', value: `${set.id} of ${set.instanceId}` },
    { label: 'Snapshot time', value: snapshotTime(set, req.databases, zone) },
    { label: 'Target', value: req.targetInstanceId },
    { label: 'Databases', value: joinAnd(req.databases) },
    { label: 'Size', value: req.sizeBytes === null ? 'unknown' : formatBytes(req.sizeBytes) },
    { label: 'Replication', value: String(req.replicationNum) },
    { label: 'Requested by', value: name(req.requestedBy) },
  ];
}

/** The message as first posted: what is asked, who may decide, until when, and the two buttons. */
export function approvalRequestReply(req: RestoreRequest, set: BackupSet, zone: string, name: NameOf, now: Date, buttons: Button[], selfApproval: boolean): Reply {
  const expires = new Date(req.approvalExpiresAt);
  return {
    visibility: 'channel',
    tone: 'warning',
    title: `Restore request ${req.id} needs approval`,
    text:
      `*${name(req.requestedBy)}* asks to restore *${set.id}* (${set.instanceId}) into *${req.targetInstanceId}*: ${joinAnd(req.databases)}.\n` +
      `An admin of ${req.targetInstanceId} ${selfApproval ? '(the requester may approve it too: self-approval is on here)' : 'other than the requester'} approves or rejects it ` +
      `before ${formatLocal(expires, zone)} (${formatRelative(expires, now)}); the checks are run again after approval. A started restore cannot be cancelled.`,
    fields: [...requestFields(req, set, zone, name), { label: 'Expires', value: formatLocal(expires, zone) }],
    buttons,
    notes: req.warnings,
  };
}

/** The approval message once decided (or withdrawn, or expired): no buttons, who and when. */
export function approvalOutcomeReply(req: RestoreRequest, set: BackupSet, zone: string, name: NameOf): Reply {
  const fields = requestFields(req, set, zone, name);
  const at = (iso: string | null) => (iso ? formatLocal(new Date(iso), zone) : 'an unknown time');
  switch (req.state) {
    case 'REJECTED':
      return { visibility: 'channel', tone: 'error', title: `Restore request ${req.id} rejected`, text: `✖ Restore request *${req.id}* was rejected by *${name(req.decidedBy)}* at ${at(req.decidedAt)}. Nothing was restored.`, fields };
    case 'WITHDRAWN':
      return { visibility: 'channel', tone: 'info', title: `Restore request ${req.id} withdrawn`, text: `Restore request *${req.id}* was withdrawn by its requester *${name(req.requestedBy)}* at ${at(req.finishedAt)}. Nothing was restored.`, fields };
    case 'APPROVAL_EXPIRED':
      return {
        visibility: 'channel',
        tone: 'warning',
        title: `Restore request ${req.id} expired`,
        text: `Restore request *${req.id}* expired at ${at(req.approvalExpiresAt)} without a decision. Nothing was restored; to ask again: /backup restore ${req.backupSetId} to ${req.targetInstanceId}`,
        fields,
      };
    default: {
      const self = req.selfApproved ? ` (self-approved: ${req.targetInstanceId} allows its admins to approve their own restores)` : '';
      return {
        visibility: 'channel',
        tone: 'success',
        title: `Restore request ${req.id} approved`,
        text: `✔ Restore *${req.id}* approved by *${name(req.decidedBy)}* at ${at(req.decidedAt)}${self}. The restore of ${set.id} into ${req.targetInstanceId} starts now; its progress is posted here and in /backup tasks ${req.targetInstanceId}.`,
        fields,
      };
    }
  }
}

/** The answer to a click or command that comes too late: who decided, and when. */
export function alreadyDecidedText(req: RestoreRequest, zone: string, name: NameOf): string {
  const at = (iso: string | null) => (iso ? formatLocal(new Date(iso), zone) : 'an unknown time');
  switch (req.state) {
    case 'PENDING_APPROVAL':
      return `${req.id} changed since that message was posted (it is now at version ${req.version}); look at its latest message in the channel of ${req.targetInstanceId}`;
    case 'REJECTED':
      return `${req.id} was already decided: rejected by ${name(req.decidedBy)} at ${at(req.decidedAt)}`;
    case 'WITHDRAWN':
      return `${req.id} was withdrawn by its requester ${name(req.requestedBy)} at ${at(req.finishedAt)}; there is nothing to decide`;
    case 'APPROVAL_EXPIRED':
      return `${req.id} expired at ${at(req.approvalExpiresAt)} without a decision; ask again with /backup restore ${req.backupSetId} to ${req.targetInstanceId}`;
    default:
      return `${req.id} was already decided: approved by ${name(req.decidedBy)} at ${at(req.decidedAt)}${req.selfApproved ? ' (self-approved)' : ''}; it is ${req.state.toLowerCase().replace('_', ' ')}`;
  }
}
