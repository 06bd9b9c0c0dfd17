// Snapshots on OSS as the FE reads them: the `__info_` JSON (§5), SHOW SNAPSHOT (§3).

import { z } from 'zod';
import type { SimRepository } from './repositories';
import { SqlError, type ResultSet } from './types';

const indexSchema = z.object({
  id: z.number(),
  schema_hash: z.number(),
  /** Tablet id → the file names (with their `.<md5>` suffix) of that tablet directory. */
  tablets: z.record(z.string(), z.array(z.string())),
});
const partitionSchema = z.object({
  id: z.number(),
  version: z.number(),
  /** Simulator addition: rows of the partition when the backup was taken. */
  row_count: z.number().optional(),
  indexes: z.record(z.string(), indexSchema),
});
export const snapshotInfoSchema = z.object({
  name: z.string(),
  database: z.string(),
  id: z.number(),
  backup_time: z.number(),
  backup_objects: z.record(
    z.string(),
    z.object({ id: z.number(), partitions: z.record(z.string(), partitionSchema) }),
  ),
  meta_version: z.number(),
  starrocks_meta_version: z.number(),
  backup_result: z.string(),
});
export type SnapshotInfo = z.infer<typeof snapshotInfoSchema>;

/** `name.<32 hex>` → name, or null when the suffix is not an md5 (§3.2). */
export function stripChecksum(file: string): { name: string; md5: string } | null {
  const m = /^(.*)\.([0-9a-f]{32})$/.exec(file);
  return m && m[1] !== undefined && m[2] ? { name: m[1], md5: m[2] } : null;
}

export function snapshotKey(repo: SimRepository, snapshot: string): string {
  return `${repo.rootKey}/__ss_${snapshot}`;
}

/** Timestamps of the `__info_` files of one snapshot (`Invalid: <file>` for bad names). */
async function infoTimestamps(repo: SimRepository, snapshot: string): Promise<string[]> {
  const dir = `${snapshotKey(repo, snapshot)}/`;
  const listed = await repo.store.list(`${dir}__info_`, '/');
  const out: string[] = [];
  for (const o of listed.objects) {
    const file = o.name.slice(dir.length);
    const parsed = stripChecksum(file);
    out.push(parsed ? parsed.name.slice('__info_'.length) : `Invalid: ${file}`);
  }
  return out;
}

export async function snapshotExists(repo: SimRepository, snapshot: string): Promise<boolean> {
  const listed = await repo.store.list(`${repo.rootKey}/__ss_`, '/');
  return listed.prefixes.includes(`${snapshotKey(repo, snapshot)}/`);
}

/** Downloads the info file of that exact timestamp; the reason text on failure (§3.3). */
export async function readSnapshotInfo(
  repo: SimRepository,
  snapshot: string,
  timestamp: string,
): Promise<{ info: SnapshotInfo } | { error: string }> {
  const dir = `${snapshotKey(repo, snapshot)}/`;
  let names: string[];
  try {
    names = (await repo.store.list(`${dir}__info_${timestamp}`)).objects.map((o) => o.name);
  } catch (err) {
    return { error: (err as Error).message };
  }
  const matching = names.filter((n) => stripChecksum(n.slice(dir.length))?.name === `__info_${timestamp}`);
  if (matching.length === 0) return { error: 'File does not exist' };
  if (matching.length > 1) return { error: `Expected one file with path: ${dir}__info_${timestamp}. get: ${matching.length}` };
  try {
    const body = await repo.store.get(matching[0] as string);
    return { info: snapshotInfoSchema.parse(JSON.parse(body.toString('utf8'))) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** The brief printed in `Details` (§3.2 B): pretty JSON, indent 1. */
function brief(info: SnapshotInfo): string {
  const objects: Record<string, { partitions: Record<string, object>; autoIncrementId: number }> = {};
  for (const [table, t] of Object.entries(info.backup_objects)) {
    objects[table] = { partitions: Object.fromEntries(Object.keys(t.partitions).map((p) => [p, {}])), autoIncrementId: 0 };
  }
  return JSON.stringify(
    {
      name: info.name,
      database: info.database,
      backup_time: info.backup_time,
      backup_objects: objects,
      meta_version: info.meta_version,
      starrocks_meta_version: info.starrocks_meta_version,
      backup_result: info.backup_result,
    },
    null,
    1,
  );
}

export async function showSnapshot(
  repo: SimRepository,
  snapshot: string | null,
  timestamp: string | null,
): Promise<ResultSet> {
  if (snapshot !== null && timestamp !== null) {
    const got = await readSnapshotInfo(repo, snapshot, timestamp);
    const columns = ['Snapshot', 'Timestamp', 'Database', 'Details', 'Status'];
    if ('error' in got) return { columns, rows: [[snapshot, timestamp, null, null, `Failed to get info: ${got.error}`]] };
    return { columns, rows: [[snapshot, timestamp, got.info.database, brief(got.info), 'OK']] };
  }
  const columns = ['Snapshot', 'Timestamp', 'Status'];
  let names: string[];
  if (snapshot !== null) names = [snapshot];
  else {
    try {
      const listed = await repo.store.list(`${repo.rootKey}/__ss_`, '/');
      names = listed.prefixes.map((p) => p.slice(`${repo.rootKey}/__ss_`.length).replace(/\/$/, ''));
    } catch (err) {
      throw new SqlError(`Failed to list snapshot in repo: ${repo.name}, err: ${(err as Error).message}`);
    }
  }
  const rows: (string | null)[][] = [];
  for (const name of names) {
    try {
      const stamps = await infoTimestamps(repo, name);
      rows.push([name, stamps.join('\n'), stamps.length > 0 ? 'OK' : 'ERROR: no snapshot']);
    } catch (err) {
      rows.push([name, null, `ERROR: Failed to get info: ${(err as Error).message}`]);
    }
  }
  return { columns, rows };
}
