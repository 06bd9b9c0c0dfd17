// One BACKUP job (reference §2.4): PENDING → SNAPSHOTING → UPLOAD_SNAPSHOT → UPLOADING →
// SAVE_META → UPLOAD_INFO → FINISHED, or CANCELLED; one transition per step. Data files go to
// OSS in UPLOADING, `__meta` then `__info_<ts>` in UPLOAD_INFO, in the layout of §5.

import type { SimTable } from './catalog';
import { inBatches, timedOut, type JobContext, type SimJob } from './job-common';
import { md5Hex } from './repo-store';
import type { SnapshotInfo } from './snapshots';
import { snapshotKey } from './snapshots';
import { dateOf, iso, tableFromState, tableToState, type BackupJobState } from './state';
import { backupTimestamp, feTime, feTimeOrNull } from './time';
import type { BackupState } from './types';

/** Bytes of data file per row: small, but proportional to the rows (sizes in the bot's reports). */
export const BYTES_PER_ROW = 40;
const MAX_FILE_BYTES = 1 << 20;

interface DataFile {
  key: string;
  body: Buffer;
}

/** The files of one tablet directory: a header and one rowset segment (§5 "Naming rules"). */
export function tabletFiles(tabletId: number, schemaHash: number, version: number, rows: number): { name: string; body: Buffer }[] {
  const hdr = Buffer.from(JSON.stringify({ tablet_id: tabletId, schema_hash: schemaHash, version }));
  const size = Math.min(MAX_FILE_BYTES, Math.max(1, Math.round(rows * BYTES_PER_ROW)));
  const dat = Buffer.alloc(size, `${tabletId}:${version}|`);
  return [
    { name: `${tabletId}.hdr`, body: hdr },
    { name: `0200000000000000${tabletId.toString(16)}_0.dat`, body: dat },
  ];
}

export class BackupJob implements SimJob {
  readonly type = 'backup';
  jobId = -1;
  state: BackupState = 'PENDING';
  finishedTime: Date | null = null;
  snapshotFinishedTime: Date | null = null;
  uploadFinishedTime: Date | null = null;
  status = '[OK]';
  unfinishedTasks = '';
  progress = '';
  taskErrMsg = '';
  private captured: { table: SimTable; dbId: number }[] = [];
  private info: SnapshotInfo | null = null;
  private uploadTaskId = 0;
  private tabletCount = 0;

  constructor(
    readonly label: string,
    readonly dbName: string,
    readonly repoName: string,
    readonly tableNames: string[],
    readonly createTime: Date,
    readonly timeoutSeconds: number,
  ) {}

  async step(ctx: JobContext): Promise<void> {
    if (this.state === 'FINISHED' || this.state === 'CANCELLED') return;
    if (ctx.faults.isHeld(this.dbName, this.state)) return;
    if (timedOut(this, ctx.now())) return this.fail(ctx, '[TIMEOUT, msg: ]');
    const repo = ctx.repository(this.repoName);
    if (!repo) return this.fail(ctx, `[COMMON_ERROR, msg: failed to get repository: ${this.repoName}]`);
    switch (this.state) {
      case 'PENDING':
        return this.prepare(ctx);
      case 'SNAPSHOTING':
        this.snapshotFinishedTime = ctx.now();
        this.unfinishedTasks = '';
        this.state = 'UPLOAD_SNAPSHOT';
        return;
      case 'UPLOAD_SNAPSHOT':
        this.uploadTaskId = ctx.newId();
        this.unfinishedTasks = ctx.backendIds.map((be, i) => `${this.uploadTaskId + i}=${be}`).join(', ');
        this.progress = `[${this.uploadTaskId}: 0/${this.tabletCount}]`;
        this.state = 'UPLOADING';
        return;
      case 'UPLOADING':
        return this.upload(ctx);
      case 'SAVE_META':
        this.info = this.buildInfo();
        this.state = 'UPLOAD_INFO';
        return;
      case 'UPLOAD_INFO':
        return this.uploadInfo(ctx);
    }
  }

  private prepare(ctx: JobContext): void {
    if (this.jobId === -1) this.jobId = ctx.newId();
    const db = ctx.catalog.database(this.dbName);
    if (!db) return this.fail(ctx, `[COMMON_ERROR, msg: database ${this.dbName} has been dropped]`);
    this.captured = [];
    for (const name of this.tableNames) {
      const table = db.tables.find((t) => t.name === name);
      if (!table) return this.fail(ctx, `[COMMON_ERROR, msg: table ${name} has been dropped]`);
      this.captured.push({ table: structuredClone(table), dbId: db.id });
    }
    const tablets = this.captured.flatMap(({ table }) =>
      table.partitions.flatMap((p) => [...p.tablets.values()].flat()),
    );
    this.tabletCount = tablets.length;
    const bes = ctx.backendIds.length > 0 ? ctx.backendIds : [10001];
    this.unfinishedTasks = tablets.map((t, i) => `${t}=${bes[i % bes.length]}`).join(', ');
    this.state = 'SNAPSHOTING';
  }

  private dataFiles(root: string): { files: DataFile[]; byTablet: Map<number, string[]> } {
    const files: DataFile[] = [];
    const byTablet = new Map<number, string[]>();
    for (const { table, dbId } of this.captured) {
      for (const p of table.partitions) {
        for (const idx of table.indexes) {
          const tablets = p.tablets.get(idx.id) ?? [];
          const share = (idx.name === table.name ? p.rows : p.rows / 2) / Math.max(1, tablets.length);
          for (const tabletId of tablets) {
            const dir = `${root}/__ss_content/__db_${dbId}/__tbl_${table.id}/__part_${p.id}/__idx_${idx.id}/__${tabletId}`;
            const names: string[] = [];
            for (const f of tabletFiles(tabletId, idx.schemaHash, p.version, share)) {
              const name = `${f.name}.${md5Hex(f.body)}`;
              names.push(name);
              files.push({ key: `${dir}/${name}`, body: f.body });
            }
            byTablet.set(tabletId, names);
          }
        }
      }
    }
    return { files, byTablet };
  }

  private byTablet = new Map<number, string[]>();

  private async upload(ctx: JobContext): Promise<void> {
    const repo = ctx.repository(this.repoName);
    if (!repo) return;
    const { files, byTablet } = this.dataFiles(snapshotKey(repo, this.label));
    this.byTablet = byTablet;
    const failure = ctx.faults.takeBackupFailure(this.dbName);
    const toUpload = failure === null ? files : files.slice(0, Math.ceil(files.length / 2));
    try {
      await inBatches(toUpload, 8, (f) => repo.store.put(f.key, f.body));
    } catch (err) {
      this.taskErrMsg = `[${this.uploadTaskId}: ${(err as Error).message}]`;
      return this.fail(ctx, `[COMMON_ERROR, msg: upload failed: ${(err as Error).message}]`);
    }
    if (failure !== null) {
      this.taskErrMsg = `[${this.uploadTaskId}: ${failure}]`;
      return this.fail(ctx, `[COMMON_ERROR, msg: ${failure}]`);
    }
    this.progress = `[${this.uploadTaskId}: ${this.tabletCount}/${this.tabletCount}]`;
    this.unfinishedTasks = '';
    this.uploadFinishedTime = ctx.now();
    this.state = 'SAVE_META';
  }

  private buildInfo(): SnapshotInfo {
    const objects: SnapshotInfo['backup_objects'] = {};
    for (const { table } of this.captured) {
      const partitions: SnapshotInfo['backup_objects'][string]['partitions'] = {};
      for (const p of table.partitions) {
        const indexes: SnapshotInfo['backup_objects'][string]['partitions'][string]['indexes'] = {};
        for (const idx of table.indexes) {
          const tablets = Object.fromEntries((p.tablets.get(idx.id) ?? []).map((t) => [String(t), this.byTablet.get(t) ?? []]));
          indexes[idx.name] = { id: idx.id, schema_hash: idx.schemaHash, tablets };
        }
        partitions[p.name] = { id: p.id, version: p.version, row_count: p.rows, indexes };
      }
      objects[table.name] = { id: table.id, partitions };
    }
    return {
      name: this.label,
      database: this.dbName,
      id: this.jobId,
      backup_time: this.createTime.getTime(),
      backup_objects: objects,
      meta_version: 92,
      starrocks_meta_version: 4,
      backup_result: 'succeed',
    };
  }

  /** `__meta` first, then `__info_<ts>`; failures here are retried until the timeout (§2.4). */
  private async uploadInfo(ctx: JobContext): Promise<void> {
    const repo = ctx.repository(this.repoName);
    if (!repo || !this.info) return;
    const dir = snapshotKey(repo, this.label);
    const meta = Buffer.from(JSON.stringify({ tables: this.captured.map(({ table }) => ({ id: table.id, name: table.name, schema_hash: table.schemaHash })) }));
    const info = Buffer.from(JSON.stringify(this.info));
    try {
      await repo.store.put(`${dir}/__meta.${md5Hex(meta)}`, meta);
      await repo.store.put(`${dir}/__info_${backupTimestamp(this.createTime, ctx.zone)}.${md5Hex(info)}`, info);
    } catch {
      return;
    }
    this.finishedTime = ctx.now();
    this.state = 'FINISHED';
  }

  private fail(ctx: JobContext, status: string): void {
    this.status = status;
    this.finishedTime = ctx.now();
    this.state = 'CANCELLED';
  }

  cancel(ctx: JobContext): void {
    this.fail(ctx, '[COMMON_ERROR, msg: user cancelled]');
  }

  replay(newJobId: number): void {
    if (this.jobId !== -1) this.jobId = newJobId;
    if (this.state === 'SNAPSHOTING') this.state = 'PENDING';
    if (this.state === 'UPLOADING') this.state = 'UPLOAD_SNAPSHOT';
  }

  /** The job as the FE's log keeps it across a restart. */
  toState(): BackupJobState {
    return {
      type: 'backup',
      jobId: this.jobId,
      label: this.label,
      dbName: this.dbName,
      repoName: this.repoName,
      tableNames: [...this.tableNames],
      createTime: this.createTime.toISOString(),
      timeoutSeconds: this.timeoutSeconds,
      state: this.state,
      finishedTime: iso(this.finishedTime),
      snapshotFinishedTime: iso(this.snapshotFinishedTime),
      uploadFinishedTime: iso(this.uploadFinishedTime),
      status: this.status,
      unfinishedTasks: this.unfinishedTasks,
      progress: this.progress,
      taskErrMsg: this.taskErrMsg,
      captured: this.captured.map(({ table, dbId }) => ({ table: tableToState(table), dbId })),
      info: this.info,
      uploadTaskId: this.uploadTaskId,
      tabletCount: this.tabletCount,
      byTablet: [...this.byTablet.entries()],
    };
  }

  static fromState(s: BackupJobState): BackupJob {
    const job = new BackupJob(s.label, s.dbName, s.repoName, s.tableNames, new Date(s.createTime), s.timeoutSeconds);
    job.jobId = s.jobId;
    job.state = s.state;
    job.finishedTime = dateOf(s.finishedTime);
    job.snapshotFinishedTime = dateOf(s.snapshotFinishedTime);
    job.uploadFinishedTime = dateOf(s.uploadFinishedTime);
    job.status = s.status;
    job.unfinishedTasks = s.unfinishedTasks;
    job.progress = s.progress;
    job.taskErrMsg = s.taskErrMsg;
    job.captured = s.captured.map(({ table, dbId }) => ({ table: tableFromState(table), dbId }));
    job.info = s.info;
    job.uploadTaskId = s.uploadTaskId;
    job.tabletCount = s.tabletCount;
    job.byTablet = new Map(s.byTablet);
    return job;
  }

  row(zone: string): (string | null)[] {
    return [
      String(this.jobId),
      this.label,
      this.dbName,
      this.state,
      this.tableNames.map((t) => `[${this.dbName}.${t}]`).join(', '),
      feTime(this.createTime, zone),
      feTimeOrNull(this.snapshotFinishedTime, zone),
      feTimeOrNull(this.uploadFinishedTime, zone),
      feTimeOrNull(this.finishedTime, zone),
      this.unfinishedTasks,
      this.progress,
      this.taskErrMsg,
      this.status,
      String(this.timeoutSeconds),
    ];
  }
}

export const BACKUP_COLUMNS = [
  'JobId', 'SnapshotName', 'DbName', 'State', 'BackupObjs', 'CreateTime', 'SnapshotFinishedTime',
  'UploadFinishedTime', 'FinishedTime', 'UnfinishedTasks', 'Progress', 'TaskErrMsg', 'Status', 'Timeout',
];
