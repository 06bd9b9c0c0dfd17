// One RESTORE job (reference §4.5): PENDING → SNAPSHOTING → DOWNLOAD → DOWNLOADING → COMMIT →
// COMMITTING → FINISHED, or CANCELLED. It reads every data file of the snapshot back from OSS
// (a missing or corrupted object cancels it) and creates the tables when it finishes.

import type { SimTable } from './catalog';
import { inBatches, timedOut, type JobContext, type SimJob } from './job-common';
import { isNotFound, md5Hex } from './repo-store';
import { snapshotKey, stripChecksum, type SnapshotInfo } from './snapshots';
import { dateOf, iso, type RestoreJobState } from './state';
import { feTime, feTimeOrNull } from './time';
import type { RestoreState } from './types';

export interface RestoreTarget {
  /** Name in the snapshot. */
  source: string;
  /** Name to create (an `AS` alias, or the same). */
  target: string;
}

export class RestoreJob implements SimJob {
  readonly type = 'restore';
  jobId = -1;
  state: RestoreState = 'PENDING';
  finishedTime: Date | null = null;
  metaPreparedTime: Date | null = null;
  snapshotFinishedTime: Date | null = null;
  downloadFinishedTime: Date | null = null;
  status = '[OK]';
  unfinishedTasks = '';
  progress = '';
  taskErrMsg = '';
  private downloadTaskId = 0;

  constructor(
    readonly label: string,
    readonly backupTimestamp: string,
    readonly dbName: string,
    readonly repoName: string,
    readonly info: SnapshotInfo,
    readonly targets: RestoreTarget[],
    readonly replicationNum: number,
    readonly createTime: Date,
    readonly timeoutSeconds: number,
  ) {}

  async step(ctx: JobContext): Promise<void> {
    if (this.state === 'FINISHED' || this.state === 'CANCELLED') return;
    if (ctx.faults.isHeld(this.dbName, this.state)) return;
    if (timedOut(this, ctx.now())) return this.fail(ctx, `[TIMEOUT, msg: restore job with label: ${this.label}  timeout.]`);
    if (this.state !== 'PENDING' && !ctx.catalog.database(this.dbName)) {
      return this.fail(ctx, `[COMMON_ERROR, msg: database ${this.dbName} has been dropped]`);
    }
    switch (this.state) {
      case 'PENDING':
        return this.prepare(ctx);
      case 'SNAPSHOTING':
        this.snapshotFinishedTime = ctx.now();
        this.state = 'DOWNLOAD';
        return;
      case 'DOWNLOAD':
        this.downloadTaskId = ctx.newId();
        this.unfinishedTasks = ctx.backendIds.map((be, i) => `${this.downloadTaskId + i}=${be}`).join(', ');
        this.progress = `[${this.downloadTaskId}: 0/${this.fileCount()}]`;
        this.state = 'DOWNLOADING';
        return;
      case 'DOWNLOADING':
        return this.download(ctx);
      case 'COMMIT':
        this.state = 'COMMITTING';
        return;
      case 'COMMITTING':
        this.commit(ctx);
        this.finishedTime = ctx.now();
        this.state = 'FINISHED';
        return;
    }
  }

  /** Schema checks against existing tables happen here, after the statement returned (§4.4). */
  private prepare(ctx: JobContext): void {
    if (this.jobId === -1) this.jobId = ctx.newId();
    if (ctx.backendIds.length < this.replicationNum) {
      return this.fail(ctx, `[COMMON_ERROR, msg: Failed to find enough host with storage medium HDD at all backends, number of replicas needed: ${this.replicationNum}. Storage medium check failure or tag check failure]`);
    }
    for (const { source, target } of this.targets) {
      const existing = ctx.catalog.table(this.dbName, target);
      const saved = this.info.backup_objects[source];
      if (!existing || !saved) continue;
      if (existing.kind !== 'OLAP') return this.fail(ctx, `[COMMON_ERROR, msg: Only support restore OLAP table: ${target}]`);
      if (existing.tempPartitions) return this.fail(ctx, '[COMMON_ERROR, msg: Do not support restoring table with temp partitions]');
      const base = Object.values(saved.partitions)[0]?.indexes[source];
      if (base && base.schema_hash !== existing.schemaHash) {
        return this.fail(ctx, `[COMMON_ERROR, msg: Table ${target} already exist but with different schema, errMsg: ]`);
      }
    }
    this.metaPreparedTime = ctx.now();
    this.state = 'SNAPSHOTING';
  }

  private files(root: string): { key: string; md5: string }[] {
    const out: { key: string; md5: string }[] = [];
    for (const { source } of this.targets) {
      const table = this.info.backup_objects[source];
      if (!table) continue;
      for (const p of Object.values(table.partitions)) {
        for (const idx of Object.values(p.indexes)) {
          for (const [tabletId, names] of Object.entries(idx.tablets)) {
            const dir = `${root}/__ss_content/__db_${this.dbId}/__tbl_${table.id}/__part_${p.id}/__idx_${idx.id}/__${tabletId}`;
            for (const name of names) out.push({ key: `${dir}/${name}`, md5: stripChecksum(name)?.md5 ?? '' });
          }
        }
      }
    }
    return out;
  }

  /** The source database id, read from the snapshot's directory names in DOWNLOADING. */
  private dbId = '0';

  private fileCount(): number {
    return Object.values(this.info.backup_objects).reduce(
      (n, t) => n + Object.values(t.partitions).reduce((m, p) => m + Object.values(p.indexes).reduce((k, i) => k + Object.keys(i.tablets).length, 0), 0),
      0,
    );
  }

  private async download(ctx: JobContext): Promise<void> {
    const repo = ctx.repository(this.repoName);
    if (!repo) return this.fail(ctx, `[COMMON_ERROR, msg: failed to get repository: ${this.repoName}]`);
    const root = snapshotKey(repo, this.label);
    try {
      const dirs = await repo.store.list(`${root}/__ss_content/__db_`, '/');
      this.dbId = /__db_(\d+)\/$/.exec(dirs.prefixes[0] ?? '')?.[1] ?? '0';
    } catch (err) {
      return this.fail(ctx, `[COMMON_ERROR, msg: failed to list remote path ${root}/__ss_content: ${(err as Error).message}]`);
    }
    let problem: string | null = null;
    await inBatches(this.files(root), 8, async (f) => {
      if (problem) return;
      try {
        const body = await repo.store.get(f.key);
        if (md5Hex(body) !== f.md5) problem = `[BAD_FILE, msg: checksum mismatch of remote file: ${f.key}]`;
      } catch (err) {
        problem = isNotFound(err) || (err as { code?: unknown }).code === 'NoSuchKey'
          ? `[NOT_FOUND, msg: remote file not found: ${f.key}]`
          : `[COMMON_ERROR, msg: failed to download ${f.key}: ${(err as Error).message}]`;
      }
    });
    if (problem) {
      this.taskErrMsg = `[${this.downloadTaskId}: ${(problem as string).replace(/^\[\w+, msg: |\]$/g, '')}]`;
      return this.fail(ctx, problem);
    }
    this.progress = `[${this.downloadTaskId}: ${this.fileCount()}/${this.fileCount()}]`;
    this.unfinishedTasks = '';
    this.downloadFinishedTime = ctx.now();
    this.state = 'COMMIT';
  }

  /** Creates (or overwrites partitions of) the tables, with the snapshot's versions and rows. */
  private commit(ctx: JobContext): void {
    for (const { source, target } of this.targets) {
      const saved = this.info.backup_objects[source];
      if (!saved) continue;
      const existing = ctx.catalog.table(this.dbName, target);
      const firstPartition = Object.values(saved.partitions)[0];
      const indexNames = Object.keys(firstPartition?.indexes ?? { [source]: null });
      const indexes = existing?.indexes ?? indexNames.map((name) => ({
        id: ctx.catalog.newId(),
        name: name === source ? target : name,
        schemaHash: firstPartition?.indexes[name]?.schema_hash ?? 0,
      }));
      const partitioned = !(Object.keys(saved.partitions).length === 1 && saved.partitions[source] !== undefined);
      const restored = Object.entries(saved.partitions).map(([name, p]) =>
        ctx.catalog.makePartition(partitioned ? name : target, p.row_count ?? 0, p.version, indexes, 'OLAP'),
      );
      const kept = (existing?.partitions ?? []).filter((p) => !restored.some((r) => r.name === p.name));
      const table: SimTable = {
        id: existing?.id ?? ctx.catalog.newId(),
        name: target,
        kind: 'OLAP',
        schemaHash: indexes[0]?.schemaHash ?? 0,
        indexes,
        partitions: [...kept, ...restored],
        partitioned,
        colocateGroup: existing?.colocateGroup ?? null,
        tempPartitions: false,
      };
      ctx.catalog.putTable(this.dbName, table);
    }
  }

  private fail(ctx: JobContext, status: string): void {
    this.status = status;
    this.finishedTime = ctx.now();
    this.state = 'CANCELLED';
  }

  cancel(ctx: JobContext): void {
    this.fail(ctx, `[COMMON_ERROR, msg: user cancelled, current state: ${this.state}]`);
  }

  replay(newJobId: number): void {
    if (this.jobId !== -1) this.jobId = newJobId;
    if (this.state === 'DOWNLOADING') this.state = 'DOWNLOAD';
    if (this.state === 'COMMITTING') this.state = 'COMMIT';
  }

  /** The job as the FE's log keeps it across a restart. */
  toState(): RestoreJobState {
    return {
      type: 'restore',
      jobId: this.jobId,
      label: this.label,
      backupTimestamp: this.backupTimestamp,
      dbName: this.dbName,
      repoName: this.repoName,
      info: this.info,
      targets: this.targets.map((t) => ({ ...t })),
      replicationNum: this.replicationNum,
      createTime: this.createTime.toISOString(),
      timeoutSeconds: this.timeoutSeconds,
      state: this.state,
      finishedTime: iso(this.finishedTime),
      metaPreparedTime: iso(this.metaPreparedTime),
      snapshotFinishedTime: iso(this.snapshotFinishedTime),
      downloadFinishedTime: iso(this.downloadFinishedTime),
      status: this.status,
      unfinishedTasks: this.unfinishedTasks,
      progress: this.progress,
      taskErrMsg: this.taskErrMsg,
      downloadTaskId: this.downloadTaskId,
      dbId: this.dbId,
    };
  }

  static fromState(s: RestoreJobState): RestoreJob {
    const job = new RestoreJob(s.label, s.backupTimestamp, s.dbName, s.repoName, s.info, s.targets, s.replicationNum, new Date(s.createTime), s.timeoutSeconds);
    job.jobId = s.jobId;
    job.state = s.state;
    job.finishedTime = dateOf(s.finishedTime);
    job.metaPreparedTime = dateOf(s.metaPreparedTime);
    job.snapshotFinishedTime = dateOf(s.snapshotFinishedTime);
    job.downloadFinishedTime = dateOf(s.downloadFinishedTime);
    job.status = s.status;
    job.unfinishedTasks = s.unfinishedTasks;
    job.progress = s.progress;
    job.taskErrMsg = s.taskErrMsg;
    job.downloadTaskId = s.downloadTaskId;
    job.dbId = s.dbId;
    return job;
  }

  private restoreObjs(): string {
    return this.targets
      .map(({ source, target }) => {
        const parts = Object.keys(this.info.backup_objects[source]?.partitions ?? {});
        const partitioned = !(parts.length === 1 && parts[0] === source);
        return partitioned ? `${target} PARTITIONS [${parts.join(', ')}]` : target;
      })
      .join(', ');
  }

  row(zone: string): (string | null)[] {
    return [
      String(this.jobId),
      this.label,
      this.backupTimestamp,
      this.dbName,
      this.state,
      'false',
      String(this.replicationNum),
      this.restoreObjs(),
      feTime(this.createTime, zone),
      feTimeOrNull(this.metaPreparedTime, zone),
      feTimeOrNull(this.snapshotFinishedTime, zone),
      feTimeOrNull(this.downloadFinishedTime, zone),
      feTimeOrNull(this.finishedTime, zone),
      this.unfinishedTasks,
      this.progress,
      this.taskErrMsg,
      this.status,
      String(this.timeoutSeconds),
    ];
  }
}

export const RESTORE_COLUMNS = [
  'JobId', 'Label', 'Timestamp', 'DbName', 'State', 'AllowLoad', 'ReplicationNum', 'RestoreObjs', 'CreateTime',
  'MetaPreparedTime', 'SnapshotFinishedTime', 'DownloadFinishedTime', 'FinishedTime', 'UnfinishedTasks',
  'Progress', 'TaskErrMsg', 'Status', 'Timeout',
];
