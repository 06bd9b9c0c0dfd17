// The interfaces the core needs from the outside. Adapters implement them; the core never
// imports an adapter. Every method that talks to a real system may throw an `OutsideError`
// (src/domain/errors.ts) whose `kind` says what went wrong in the core's words.

import type {
  AuditEvent,
  BackupSet,
  BackupSetState,
  ChannelAddress,
  RestoreRequest,
  StoredSettings,
  Task,
} from './domain/types';
import type { Reply } from '../commands/reply';

// ---------------------------------------------------------------- time

export interface Clock {
  now(): Date;
}

// ---------------------------------------------------------------- StarRocks

export interface StarRocksVersion {
  /** As returned by `current_version()`, e.g. `3.3.5 abc1234`. */
  raw: string;
  major: number;
  minor: number;
  patch: number;
}

export type RunMode = 'shared_nothing' | 'shared_data';

export interface TableInfo {
  name: string;
  /** `OLAP` tables can be backed up; the rest are reported as left out. */
  kind: 'OLAP' | 'VIEW' | 'ASYNC_MV' | 'EXTERNAL' | 'CLOUD_NATIVE' | 'OTHER';
  /** Synchronous MVs (rollups) travel with their base table: listed here for the report. */
  syncMaterializedViews: string[];
  colocateGroup: string | null;
  hasTemporaryPartitions: boolean;
}

export interface DatabaseInventory {
  name: string;
  tables: TableInfo[];
}

export interface Inventory {
  databases: DatabaseInventory[];
  /** Whether this cluster backs up asynchronous MVs (3.2.3+ and `enable_backup_materialized_view`). */
  backsUpAsyncMaterializedViews: boolean;
}

/** A StarRocks repository on OSS, as the bot creates it. */
export interface RepositorySpec {
  name: string;
  /** `oss://<bucket>/<path>` without a trailing slash. */
  location: string;
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  readOnly: boolean;
}

export type BackupJobState =
  | 'PENDING'
  | 'SNAPSHOTING'
  | 'UPLOAD_SNAPSHOT'
  | 'UPLOADING'
  | 'SAVE_META'
  | 'UPLOAD_INFO'
  | 'FINISHED'
  | 'CANCELLED';

export interface BackupJob {
  jobId: string;
  snapshotName: string;
  database: string;
  state: BackupJobState;
  /** Times as UTC instants (read in the FE's zone). */
  createdAt: Date;
  snapshotFinishedAt: Date | null;
  uploadFinishedAt: Date | null;
  finishedAt: Date | null;
  progress: { done: number; total: number } | null;
  taskErrors: string;
  /** Raw `Status`, e.g. `[OK]` or `[COMMON_ERROR, msg: ...]`. */
  status: string;
  timeoutSeconds: number;
}

export type RestoreJobState =
  | 'PENDING'
  | 'SNAPSHOTING'
  | 'DOWNLOAD'
  | 'DOWNLOADING'
  | 'COMMIT'
  | 'COMMITTING'
  | 'FINISHED'
  | 'CANCELLED';

export interface RestoreJob {
  jobId: string;
  snapshotName: string;
  backupTimestamp: string;
  database: string;
  state: RestoreJobState;
  createdAt: Date;
  finishedAt: Date | null;
  progress: { done: number; total: number } | null;
  taskErrors: string;
  status: string;
  timeoutSeconds: number;
}

/** One row of `SHOW SNAPSHOT ON repo WHERE SNAPSHOT = ...`. */
export interface SnapshotStatus {
  snapshotName: string;
  /** Every `__info_` timestamp found (normally one); empty when none. */
  timestamps: string[];
  /** `OK`, or StarRocks' `ERROR: ...` text. */
  status: string;
}

export interface PartitionInfo {
  name: string;
  visibleVersion: number;
  rowCount: number | null;
}

/** One instance's cluster, reached over the MySQL protocol. */
export interface StarRocksClient {
  version(): Promise<StarRocksVersion>;
  /** Throws `OutsideError('privileges')` when 3.0+ answers nothing (missing privilege). */
  runMode(): Promise<RunMode>;
  /** The FE's time zone (IANA name or `+08:00` offset) as the cluster reports it. */
  timeZone(): Promise<string>;
  liveBackends(): Promise<number>;
  /** Privileges of the bot's user, as StarRocks prints them (for the preflight message). */
  privileges(): Promise<string[]>;
  inventory(): Promise<Inventory>;
  databaseExists(database: string): Promise<boolean>;
  createDatabase(database: string): Promise<void>;
  dropDatabase(database: string): Promise<void>;
  /** Creates the repository unless one with that name exists; says which. */
  ensureRepository(spec: RepositorySpec): Promise<'created' | 'exists'>;
  dropRepository(name: string): Promise<void>;
  submitBackup(req: {
    database: string;
    snapshotName: string;
    repository: string;
    tables: string[];
    timeoutSeconds: number;
  }): Promise<void>;
  /** The job of that snapshot name, or `null` when the database's slot shows another job or none. */
  findBackupJob(database: string, snapshotName: string): Promise<BackupJob | null>;
  showSnapshot(repository: string, snapshotName: string): Promise<SnapshotStatus>;
  submitRestore(req: {
    database: string;
    snapshotName: string;
    repository: string;
    backupTimestamp: string;
    tables: string[];
    replicationNum: number;
    timeoutSeconds: number;
  }): Promise<void>;
  findRestoreJob(database: string, snapshotName: string): Promise<RestoreJob | null>;
  partitions(database: string, table: string): Promise<PartitionInfo[]>;
  countRows(database: string, table: string): Promise<number>;
  close(): Promise<void>;
}

export interface StarRocksConnection {
  instanceId: string;
  frontends: { host: string; port: number }[];
  user: string;
  password: string;
  /** Overrides the zone the FE reports (for reading job times). */
  feTimeZone?: string;
  connectTimeoutMs?: number;
  queryTimeoutMs?: number;
}

export interface StarRocksConnector {
  /** Returns a client with its own pool; cheap to call, connects lazily. */
  connect(conn: StarRocksConnection): StarRocksClient;
}

// ---------------------------------------------------------------- OSS

export interface BucketSafety {
  versioning: 'Enabled' | 'Suspended' | 'Off';
  /** Retention lock (WORM) state, when one is configured. */
  retentionLock: { state: string; days: number } | null;
  /** Lifecycle rules whose prefix covers the given key prefix (objects may vanish behind the bot). */
  lifecycleRules: { id: string; prefix: string; status: string; expirationDays: number | null }[];
}

/** A snapshot directory found under a repository on OSS. */
export interface SnapshotListing {
  snapshotName: string;
  /** `__info_<ts>` present: the backup finished. */
  complete: boolean;
  backupTimestamps: string[];
}

/** What `__info_<ts>` recorded, as far as the bot needs it. */
export interface SnapshotInfoFile {
  snapshotName: string;
  database: string;
  backupTime: Date;
  tables: {
    name: string;
    partitions: { name: string; version: number; rowCount: number | null }[];
  }[];
}

export interface DeleteProgress {
  deleted: number;
  /** Known total when the listing is complete; null while still listing. */
  total: number | null;
}

/** One region's bucket, through the OSS API. Keys are relative to the bucket. */
export interface ObjectStore {
  readonly bucket: string;
  /** The bucket's region id without the `oss-` prefix, e.g. `cn-hangzhou`. */
  bucketRegion(): Promise<string>;
  bucketSafety(keyPrefix: string): Promise<BucketSafety>;
  /** Sum of sizes and count of objects under a prefix (every page). */
  usage(keyPrefix: string): Promise<{ bytes: number; objects: number }>;
  /** Snapshot directories under `<repositoryRoot>/__ss_*`. */
  listSnapshots(repositoryRoot: string): Promise<SnapshotListing[]>;
  /** Parsed `__info_` file of one snapshot, or null when there is none (not finished). */
  readSnapshotInfo(repositoryRoot: string, snapshotName: string): Promise<SnapshotInfoFile | null>;
  /**
   * Deletes every object under the prefix, in batches of at most 1000 keys, retrying throttling
   * and 5xx. Safe to call again after a crash: it resumes with what is left. Resolves only when
   * a final listing finds nothing left.
   */
  deletePrefix(keyPrefix: string, onProgress?: (p: DeleteProgress) => void): Promise<{ deleted: number }>;
}

export interface ObjectStoreConnection {
  region: string;
  bucket: string;
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
}

export interface ObjectStoreConnector {
  connect(conn: ObjectStoreConnection): ObjectStore;
}

// ---------------------------------------------------------------- chat

/** A message the platform delivered, so it can be edited in place later. */
export interface DeliveredMessage {
  platform: ChannelAddress['platform'];
  channelId: string;
  messageId: string;
}

export interface Notifier {
  readonly platform: ChannelAddress['platform'];
  post(channel: ChannelAddress, reply: Reply): Promise<DeliveredMessage>;
  /** Edits a message in place; platforms that cannot edit post a new message and return it. */
  update(message: DeliveredMessage, reply: Reply): Promise<DeliveredMessage>;
}

// ---------------------------------------------------------------- state

export interface OutboxItem {
  id: string;
  /** Messages with the same key are one message edited in place (progress); null = a new post each time. */
  key: string | null;
  channel: ChannelAddress;
  reply: Reply;
  createdAt: string;
  attempts: number;
  nextAttemptAt: string;
  deliveredAt: string | null;
  lastError: string | null;
}

export interface BackupSetFilter {
  instanceId?: string;
  states?: BackupSetState[];
}

export interface Store {
  /** Settings of an instance, or null when never saved (callers use the defaults). */
  getSettings(instanceId: string): Promise<StoredSettings | null>;
  /**
   * Saves settings whose `version` is one more than the stored version (0 when none).
   * Throws `StaleUpdateError` carrying the stored settings when someone saved first.
   */
  saveSettings(next: StoredSettings): Promise<StoredSettings>;
  listSettings(): Promise<StoredSettings[]>;

  /**
   * Adds a set. For a scheduled set, throws `DayTakenError` (with the set that holds the day)
   * when the same instance already has a scheduled set for that local day that is running or
   * good; a FAILED one does not hold its day. Throws `ConflictError` on a duplicate id.
   */
  createBackupSet(set: BackupSet): Promise<void>;
  getBackupSet(id: string): Promise<BackupSet | null>;
  /** Read-modify-write under the store's lock; the mutator must be pure. */
  updateBackupSet(id: string, mutate: (current: BackupSet) => BackupSet): Promise<BackupSet>;
  /** Newest first. */
  listBackupSets(filter?: BackupSetFilter): Promise<BackupSet[]>;

  createRestoreRequest(req: RestoreRequest): Promise<void>;
  getRestoreRequest(id: string): Promise<RestoreRequest | null>;
  updateRestoreRequest(id: string, mutate: (current: RestoreRequest) => RestoreRequest): Promise<RestoreRequest>;
  listRestoreRequests(filter?: { instanceId?: string }): Promise<RestoreRequest[]>;

  upsertTask(task: Task): Promise<void>;
  getTask(id: string): Promise<Task | null>;
  /** Newest first. */
  listTasks(filter?: { instanceId?: string; states?: Task['state'][] }): Promise<Task[]>;

  appendAudit(event: AuditEvent): Promise<void>;
  /** Newest first. */
  listAudit(filter?: { instanceId?: string; limit?: number }): Promise<AuditEvent[]>;

  /**
   * Queues a notification. An item with the key and channel of an undelivered one replaces its
   * reply and takes over its place under the new id (so a delivery of the old id under way
   * cannot mark the newer reply delivered).
   */
  enqueue(item: OutboxItem): Promise<void>;
  /** Undelivered items due at `now`, oldest first. */
  dueOutbox(now: Date, limit: number): Promise<OutboxItem[]>;
  /** An id no longer queued (replaced by a newer reply of its key) is ignored. */
  markDelivered(id: string, at: Date): Promise<void>;
  markFailed(id: string, error: string, nextAttemptAt: Date): Promise<void>;
  /** Where a keyed message was delivered, so the next one with that key edits it. */
  getDelivery(key: string): Promise<DeliveredMessage[]>;
  setDelivery(key: string, messages: DeliveredMessage[]): Promise<void>;

  /** Small named values (the action-signing key, the last scheduler tick, ...). */
  getValue(name: string): Promise<string | null>;
  setValue(name: string, value: string): Promise<void>;

  close(): Promise<void>;
}

// ---------------------------------------------------------------- logging

/** A pino-compatible logger: structured fields first, message second. */
export interface Logger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
  child(bindings: object): Logger;
}

// ---------------------------------------------------------------- cron

export interface CronJob {
  stop(): void;
}

/** Fires `onTick` at each match of a 5-field cron expression in a time zone. */
export interface Cron {
  schedule(expression: string, timezone: string, onTick: (firedAt: Date) => void): CronJob;
}
