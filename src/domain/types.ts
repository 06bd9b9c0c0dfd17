// The product's nouns. Pure data: no I/O, no platform words. Times are UTC ISO-8601 strings.

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export type Role = 'viewer' | 'operator' | 'admin';
export type Platform = 'slack' | 'dingtalk' | 'terminal';

/** What an operator sets with `/backup settings` (one schedule per instance). */
export interface BackupSettings {
  enabled: boolean;
  /** Sorted in week order, no duplicates; at least one when enabled. */
  weekdays: Weekday[];
  /** `HH:mm`, 24-hour, in the instance's time zone. Default `00:00`. */
  time: string;
  /** Whole days 7..31. Default 7. */
  retentionDays: number;
}

/** Settings as stored: versioned so that a stale update is refused, not overwritten. */
export interface StoredSettings extends BackupSettings {
  instanceId: string;
  version: number;
  updatedAt: string | null;
  /** Person id of whoever saved this version; null for the defaults. */
  updatedBy: string | null;
}

export type BackupSetState =
  | 'RUNNING'
  | 'FINISHED'
  | 'PARTIAL'
  | 'FAILED'
  | 'EXPIRING'
  | 'DELETING'
  | 'EXPIRED'
  | 'DELETED'
  | 'MISSING';

/** Shown instead of the stored state when the set's instance is gone from the configuration. */
export type DisplayedBackupSetState = BackupSetState | 'ORPHANED';

export type BackupTrigger = 'scheduled' | 'manual' | 'adopted';

export type DatabaseBackupState = 'PENDING' | 'SUBMITTED' | 'FINISHED' | 'FAILED';

/** One `BACKUP SNAPSHOT` of one database, inside a backup set. */
export interface DatabaseBackup {
  database: string;
  /** StarRocks snapshot (label) name, unique in the repository. */
  snapshotName: string;
  attempt: number;
  tables: string[];
  state: DatabaseBackupState;
  /** StarRocks job state last seen (`UPLOADING`, ...), for progress. */
  jobState: string | null;
  /** Upload progress as done/total tasks, when StarRocks reports it. */
  progress: { done: number; total: number } | null;
  submittedAt: string | null;
  finishedAt: string | null;
  /** `backup_timestamp` as StarRocks wrote it (`yyyy-MM-dd-HH-mm-ss-SSS`, FE zone); needed to restore. */
  backupTimestamp: string | null;
  /** The moment the snapshot was taken, as a UTC instant. */
  snapshotAt: string | null;
  sizeBytes: number | null;
  objectCount: number | null;
  /** StarRocks' own error text when the database failed. */
  error: string | null;
}

export interface LeftOut {
  views: { database: string; name: string }[];
  materializedViews: { database: string; name: string; reason: string }[];
  colocateGroups: { database: string; group: string; tables: string[] }[];
  unsupportedTables: { database: string; table: string; reason: string }[];
}

export interface BackupSet {
  id: string;
  instanceId: string;
  region: string;
  trigger: BackupTrigger;
  /** Local calendar day (`YYYY-MM-DD`, instance zone) a scheduled set belongs to; null otherwise. */
  scheduledDay: string | null;
  /** Ran after the bot was down at its due time. */
  late: boolean;
  state: BackupSetState;
  requestedBy: string | null;
  repository: string;
  startedAt: string;
  finishedAt: string | null;
  /** The retention in force when the backup started; a later change never shortens this set. */
  retentionDays: number;
  expiresAt: string | null;
  databases: DatabaseBackup[];
  leftOut: LeftOut;
  sizeBytes: number | null;
  objectCount: number | null;
  /** Why the whole set failed (preflight refusal, ...). */
  error: string | null;
  warnings: string[];
  /** StarRocks version of the source, for restore preflight. */
  sourceVersion: string | null;
  expiryWarnedAt: string | null;
  deletedAt: string | null;
  deletedBy: string | null;
}

export type RestoreState =
  | 'PENDING_APPROVAL'
  | 'APPROVED'
  | 'REJECTED'
  | 'WITHDRAWN'
  | 'APPROVAL_EXPIRED'
  | 'RUNNING'
  | 'FINISHED'
  | 'FAILED';

export interface RestoreRequest {
  id: string;
  backupSetId: string;
  sourceInstanceId: string;
  targetInstanceId: string;
  databases: string[];
  state: RestoreState;
  requestedBy: string;
  requestedAt: string;
  approvalExpiresAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  /** Per database: state of its `RESTORE SNAPSHOT` job. */
  jobs: { database: string; snapshotName: string; state: string; error: string | null }[];
}

export type TaskKind = 'backup' | 'restore' | 'delete' | 'release';
export type TaskState = 'RUNNING' | 'FINISHED' | 'FAILED';

/** An operation task, as shown by `/backup tasks` (the cloud console's "operation tasks" tab). */
export interface Task {
  id: string;
  kind: TaskKind;
  instanceId: string;
  /** Backup set id or restore request id the task works on. */
  subject: string;
  state: TaskState;
  progress: { done: number; total: number; unit: string } | null;
  detail: string;
  startedAt: string;
  finishedAt: string | null;
  updatedAt: string;
}

/** Who did something, from where. */
export interface Actor {
  platform: Platform | 'system';
  /** Platform user id (Slack `U...`, DingTalk staff id, terminal name); `system` for the bot itself. */
  userId: string;
  /** Resolved person id from the configuration, when known. */
  personId: string | null;
  displayName?: string;
}

export interface AuditEvent {
  id: string;
  at: string;
  actor: Actor;
  action: string;
  instanceId: string | null;
  subject: string | null;
  before: unknown;
  after: unknown;
}

/** Where a notification goes. */
export interface ChannelAddress {
  platform: Platform;
  channelId: string;
}
