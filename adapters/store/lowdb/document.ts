// The shape of the lowdb file, checked with zod when it is read. Unknown keys are kept (a newer
// field written by a later version survives a round trip); every field the bot reads is checked.

import { z } from 'zod';
import type { Reply } from '../../../commands/reply';
import type { DeliveredMessage, OutboxItem } from '../../../src/ports';
import type { AuditEvent, BackupSet, RestoreRequest, StoredSettings, Task } from '../../../src/domain/types';

/** Bump with a migration in `migrate` when the shape changes. */
export const DOCUMENT_VERSION = 1;

const iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO-8601 time');
const isoOrNull = iso.nullable();
const platform = z.enum(['slack', 'dingtalk', 'terminal']);
const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
const progress = z.looseObject({ done: z.number(), total: z.number() }).nullable();

const storedSettings = z.looseObject({
  instanceId: z.string().min(1),
  enabled: z.boolean(),
  weekdays: z.array(weekday),
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  retentionDays: z.number().int(),
  version: z.number().int().nonnegative(),
  updatedAt: isoOrNull,
  updatedBy: z.string().nullable(),
});

const databaseBackup = z.looseObject({
  database: z.string(),
  snapshotName: z.string(),
  attempt: z.number().int(),
  tables: z.array(z.string()),
  state: z.enum(['PENDING', 'SUBMITTED', 'FINISHED', 'FAILED']),
  jobState: z.string().nullable(),
  progress,
  submittedAt: isoOrNull,
  finishedAt: isoOrNull,
  backupTimestamp: z.string().nullable(),
  snapshotAt: isoOrNull,
  sizeBytes: z.number().nullable(),
  objectCount: z.number().nullable(),
  error: z.string().nullable(),
});

const named = z.looseObject({ database: z.string(), name: z.string() });
const leftOut = z.looseObject({
  views: z.array(named),
  materializedViews: z.array(named.extend({ reason: z.string() })),
  colocateGroups: z.array(z.looseObject({ database: z.string(), group: z.string(), tables: z.array(z.string()) })),
  unsupportedTables: z.array(z.looseObject({ database: z.string(), table: z.string(), reason: z.string() })),
});

const backupSet = z.looseObject({
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
  warnings: z.array(z.string()),
  sourceVersion: z.string().nullable(),
  expiryWarnedAt: isoOrNull,
  deletedAt: isoOrNull,
  deletedBy: z.string().nullable(),
});

const restoreRequest = z.looseObject({
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
  jobs: z.array(
    z.looseObject({ database: z.string(), snapshotName: z.string(), state: z.string(), error: z.string().nullable() }),
  ),
});

const task = z.looseObject({
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

const auditEvent = z.looseObject({
  id: z.string().min(1),
  at: iso,
  actor: z.looseObject({
    platform: z.enum(['slack', 'dingtalk', 'terminal', 'system']),
    userId: z.string(),
    personId: z.string().nullable(),
    displayName: z.string().optional(),
  }),
  action: z.string(),
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
const channel = z.looseObject({ platform, channelId: z.string() });
const outboxItem = z.looseObject({
  id: z.string().min(1),
  key: z.string().nullable(),
  channel,
  reply,
  createdAt: iso,
  attempts: z.number().int().nonnegative(),
  nextAttemptAt: iso,
  deliveredAt: isoOrNull,
  lastError: z.string().nullable(),
});
const deliveredMessage = z.looseObject({ platform, channelId: z.string(), messageId: z.string() });

/**
 * The schema of one record of each list of the document. Reads check the whole file with them,
 * and every write checks the records it adds or changes with the same ones, so a write the next
 * start would refuse is refused when it is made.
 */
export const RECORD_SCHEMAS = {
  settings: storedSettings,
  backupSets: backupSet,
  restoreRequests: restoreRequest,
  tasks: task,
  audit: auditEvent,
  outbox: outboxItem,
  /** Pairs, not an object keyed by the key: a key like `__proto__` must stay plain data. */
  deliveries: z.looseObject({ key: z.string(), messages: z.array(deliveredMessage) }),
  values: z.looseObject({ name: z.string(), value: z.string() }),
} as const;
export type RecordList = keyof typeof RECORD_SCHEMAS;
export const RECORD_LISTS = Object.keys(RECORD_SCHEMAS) as RecordList[];

export const documentSchema = z.looseObject({
  version: z.number().int().positive(),
  settings: z.array(RECORD_SCHEMAS.settings),
  backupSets: z.array(RECORD_SCHEMAS.backupSets),
  restoreRequests: z.array(RECORD_SCHEMAS.restoreRequests),
  tasks: z.array(RECORD_SCHEMAS.tasks),
  audit: z.array(RECORD_SCHEMAS.audit),
  outbox: z.array(RECORD_SCHEMAS.outbox),
  deliveries: z.array(RECORD_SCHEMAS.deliveries),
  values: z.array(RECORD_SCHEMAS.values),
});

export interface StoreDocument {
  version: number;
  settings: StoredSettings[];
  backupSets: BackupSet[];
  restoreRequests: RestoreRequest[];
  tasks: Task[];
  audit: AuditEvent[];
  outbox: OutboxItem[];
  deliveries: { key: string; messages: DeliveredMessage[] }[];
  values: { name: string; value: string }[];
}

// The schema's output must fit the document the store works with.
const _fits: (parsed: z.output<typeof documentSchema>) => StoreDocument = (parsed) => parsed;

export function emptyDocument(): StoreDocument {
  return {
    version: DOCUMENT_VERSION,
    settings: [],
    backupSets: [],
    restoreRequests: [],
    tasks: [],
    audit: [],
    outbox: [],
    deliveries: [],
    values: [],
  };
}

/** Why a file is not a valid store; `repairable` when only some records are bad (npm run store:repair). */
export class StoreDocumentError extends Error {
  constructor(
    message: string,
    readonly repairable: boolean,
  ) {
    super(message);
    this.name = 'StoreDocumentError';
  }
}

/** Checks a parsed file; throws a StoreDocumentError naming each bad record by list, index and id. */
export function checkDocument(raw: unknown): StoreDocument {
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const version = (raw as { version?: unknown }).version;
    if (typeof version === 'number' && version > DOCUMENT_VERSION) {
      throw new StoreDocumentError(`it was written by a newer version of the bot (document version ${version}, this bot reads up to ${DOCUMENT_VERSION})`, false);
    }
  }
  const result = documentSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues;
    const problems = issues.slice(0, 5).map((i) => describeIssuePath(raw, i.path, i.message));
    const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
    // Only records are wrong (every issue is inside a list): the rest can be kept.
    const repairable = issues.every((i) => i.path.length >= 2 && RECORD_LISTS.includes(i.path[0] as RecordList) && typeof i.path[1] === 'number');
    throw new StoreDocumentError(`its content is not a backup-bot store: ${problems.join('; ')}${more}`, repairable);
  }
  return result.data;
}

/** `audit[0] (id ev-1) actor.userId: Invalid input` for an issue inside a record, else the path. */
function describeIssuePath(raw: unknown, path: PropertyKey[], message: string): string {
  const [list, index, ...rest] = path;
  if (typeof list === 'string' && typeof index === 'number' && RECORD_LISTS.includes(list as RecordList)) {
    const record = (raw as Record<string, unknown[]>)[list]?.[index];
    return `${recordName(list, index, record)} ${rest.map(String).join('.') || '(record)'}: ${message}`;
  }
  return `${path.map(String).join('.') || '(top)'}: ${message}`;
}

/** How a record is named in messages: its list, its index and, when it has one, its id. */
export function recordName(list: string, index: number, record: unknown): string {
  const r = typeof record === 'object' && record !== null ? (record as Record<string, unknown>) : {};
  const id = [r.id, r.instanceId, r.key, r.name].find((v) => typeof v === 'string' && v !== '');
  return `${list}[${index}]${typeof id === 'string' ? ` (id ${id.length > 80 ? `${id.slice(0, 80)}…` : id})` : ''}`;
}
