// One region's bucket, through the OSS API.

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
  /** When the `__info_` file was written (its Last-Modified): the moment the backup finished. */
  writtenAt: Date | null;
  tables: {
    name: string;
    partitions: { name: string; version: number; rowCount: number | null }[];
  }[];
}

/**
 * The snapshot directories one deletion may touch: `<repositoryRoot>/__ss_<name>/` for each name.
 * The adapter refuses a root that is not a StarRocks repository, a name that is not a snapshot
 * name, and any key outside these directories.
 */
export interface SnapshotScope {
  /** Key of the repository root, `<pathPrefix>/__starrocks_repository_<repo>` (no trailing slash). */
  repositoryRoot: string;
  snapshotNames: readonly string[];
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
  /**
   * Deletes every object of the given snapshots, and nothing else (see `SnapshotScope`), the way
   * `deletePrefix` does: resumable, and resolved only once a final listing of each snapshot
   * directory finds nothing. A bucket's retention lock refusing it is an `OutsideError` of kind
   * `immutable`; a scope outside a repository's snapshots is a `UserError` before any request.
   */
  deleteSnapshots(scope: SnapshotScope, onProgress?: (p: DeleteProgress) => void): Promise<{ deleted: number }>;
  /** Names of the StarRocks repositories (`__starrocks_repository_<name>/`) directly under a key prefix. */
  listRepositories(keyPrefix: string): Promise<string[]>;
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

