// One instance's cluster, reached over the MySQL protocol.

import type { BackupJobState, RestoreJobState } from '../domain/jobs';

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

export type { BackupJobState, RestoreJobState };

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

/** A repository as SHOW REPOSITORIES lists it. */
export interface RepositoryInfo {
  name: string;
  location: string;
  readOnly: boolean;
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
  /** What SHOW GRANTS FOR ROLE prints for one role the user holds (custom roles' privileges). */
  roleGrants(role: string): Promise<string[]>;
  inventory(): Promise<Inventory>;
  databaseExists(database: string): Promise<boolean>;
  createDatabase(database: string): Promise<void>;
  dropDatabase(database: string): Promise<void>;
  /** The repositories of the cluster (SHOW REPOSITORIES). */
  repositories(): Promise<RepositoryInfo[]>;
  /** The highest `replication_num` of the tables of these databases; null when none says. */
  replicationNum(databases: string[]): Promise<number | null>;
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
  /** The backup job in the database's slot (the latest one), whatever its snapshot; null when none. */
  backupSlot(database: string): Promise<BackupJob | null>;
  showSnapshot(repository: string, snapshotName: string): Promise<SnapshotStatus>;
  /** Whether the database's restore slot holds any job (SHOW RESTORE FROM it shows a row). */
  restoreSlotTaken(database: string): Promise<boolean>;
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

