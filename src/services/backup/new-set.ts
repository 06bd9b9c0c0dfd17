// A backup set as it starts: RUNNING, nothing planned yet, the retention in force now.

import type { InstanceConfig } from '../../config/types';
import type { Actor, BackupSet, BackupTrigger } from '../../domain/types';

/** The first line of the set's timeline: who or what started it. */
function startedWhat(p: { trigger: BackupTrigger; actor: Actor; day: string | null; late: boolean }): string {
  if (p.trigger === 'scheduled') return `started by the schedule for ${p.day ?? 'its day'}${p.late ? ' (late: the bot was down at the scheduled time)' : ''}`;
  const who = p.actor.displayName ?? p.actor.personId ?? `${p.actor.platform}:${p.actor.userId}`;
  return p.trigger === 'manual' ? `started by ${who} (/backup run)` : `adopted by ${who}`;
}

export function newBackupSet(p: {
  id: string;
  instance: InstanceConfig;
  trigger: BackupTrigger;
  actor: Actor;
  day: string | null;
  late: boolean;
  startedAt: Date;
  retentionDays: number;
}): BackupSet {
  const { actor, instance } = p;
  return {
    id: p.id,
    instanceId: instance.id,
    region: instance.region,
    trigger: p.trigger,
    scheduledDay: p.day,
    late: p.late,
    state: 'RUNNING',
    requestedBy: actor.personId ?? (actor.platform === 'system' ? null : `${actor.platform}:${actor.userId}`),
    repository: instance.repository,
    startedAt: p.startedAt.toISOString(),
    finishedAt: null,
    retentionDays: p.retentionDays,
    expiresAt: null,
    databases: [],
    leftOut: { views: [], materializedViews: [], colocateGroups: [], unsupportedTables: [] },
    sizeBytes: null,
    objectCount: null,
    error: null,
    refused: false,
    warnings: [],
    events: [{ at: p.startedAt.toISOString(), what: startedWhat(p) }],
    sourceVersion: null,
    expiryWarnedAt: null,
    outage: null,
    deletedAt: null,
    deletedBy: null,
    retentionHold: null,
    deletionBlocked: null,
  };
}
