// What a simulated FE keeps across a restart, as a real one keeps its catalog, repositories and
// job log (SPEC section 4: the sandbox's clusters keep their state under BOT_DATA_DIR). One JSON
// file per instance, checked with these schemas when read back.

import { z } from 'zod';
import type { SimTable } from './catalog';
import { snapshotInfoSchema } from './snapshots';

const id = z.number().int();
const instant = z.iso.datetime();

const indexSchema = z.object({ id, name: z.string(), schemaHash: z.number() });
const partitionSchema = z.object({
  id,
  name: z.string(),
  rows: z.number(),
  version: z.number(),
  /** Tablet ids per index id. */
  tablets: z.array(z.tuple([id, z.array(id)])),
});
export const tableStateSchema = z.object({
  id,
  name: z.string(),
  kind: z.enum(['OLAP', 'VIEW', 'ASYNC_MV', 'EXTERNAL']),
  schemaHash: z.number(),
  indexes: z.array(indexSchema),
  partitions: z.array(partitionSchema),
  partitioned: z.boolean(),
  colocateGroup: z.string().nullable(),
  tempPartitions: z.boolean(),
});
export type TableState = z.infer<typeof tableStateSchema>;

const databaseSchema = z.object({ id, name: z.string(), tables: z.array(tableStateSchema) });
export type DatabaseState = z.infer<typeof databaseSchema>;

export const repositoryStateSchema = z.object({
  id,
  name: z.string(),
  readOnly: z.boolean(),
  location: z.string(),
  broker: z.string().nullable(),
  createTime: z.string(),
  rootKey: z.string(),
  errMsg: z.string().nullable(),
  /** The repository's properties, as CREATE REPOSITORY gave them (an FE keeps them too). */
  endpoint: z.string(),
  accessKeyId: z.string(),
  accessKeySecret: z.string(),
});
export type RepositoryState = z.infer<typeof repositoryStateSchema>;

const jobCommon = {
  jobId: id,
  label: z.string(),
  dbName: z.string(),
  repoName: z.string(),
  createTime: instant,
  finishedTime: instant.nullable(),
  snapshotFinishedTime: instant.nullable(),
  status: z.string(),
  timeoutSeconds: z.number(),
  unfinishedTasks: z.string(),
  progress: z.string(),
  taskErrMsg: z.string(),
};

export const backupJobStateSchema = z.object({
  ...jobCommon,
  type: z.literal('backup'),
  state: z.enum(['PENDING', 'SNAPSHOTING', 'UPLOAD_SNAPSHOT', 'UPLOADING', 'SAVE_META', 'UPLOAD_INFO', 'FINISHED', 'CANCELLED']),
  tableNames: z.array(z.string()),
  uploadFinishedTime: instant.nullable(),
  captured: z.array(z.object({ table: tableStateSchema, dbId: id })),
  info: snapshotInfoSchema.nullable(),
  uploadTaskId: id,
  tabletCount: z.number().int(),
  byTablet: z.array(z.tuple([id, z.array(z.string())])),
});
export type BackupJobState = z.infer<typeof backupJobStateSchema>;

export const restoreJobStateSchema = z.object({
  ...jobCommon,
  type: z.literal('restore'),
  state: z.enum(['PENDING', 'SNAPSHOTING', 'DOWNLOAD', 'DOWNLOADING', 'COMMIT', 'COMMITTING', 'FINISHED', 'CANCELLED']),
  backupTimestamp: z.string(),
  info: snapshotInfoSchema,
  targets: z.array(z.object({ source: z.string(), target: z.string() })),
  replicationNum: z.number().int(),
  metaPreparedTime: instant.nullable(),
  downloadFinishedTime: instant.nullable(),
  downloadTaskId: id,
  dbId: z.string(),
});
export type RestoreJobState = z.infer<typeof restoreJobStateSchema>;

export const clusterStateSchema = z.object({
  version: z.literal(1),
  instance: z.string(),
  nextId: id,
  databases: z.array(databaseSchema),
  repositories: z.array(repositoryStateSchema),
  jobs: z.array(z.discriminatedUnion('type', [backupJobStateSchema, restoreJobStateSchema])),
  backupSubmissions: z.array(z.tuple([z.string(), z.number().int()])),
  restoreSubmissions: z.array(z.tuple([z.string(), z.number().int()])),
});
export type ClusterState = z.infer<typeof clusterStateSchema>;

export function tableToState(table: SimTable): TableState {
  return { ...table, indexes: table.indexes.map((i) => ({ ...i })), partitions: table.partitions.map((p) => ({ ...p, tablets: [...p.tablets.entries()] })) };
}

export function tableFromState(state: TableState): SimTable {
  return { ...state, indexes: state.indexes.map((i) => ({ ...i })), partitions: state.partitions.map((p) => ({ ...p, tablets: new Map(p.tablets) })) };
}

export const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());
export const dateOf = (text: string | null): Date | null => (text === null ? null : new Date(text));
