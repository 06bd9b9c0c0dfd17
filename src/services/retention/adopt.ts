// Adopting snapshots found on OSS that the store has no record of (after the bot's state was
// lost, or backups made outside it): each becomes a FINISHED set, trigger `adopted`. Snapshots
// the bot made carry their set's id in their name (`bk_20261124_0230_prod_1__sales`), so the
// databases of one set come back together under the same id; other snapshots become one set each.
// Expiry counts from the snapshot time with the current retention.

import type { InstanceConfig } from '../../config/types';
import { expiresAt } from '../../domain/backup-set';
import { backupSetId, withCollisionSuffix } from '../../domain/ids';
import { snapshotOrigin } from '../../domain/retention';
import type { Actor, BackupSet, DatabaseBackup } from '../../domain/types';
import type { ObjectStore, SnapshotInfoFile } from '../../ports';

/** A snapshot directory on OSS the store does not know. */
export interface UnknownSnapshot {
  snapshotName: string;
  /** Its `__info_` file exists: the backup finished. */
  complete: boolean;
  /** The newest `backup_timestamp` in its `__info_` file names (cluster time), if complete. */
  backupTimestamp: string | null;
  sizeBytes: number;
  objects: number;
  /** A set of the store that once had it (a failed database, a deleted set): leftovers, not a backup to adopt. */
  leftoverOf: string | null;
}

interface Found {
  snapshot: UnknownSnapshot;
  info: SnapshotInfoFile;
  attempt: number;
}

function databaseOf(found: Found): DatabaseBackup {
  const { snapshot, info } = found;
  const snapshotAt = info.backupTime.toISOString();
  return {
    database: info.database,
    snapshotName: snapshot.snapshotName,
    attempt: found.attempt,
    resends: 0,
    tables: info.tables.map((t) => t.name),
    state: 'FINISHED',
    jobState: 'FINISHED',
    tracking: 'resolved_from_oss',
    waitingFor: null,
    progress: null,
    submittedAt: null,
    finishedAt: (info.writtenAt ?? info.backupTime).toISOString(),
    backupTimestamp: snapshot.backupTimestamp,
    snapshotAt,
    sizeBytes: snapshot.sizeBytes,
    objectCount: snapshot.objects,
    error: null,
  };
}

/** The sets to create for the adoptable snapshots (complete, not leftovers). `takenIds` grows with each new id. */
export async function adoptableSets(p: {
  instance: InstanceConfig;
  objects: ObjectStore;
  repositoryRoot: string;
  unknown: readonly UnknownSnapshot[];
  takenIds: Set<string>;
  retentionDays: number;
  actor: Actor;
}): Promise<BackupSet[]> {
  const { instance } = p;
  const groups = new Map<string, { origin: string | null; found: Found[] }>();
  for (const snapshot of p.unknown) {
    if (!snapshot.complete || snapshot.leftoverOf !== null) continue;
    const info = await p.objects.readSnapshotInfo(p.repositoryRoot, snapshot.snapshotName);
    if (!info) continue;
    const origin = snapshotOrigin(snapshot.snapshotName, instance.id);
    const key = origin?.setId ?? `snapshot:${snapshot.snapshotName}`;
    const group = groups.get(key) ?? { origin: origin?.setId ?? null, found: [] };
    // One snapshot per database: the newest attempt wins.
    const same = group.found.findIndex((f) => f.info.database === info.database);
    const candidate: Found = { snapshot, info, attempt: origin?.attempt ?? 1 };
    if (same < 0) group.found.push(candidate);
    else if ((group.found[same] as Found).info.backupTime < info.backupTime) group.found[same] = candidate;
    groups.set(key, group);
  }
  const sets: BackupSet[] = [];
  for (const { origin, found } of groups.values()) {
    const databases = found.map(databaseOf).sort((a, b) => a.database.localeCompare(b.database));
    const taken = Math.min(...found.map((f) => f.info.backupTime.getTime()));
    const finished = Math.max(...databases.map((d) => Date.parse(d.finishedAt as string)));
    let id = origin !== null && !p.takenIds.has(origin) ? origin : null;
    for (let n = 1; id === null && n < 1000; n++) {
      const candidate = withCollisionSuffix(backupSetId(new Date(taken), instance.timezone, instance.id), n);
      if (!p.takenIds.has(candidate)) id = candidate;
    }
    if (id === null) continue;
    p.takenIds.add(id);
    sets.push({
      id,
      instanceId: instance.id,
      region: instance.region,
      trigger: 'adopted',
      scheduledDay: null,
      late: false,
      state: 'FINISHED',
      requestedBy: p.actor.personId ?? (p.actor.platform === 'system' ? null : `${p.actor.platform}:${p.actor.userId}`),
      repository: instance.repository,
      startedAt: new Date(taken).toISOString(),
      finishedAt: new Date(finished).toISOString(),
      retentionDays: p.retentionDays,
      expiresAt: expiresAt(new Date(taken), p.retentionDays).toISOString(),
      databases,
      leftOut: { views: [], materializedViews: [], colocateGroups: [], unsupportedTables: [] },
      sizeBytes: databases.reduce((n, d) => n + (d.sizeBytes ?? 0), 0),
      objectCount: databases.reduce((n, d) => n + (d.objectCount ?? 0), 0),
      error: null,
      refused: false,
      // No timeline was recorded: /backup describe tells it from the snapshots' own times.
      events: [],
      warnings: ['Adopted from OSS by reconciliation: what this backup left out (views, colocate groups, ...) was not recorded.'],
      sourceVersion: null,
      expiryWarnedAt: null,
      deletedAt: null,
      deletedBy: null,
      outage: null,
      retentionHold: null,
      deletionBlocked: null,
    });
  }
  // Newest first, as every list of sets.
  return sets.sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
}
