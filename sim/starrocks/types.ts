// What a simulated StarRocks instance is made of, as the tests and the sandbox describe it.

export type SimTableKind = 'OLAP' | 'VIEW' | 'ASYNC_MV' | 'EXTERNAL';

export interface SimPartitionSpec {
  name: string;
  rows: number;
  version: number;
}

export interface SimTableSpec {
  name: string;
  kind: SimTableKind;
  /** Total rows (split over the partitions when none are given). */
  rows: number;
  /** Range partitions; none = an unpartitioned table (one partition named like the table). */
  partitions?: SimPartitionSpec[];
  /** Synchronous materialized views (rollups) of an OLAP table. */
  rollups?: string[];
  colocateGroup?: string;
  tempPartitions?: boolean;
  /**
   * A stand-in for the table's schema: two tables with the same name but different schemas
   * make RESTORE cancel (reference §4.4). Defaults to a value derived from the name.
   */
  schemaHash?: number;
}

export interface SimDatabaseSpec {
  name: string;
  tables: SimTableSpec[];
}

export interface SimInstanceSpec {
  id: string;
  /** `3.3.5`, `2.5.22`, `3.4.1`... decides the wire format of errors and `run_mode` support. */
  version: string;
  runMode: 'shared_nothing' | 'shared_data';
  /** The FE JVM's zone: job times and backup timestamps are written in it. */
  timeZone: string;
  liveBackends: number;
  enableBackupMaterializedView: boolean;
  databases: SimDatabaseSpec[];
  /**
   * False = the user lacks OPERATE: `ADMIN SHOW FRONTEND CONFIG` answers an empty set, as a 3.x
   * FE does (SPEC §3 preflight). Default true.
   */
  operatePrivilege?: boolean;
  /** Privileges printed by SHOW GRANTS for the user; defaults to root's. */
  grants?: string[];
  /** What SHOW GRANTS FOR ROLE prints per role; a role not listed does not exist. */
  roleGrants?: Record<string, string[]>;
  /** Region to use for the OSS client when GetBucketInfo is refused (e.g. `oss-cn-hangzhou`). */
  ossRegionHint?: string;
}

export type BackupState =
  | 'PENDING'
  | 'SNAPSHOTING'
  | 'UPLOAD_SNAPSHOT'
  | 'UPLOADING'
  | 'SAVE_META'
  | 'UPLOAD_INFO'
  | 'FINISHED'
  | 'CANCELLED';

export type RestoreState =
  | 'PENDING'
  | 'SNAPSHOTING'
  | 'DOWNLOAD'
  | 'DOWNLOADING'
  | 'COMMIT'
  | 'COMMITTING'
  | 'FINISHED'
  | 'CANCELLED';

/** A result set as sent on the wire: every column VARCHAR, `null` = SQL NULL. */
export interface ResultSet {
  columns: string[];
  rows: (string | null)[][];
}

/** An error as StarRocks would raise it; `origin` decides the wrapper per version (reference §8.1). */
export class SqlError extends Error {
  constructor(
    message: string,
    readonly origin: 'analyzer' | 'handler' | 'syntax' | 'auth' | 'plain' = 'handler',
  ) {
    super(message);
  }
}

export type StatementResult = ResultSet | 'ok';
