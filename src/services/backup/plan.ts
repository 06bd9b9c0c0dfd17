// From the cluster's inventory to the per-database backup plan, and the record of what is left out.

import { snapshotName } from '../../domain/ids';
import type { DatabaseBackup, LeftOut } from '../../domain/types';
import type { Inventory } from '../../ports';

export interface BackupPlan {
  databases: DatabaseBackup[];
  leftOut: LeftOut;
  /** Databases with nothing StarRocks can back up. */
  empty: string[];
}

const REASONS: Record<string, string> = {
  EXTERNAL: 'external table: StarRocks cannot back it up',
  CLOUD_NATIVE: 'cloud-native (shared-data) table: StarRocks cannot back it up',
  OTHER: 'not an OLAP table: StarRocks cannot back it up',
};

/**
 * `taken`: snapshot names already in the repository (from OSS). A name in use gets the next
 * attempt suffix, so a snapshot is never confused with one left by an earlier run.
 */
export function planBackup(setId: string, inventory: Inventory, taken: ReadonlySet<string> = new Set()): BackupPlan {
  const leftOut: LeftOut = { views: [], materializedViews: [], colocateGroups: [], unsupportedTables: [] };
  const databases: DatabaseBackup[] = [];
  const empty: string[] = [];
  for (const db of inventory.databases) {
    const tables: string[] = [];
    const groups = new Map<string, string[]>();
    for (const t of db.tables) {
      switch (t.kind) {
        case 'OLAP':
          tables.push(t.name);
          if (t.colocateGroup) groups.set(t.colocateGroup, [...(groups.get(t.colocateGroup) ?? []), t.name]);
          if (t.hasTemporaryPartitions) {
            leftOut.unsupportedTables.push({ database: db.name, table: t.name, reason: 'its temporary partitions are not backed up (the table itself is)' });
          }
          break;
        case 'VIEW':
          leftOut.views.push({ database: db.name, name: t.name });
          break;
        case 'ASYNC_MV':
          if (inventory.backsUpAsyncMaterializedViews) tables.push(t.name);
          else {
            leftOut.materializedViews.push({
              database: db.name,
              name: t.name,
              reason: 'asynchronous materialized view not backed up by this cluster (needs StarRocks 3.2.3+ and enable_backup_materialized_view); recreate it after a restore',
            });
          }
          break;
        default:
          leftOut.unsupportedTables.push({ database: db.name, table: t.name, reason: REASONS[t.kind] ?? REASONS.OTHER as string });
      }
    }
    for (const [group, members] of groups) leftOut.colocateGroups.push({ database: db.name, group, tables: members });
    if (tables.length === 0) {
      empty.push(db.name);
      continue;
    }
    let attempt = 1;
    while (taken.has(snapshotName(setId, db.name, attempt))) attempt++;
    databases.push({
      database: db.name,
      snapshotName: snapshotName(setId, db.name, attempt),
      attempt,
      resends: 0,
      tables,
      state: 'PENDING',
      jobState: null,
      tracking: 'not_submitted',
      waitingFor: null,
      progress: null,
      submittedAt: null,
      finishedAt: null,
      backupTimestamp: null,
      snapshotAt: null,
      sizeBytes: null,
      objectCount: null,
      error: null,
    });
  }
  return { databases, leftOut, empty };
}

/** Timeout sized to the data: generous for what the last backup took, never the 1-day default blindly. */
export function backupTimeoutSeconds(previousBytes: number | null): number {
  if (previousBytes === null) return 6 * 3600;
  const assumedBytesPerSecond = 20 * 1024 * 1024; // a slow cluster: 20 MiB/s per database job
  const seconds = Math.ceil((previousBytes / assumedBytesPerSecond) * 3) + 1800;
  return Math.min(86_400, Math.max(3600, seconds));
}
