// The product's nouns. Pure data: no I/O, no platform words. Times are UTC ISO-8601 strings.

import type { BackupJobState, DatabaseJobState, JobTracking, RestoreJobState } from './jobs';

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

export type DatabaseBackupState = DatabaseJobState;

/** One database's StarRocks job (BACKUP or RESTORE) as the bot follows it. */
export interface TrackedJob<S extends string> {
  database: string;
  /** StarRocks snapshot (label) name, unique in the repository. */
  snapshotName: string;
  state: DatabaseJobState;
  /** StarRocks' own state of the job, last seen (`UPLOADING`, ...); null before it was seen. */
  jobState: S | null;
  /** How the bot knows what it knows (seen in SHOW, not visible, resolved from OSS). */
  tracking: JobTracking;
  /** Why a PENDING job waits (another job holds the database's slot), for progress. */
  waitingFor: string | null;
  /** Progress as done/total tasks, when StarRocks reports it. */
  progress: { done: number; total: number } | null;
  submittedAt: string | null;
  /** The job's own finish time (`FinishedTime`, or when OSS got its `__info_` file). */
  finishedAt: string | null;
  /** StarRocks' own error text when the job failed. */
  error: string | null;
}

/** One `BACKUP SNAPSHOT` of one database, inside a backup set. */
export interface DatabaseBackup extends TrackedJob<BackupJobState> {
  attempt: number;
  /** Times the BACKUP statement was sent again because SHOW BACKUP and OSS proved it never ran. */
  resends: number;
  tables: string[];
  /** `backup_timestamp` as StarRocks wrote it (`yyyy-MM-dd-HH-mm-ss-SSS`, FE zone); needed to restore. */
  backupTimestamp: string | null;
  /** The moment the snapshot was taken, as a UTC instant. */
  snapshotAt: string | null;
  sizeBytes: number | null;
  objectCount: number | null;
}

export interface LeftOut {
  views: { database: string; name: string }[];
  materializedViews: { database: string; name: string; reason: string }[];
  colocateGroups: { database: string; group: string; tables: string[] }[];
  unsupportedTables: { database: string; table: string; reason: string }[];
}

/** One line of a backup set's timeline: when, and what happened. */
export interface BackupEvent {
  at: string;
  what: string;
  /** A step inside a database's job (its StarRocks state): dropped first when the timeline is full. */
  minor?: boolean;
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
  /**
   * The failure was a refusal (a shared-data cluster, a bucket in another region, nothing that
   * can be backed up): trying again without a change cannot help, so nobody is told to.
   */
  refused: boolean;
  warnings: string[];
  /** The set's timeline, oldest first, bounded (`src/domain/backup-events.ts`): `/backup describe` shows it. */
  events: BackupEvent[];
  /** StarRocks version of the source, for restore preflight. */
  sourceVersion: string | null;
  expiryWarnedAt: string | null;
  /** While the cluster or OSS does not answer: since when, what it said, when the channel was told. */
  outage: { since: string; error: string; announcedAt: string | null } | null;
  deletedAt: string | null;
  deletedBy: string | null;
  /** Why the retention sweep keeps the set past its expiry, as last announced; null when not kept. */
  retentionHold: RetentionHold | null;
  /** OSS refused to delete its objects (a retention lock): said once, tried again later. */
  deletionBlocked: DeletionBlock | null;
}

/** Why the retention sweep keeps a set past its expiry. */
export interface RetentionHold {
  /** `last_good`: the instance's newest good backup; `restore`: a restore still reads it. */
  reason: 'last_good' | 'restore';
  /** The restores that read it (reason `restore`). */
  restoreIds: string[];
  since: string;
}

/** A deletion the outside refuses for a long while (a bucket's retention lock, a set outside its repository). */
export interface DeletionBlock {
  reason: string;
  since: string;
  /** When the deletion is tried again. */
  retryAt: string;
}

/** An instance released with `/backup release`: no schedule and no runs until it leaves the configuration. */
export interface InstanceRelease {
  instanceId: string;
  releasedAt: string;
  /** Who released it (person id, or platform:user). */
  releasedBy: string;
  /** The backup sets the release deletes. */
  setIds: string[];
  /** Storage they held when the release started. */
  bytes: number;
  taskId: string;
  /** When every set was deleted; null while the deletion runs. */
  finishedAt: string | null;
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
  /** Per database: its `RESTORE SNAPSHOT` job. */
  jobs: DatabaseRestore[];
  /**
   * One more with every change of state. A decision names the version it was made on, so a
   * button on an older message (or a second click) cannot decide twice.
   */
  version: number;
  /** `replication_num` of the restored tables (default: the source's). */
  replicationNum: number;
  /** What the chosen databases' snapshots hold on OSS, for the approval message. */
  sizeBytes: number | null;
  /** An admin approved their own request; the target instance allows it (`selfApproval`). */
  selfApproved: boolean;
  /** The source's StarRocks repository: the read-only one on the target has its name and location. */
  repository: string;
  /**
   * Whether this restore created that repository on the target (so drops it at the end): null
   * until looked at; true is recorded before the CREATE is sent.
   */
  repositoryOwned: boolean | null;
  repositoryDropped: boolean;
  /** Databases that did not exist on the target before this restore (created by the bot or by StarRocks 3.4+). */
  createdDatabases: string[];
  /** Of those, the ones dropped again because their restore failed before any data was committed. */
  droppedDatabases: string[];
  warnings: string[];
}

/** One `RESTORE SNAPSHOT` of one database, inside a restore. */
export interface DatabaseRestore extends TrackedJob<RestoreJobState> {
  /** The snapshot's `backup_timestamp`, exactly as StarRocks wrote it. */
  backupTimestamp: string;
  /** The tables restored (the ones the backup holds). */
  tables: string[];
  /** Seen at COMMIT or later: data may have been written, so the database is never dropped. */
  committed: boolean;
  /** Times the RESTORE statement was sent again after SHOW RESTORE proved it never ran. */
  resends: number;
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

/** A person of the configuration, with their accounts on each platform. */
export interface Person {
  /** Stable person id (the configuration's `name`). */
  id: string;
  displayName: string;
  slack: string[];
  dingtalk: string[];
  terminal: string[];
  /** Role per instance id; `*` for all instances. The highest applicable role wins. */
  roles: Record<string, Role>;
}

/** A daily window of local time (`HH:mm`, may wrap past midnight: 22:00-02:00). */
export interface PeakWindow {
  from: string;
  to: string;
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
