// The `__info_<ts>` file StarRocks writes last (its BackupJobInfo JSON). Lenient with keys we do
// not use, strict with the types of those we do. `row_count` is not in real StarRocks files (our
// simulator adds it), so it is optional.

import { z } from 'zod';
import { OutsideError } from '../../src/domain/errors';
import type { SnapshotInfoFile } from '../../src/ports';
import { parseAnswer } from './session';

const PartitionJson = z.object({
  version: z.number().int(),
  row_count: z.number().int().nonnegative().nullish(),
});

const TableJson = z.object({
  partitions: z.record(z.string(), PartitionJson).default({}),
});

const BackupJobInfoJson = z.object({
  name: z.string().min(1),
  database: z.string().min(1),
  backup_time: z.number().int().nonnegative(),
  backup_objects: z.record(z.string(), TableJson),
});

export function parseSnapshotInfo(text: string, what: string): Omit<SnapshotInfoFile, 'writtenAt'> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new OutsideError('oss', 'protocol', `OSS ${what}: not JSON (${reason})`);
  }
  const info = parseAnswer(BackupJobInfoJson, json, what);
  return {
    snapshotName: info.name,
    database: info.database,
    backupTime: new Date(info.backup_time),
    tables: Object.entries(info.backup_objects).map(([name, table]) => ({
      name,
      partitions: Object.entries(table.partitions).map(([partitionName, partition]) => ({
        name: partitionName,
        version: partition.version,
        rowCount: partition.row_count ?? null,
      })),
    })),
  };
}
