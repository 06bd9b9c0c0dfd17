// Building StarRocks repository layouts in the OSS simulator (reference/starrocks-backup.md §5).

import { createHash } from 'node:crypto';
import type { OssSimulator } from '../../sim/oss/server';
import { BUCKET } from './helpers';

export const ROOT = 'starrocks-backups/__starrocks_repository_prod_1';

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

export interface InfoOptions {
  database?: string;
  backupTime?: number;
  withRowCounts?: boolean;
}

/** A BackupJobInfo JSON as StarRocks writes it (row_count only when asked: the simulator adds it). */
export function infoJson(snapshot: string, opts: InfoOptions = {}): string {
  const partition = (id: number, version: number, rows: number): Record<string, unknown> => ({
    id,
    version,
    ...(opts.withRowCounts ? { row_count: rows } : {}),
    indexes: { orders: { id: id + 1, schema_hash: 123456, tablets: { [String(id + 2)]: [] } } },
  });
  return JSON.stringify({
    name: snapshot,
    database: opts.database ?? 'sales',
    id: 20001,
    backup_time: opts.backupTime ?? Date.UTC(2024, 11, 9, 2, 25, 58, 842),
    backup_objects: {
      orders: { id: 10001, partitions: { p20241208: partition(10002, 5, 1234), p20241209: partition(10010, 3, 99) } },
      customers: { id: 10020, partitions: { customers: partition(10021, 2, 10) } },
    },
    tablets_order: [],
    meta_version: 90,
    starrocks_meta_version: 3,
    backup_result: 'succeed',
  });
}

/** Data files of one snapshot; returns their keys. */
export function seedSnapshotData(sim: OssSimulator, snapshot: string, files: number): string[] {
  const dir = `${ROOT}/__ss_${snapshot}/__ss_content/__db_10000/__tbl_10001/__part_10002/__idx_10003/__10004/`;
  return Array.from({ length: files }, (_, i) => {
    const body = `segment ${i} of ${snapshot}`;
    const key = `${dir}0200000000000000${i}_0.dat.${md5(body)}`;
    sim.putObject(BUCKET, key, body);
    return key;
  });
}

/** A finished snapshot: data, `__meta` and `__info_<ts>` (written last). */
export function seedFinishedSnapshot(sim: OssSimulator, snapshot: string, timestamp: string, opts: InfoOptions = {}): void {
  seedSnapshotData(sim, snapshot, 3);
  sim.putObject(BUCKET, `${ROOT}/__ss_${snapshot}/__meta.${md5('meta')}`, 'meta');
  const info = infoJson(snapshot, opts);
  sim.putObject(BUCKET, `${ROOT}/__ss_${snapshot}/__info_${timestamp}.${md5(info)}`, info);
}
