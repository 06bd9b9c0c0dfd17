// The `ObjectStore` port over ali-oss: one bucket of one region.

import type { BucketSafety, DeleteProgress, ObjectStore, ObjectStoreConnection, ObjectStoreConnector, SnapshotInfoFile, SnapshotListing, SnapshotScope } from '../../src/ports';
import { bucketRegionOf, bucketSafetyOf } from './bucket-checks';
import { DEFAULT_DELETE_SETTINGS, deleteUnderPrefix, type DeleteSettings } from './delete-prefix';
import { deleteSnapshotsIn, listRepositoriesUnder } from './delete-snapshots';
import { usageUnder } from './listing';
import { createOssWire, createSocketPools, type SocketPools } from './oss-client';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry';
import { createSession, type OssSession } from './session';
import { listSnapshotsUnder, readSnapshotInfoUnder } from './snapshots';

export interface AliOssStoreOptions {
  /** Per-request timeout in ms; default 60 s. */
  timeoutMs?: number;
  /** Sockets per pool; default 16. Ignored when `pools` is given. */
  maxSockets?: number;
  /** Keep-alive pools to share between stores (the connector shares one set). */
  pools?: SocketPools;
  /** Overrides of the retry policy (tests inject a fast `sleep`). */
  retry?: Partial<RetryPolicy>;
  delete?: Partial<DeleteSettings>;
}

export class AliOssStore implements ObjectStore {
  readonly bucket: string;
  private readonly session: OssSession;
  private readonly deleteSettings: DeleteSettings;

  constructor(conn: ObjectStoreConnection, options: AliOssStoreOptions = {}) {
    this.bucket = conn.bucket;
    const pools = options.pools ?? createSocketPools(options.maxSockets ?? 16);
    const wire = createOssWire(conn, { timeoutMs: options.timeoutMs ?? 60_000, pools });
    const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.session = createSession(conn.bucket, wire, policy, [conn.accessKeySecret]);
    this.deleteSettings = { ...DEFAULT_DELETE_SETTINGS, ...options.delete };
  }

  bucketRegion(): Promise<string> {
    return bucketRegionOf(this.session);
  }

  bucketSafety(keyPrefix: string): Promise<BucketSafety> {
    return bucketSafetyOf(this.session, keyPrefix);
  }

  usage(keyPrefix: string): Promise<{ bytes: number; objects: number }> {
    return usageUnder(this.session, keyPrefix);
  }

  listSnapshots(repositoryRoot: string): Promise<SnapshotListing[]> {
    return listSnapshotsUnder(this.session, repositoryRoot);
  }

  readSnapshotInfo(repositoryRoot: string, snapshotName: string): Promise<SnapshotInfoFile | null> {
    return readSnapshotInfoUnder(this.session, repositoryRoot, snapshotName);
  }

  deletePrefix(keyPrefix: string, onProgress?: (p: DeleteProgress) => void): Promise<{ deleted: number }> {
    return deleteUnderPrefix(this.session, keyPrefix, this.deleteSettings, onProgress);
  }

  deleteSnapshots(scope: SnapshotScope, onProgress?: (p: DeleteProgress) => void): Promise<{ deleted: number }> {
    return deleteSnapshotsIn(this.session, scope, this.deleteSettings, onProgress);
  }

  listRepositories(keyPrefix: string): Promise<string[]> {
    return listRepositoriesUnder(this.session, keyPrefix);
  }
}

/** A connector whose stores share the given options (timeouts, retry policy, ...) and socket pools. */
export function createAliOssConnector(options: AliOssStoreOptions = {}): ObjectStoreConnector {
  let pools = options.pools;
  return {
    connect: (conn) => {
      pools ??= createSocketPools(options.maxSockets ?? 16);
      return new AliOssStore(conn, { ...options, pools });
    },
  };
}

export const aliOssConnector: ObjectStoreConnector = createAliOssConnector();
