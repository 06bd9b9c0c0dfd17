// The records of the lowdb file, checked with zod when the file is read and before every write,
// so a record the bot would refuse to read is never written. Unknown keys are kept (a newer field
// written by a later version survives a round trip); every field the bot reads is checked.

import { z } from 'zod';
import { BACKUP_JOB_STATES, RESTORE_JOB_STATES } from '../../../src/domain/jobs';
import type { Reply } from '../../../src/reply';

const iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO-8601 time');
const isoOrNull = iso.nullable();
const platform = z.enum(['slack', 'dingtalk', 'terminal']);
const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
const progress = z.looseObject({ done: z.number(), total: z.number() }).nullable();
const tracking = z.enum(['not_submitted', 'submitted', 'visible', 'not_visible', 'resolved_from_oss']);
const jobSide = z.enum(['PENDING', 'SUBMITTED', 'FINISHED', 'FAILED']);

export const storedSettings = z.looseObject({
  instanceId: z.string().min(1),
  enabled: z.boolean(),
  weekdays: z.array(weekday),
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  retentionDays: z.number().int(),
  version: z.number().int().nonnegative(),
  updatedAt: isoOrNull,
  updatedBy: z.string().nullable(),
});

const trackedJob = {
  database: z.string().min(1),
  snapshotName: z.string().min(1),
  state: jobSide,
  tracking,
  waitingFor: z.string().nullable(),
  progress,
  submittedAt: isoOrNull,
  finishedAt: isoOrNull,
  error: z.string().nullable(),
};

const databaseBackup = z.looseObject({
  ...trackedJob,
  jobState: z.enum(BACKUP_JOB_STATES).nullable(),
  attempt: z.number().int(),
  resends: z.number().int().nonnegative().default(0),
  tables: z.array(z.string()),
  backupTimestamp: z.string().nullable(),
  snapshotAt: isoOrNull,
  sizeBytes: z.number().nullable(),
  objectCount: z.number().nullable(),
});

const named = z.looseObject({ database: z.string(), name: z.string() });
const leftOut = z.looseObject({
  views: z.array(named),
  materializedViews: z.array(named.extend({ reason: z.string() })),
  colocateGroups: z.array(z.looseObject({ database: z.string(), group: z.string(), tables: z.array(z.string()) })),
  unsupportedTables: z.array(z.looseObject({ database: z.string(), table: z.string(), reason: z.string() })),
});

export const backupSet = z.looseObject({
  id: z.string().min(1),
  instanceId: z.string().min(1),
  region: z.string(),
  trigger: z.enum(['scheduled', 'manual', 'adopted']),
  scheduledDay: z.string().nullable(),
  late: z.boolean(),
  state: z.enum(['RUNNING', 'FINISHED', 'PARTIAL', 'FAILED', 'EXPIRING', 'DELETING', 'EXPIRED', 'DELETED', 'MISSING']),
  requestedBy: z.string().nullable(),
  repository: z.string(),
  startedAt: iso,
  finishedAt: isoOrNull,
  retentionDays: z.number().int(),
  expiresAt: isoOrNull,
  databases: z.array(databaseBackup),
  leftOut,
  sizeBytes: z.number().nullable(),
  objectCount: z.number().nullable(),
  error: z.string().nullable(),
  refused: z.boolean().default(false),
  warnings: z.array(z.string()),
  events: z.array(z.looseObject({ at: iso, what: z.string(), minor: z.boolean().optional() })).default([]),
  sourceVersion: z.string().nullable(),
  expiryWarnedAt: isoOrNull,
  outage: z.looseObject({ since: iso, error: z.string(), announcedAt: isoOrNull }).nullable().default(null),
  deletedAt: isoOrNull,
  deletedBy: z.string().nullable(),
  // Added by retention (issue 10); files written before read them as null.
  retentionHold: z
    .looseObject({ reason: z.enum(['last_good', 'restore']), restoreIds: z.array(z.string()), since: iso })
    .nullable()
    .default(null),
  deletionBlocked: z.looseObject({ reason: z.string(), since: iso, retryAt: iso }).nullable().default(null),
});

const databaseRestore = z.looseObject({
  ...trackedJob,
  jobState: z.enum(RESTORE_JOB_STATES).nullable(),
  backupTimestamp: z.string(),
  tables: z.array(z.string()).default([]),
  committed: z.boolean().default(false),
  resends: z.number().int().nonnegative().default(0),
});

export const restoreRequest = z.looseObject({
  id: z.string().min(1),
  backupSetId: z.string(),
  sourceInstanceId: z.string(),
  targetInstanceId: z.string(),
  databases: z.array(z.string()),
  state: z.enum(['PENDING_APPROVAL', 'APPROVED', 'REJECTED', 'WITHDRAWN', 'APPROVAL_EXPIRED', 'RUNNING', 'FINISHED', 'FAILED']),
  requestedBy: z.string(),
  requestedAt: iso,
  approvalExpiresAt: iso,
  decidedBy: z.string().nullable(),
  decidedAt: isoOrNull,
  startedAt: isoOrNull,
  finishedAt: isoOrNull,
  error: z.string().nullable(),
  jobs: z.array(databaseRestore),
  // Added with restores (issue 11); defaults keep older files readable.
  version: z.number().int().positive().default(1),
  replicationNum: z.number().int().positive().default(3),
  sizeBytes: z.number().nullable().default(null),
  selfApproved: z.boolean().default(false),
  repository: z.string().default(''),
  repositoryOwned: z.boolean().nullable().default(null),
  repositoryDropped: z.boolean().default(false),
  createdDatabases: z.array(z.string()).default([]),
  droppedDatabases: z.array(z.string()).default([]),
  warnings: z.array(z.string()).default([]),
});

export const task = z.looseObject({
  id: z.string().min(1),
  kind: z.enum(['backup', 'restore', 'delete', 'release']),
  instanceId: z.string(),
  subject: z.string(),
  state: z.enum(['RUNNING', 'FINISHED', 'FAILED']),
  progress: z.looseObject({ done: z.number(), total: z.number(), unit: z.string() }).nullable(),
  detail: z.string(),
  startedAt: iso,
  finishedAt: isoOrNull,
  updatedAt: iso,
});

export const auditEvent = z.looseObject({
  id: z.string().min(1),
  at: iso,
  actor: z.looseObject({
    platform: z.enum(['slack', 'dingtalk', 'terminal', 'system']),
    userId: z.string().min(1),
    personId: z.string().nullable(),
    displayName: z.string().optional(),
  }),
  action: z.string().min(1),
  instanceId: z.string().nullable(),
  subject: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
});

/** The store keeps a reply as the command core made it; it only checks that it is one. */
const reply = z.custom<Reply>(
  (v) => typeof v === 'object' && v !== null && typeof (v as { text?: unknown }).text === 'string',
  'expected a reply with a text',
);
const channel = z.looseObject({ platform, channelId: z.string().min(1) });

export const outboxItem = z.looseObject({
  id: z.string().min(1),
  key: z.string().nullable(),
  channel,
  reply,
  createdAt: iso,
  attempts: z.number().int().nonnegative(),
  nextAttemptAt: iso,
  deliveredAt: isoOrNull,
  lastError: z.string().nullable(),
  claimedBy: z.string().nullable(),
  claimedUntil: isoOrNull,
});

const deliveredMessage = z.looseObject({ platform, channelId: z.string(), messageId: z.string() });
export const delivery = z.looseObject({ key: z.string(), messages: z.array(deliveredMessage), at: iso });
export const runnerValue = z.looseObject({ name: z.string(), value: z.unknown() });
export const seenId = z.looseObject({ scope: z.string(), id: z.string(), expiresAt: iso });

/** Checks one record before it is written; throws an Error naming the record and the field. */
export function checkRecord<T>(schema: z.ZodType<T>, what: string, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length ? issue.path.join('.') : '(record)';
  throw new Error(`refused to save ${what}: ${where}: ${issue?.message ?? 'invalid'}; nothing was changed`);
}

/** Every list of the document and the schema of its records (the repair tool checks them one by one). */
export const RECORD_SCHEMAS = {
  settings: storedSettings,
  backupSets: backupSet,
  restoreRequests: restoreRequest,
  tasks: task,
  audit: auditEvent,
  outbox: outboxItem,
  deliveries: delivery,
  runnerState: runnerValue,
  seen: seenId,
} as const;
export type RecordList = keyof typeof RECORD_SCHEMAS;
export const RECORD_LISTS = Object.keys(RECORD_SCHEMAS) as RecordList[];

/** What is wrong with one record of a list (empty when it is valid). */
export function recordProblems(list: RecordList, record: unknown): string[] {
  const result = RECORD_SCHEMAS[list].safeParse(record);
  if (result.success) return [];
  return result.error.issues.slice(0, 5).map((i) => `${i.path.map(String).join('.') || '(record)'}: ${i.message}`);
}

/** How a record is named in messages: its list, its index and, when it has one, its id. */
export function recordName(list: string, index: number, record: unknown): string {
  const r = typeof record === 'object' && record !== null ? (record as Record<string, unknown>) : {};
  const id = [r.id, r.instanceId, r.key, r.name].find((v) => typeof v === 'string' && v !== '');
  return `${list}[${index}]${typeof id === 'string' ? ` (${id.length > 80 ? `${id.slice(0, 80)}…` : id})` : ''}`;
}
