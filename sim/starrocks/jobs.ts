// The FE's BackupHandler: one job slot per database shared by BACKUP and RESTORE, the
// synchronous checks at submit (reference §2.3, §4.3), SHOW/CANCEL, and the scheduler tick.

import { BACKUP_COLUMNS, BackupJob } from './backup-job';
import { isDone, type JobContext, type SimJob } from './job-common';
import { RESTORE_COLUMNS, RestoreJob } from './restore-job';
import type { BackupJobState, RestoreJobState } from './state';
import { readSnapshotInfo, snapshotExists } from './snapshots';
import type { Statement } from './sql';
import { SqlError, type ResultSet } from './types';

type BackupStatement = Extract<Statement, { kind: 'backup' }>;
type RestoreStatement = Extract<Statement, { kind: 'restore' }>;

/** `history_job_keep_max_second` (§2.5). */
const HISTORY_KEEP_MS = 604_800_000;
const DEFAULT_TIMEOUT_S = 86_400;

export interface InstanceTraits {
  major: number;
  minor: number;
  patch: number;
  runMode: 'shared_nothing' | 'shared_data';
  enableBackupMaterializedView: boolean;
}

function timeoutProperty(props: Record<string, string>): number {
  const raw = props.timeout;
  if (raw === undefined) return DEFAULT_TIMEOUT_S;
  if (!/^\d+$/.test(raw)) throw new SqlError(`Invalid timeout format: ${raw}`, 'analyzer');
  const seconds = Number(raw);
  if (seconds < 600) throw new SqlError('timeout must be at least 10 min', 'analyzer');
  return seconds;
}

export class JobHandler {
  private readonly slots = new Map<string, SimJob>();
  /** Every BACKUP SNAPSHOT statement received, per snapshot name (accepted or not). */
  readonly backupSubmissions = new Map<string, number>();
  readonly restoreSubmissions = new Map<string, number>();

  constructor(
    private readonly ctx: JobContext,
    private readonly traits: InstanceTraits,
  ) {}

  private get is34(): boolean {
    return this.traits.major > 3 || (this.traits.major === 3 && this.traits.minor >= 4);
  }

  private backsUpAsyncMvs(): boolean {
    const { major, minor, patch } = this.traits;
    const v = major * 10_000 + minor * 100 + patch;
    return v >= 30_203 && this.traits.enableBackupMaterializedView;
  }

  job(db: string): SimJob | undefined {
    return this.slots.get(db);
  }

  jobs(): SimJob[] {
    return [...this.slots.values()];
  }

  private notOlap(table: string, type: string): SqlError {
    return new SqlError(this.is34 ? `Table: ${table} can not support backup restore, type: ${type}` : `Table '${table}' is not a OLAP table`);
  }

  private slotFree(db: string): void {
    const job = this.slots.get(db);
    if (job && !isDone(job)) throw new SqlError('Can only run one backup or restore job of a database at same time');
  }

  async submitBackup(s: BackupStatement, currentDb: string | null): Promise<void> {
    this.backupSubmissions.set(s.snapshot, (this.backupSubmissions.get(s.snapshot) ?? 0) + 1);
    const dbName = s.db ?? currentDb ?? '';
    const db = this.ctx.catalog.database(dbName);
    if (!db) throw new SqlError(`Unknown database '${dbName}'`, 'analyzer');
    const repo = this.ctx.repository(s.repo);
    if (!repo) throw new SqlError(`Repository [${s.repo}] does not exist`, 'analyzer');
    for (const ref of s.on ?? []) {
      if (ref.alias) throw new SqlError(`Can not set alias for table in Backup Stmt: ${ref.name}`, 'analyzer');
      const table = db.tables.find((t) => t.name === ref.name);
      if (!table) throw new SqlError(`Incorrect table name '${ref.name}'`, 'analyzer');
      for (const p of ref.partitions) {
        if (!table.partitions.some((x) => x.name === p)) throw new SqlError(`partition[${p}] does not exist  in table${ref.name}`, 'analyzer');
      }
    }
    const type = s.properties.type ?? 'full';
    if (type.toLowerCase() !== 'full') throw new SqlError(`Invalid backup job type: ${type}`, 'analyzer');
    const timeout = timeoutProperty(s.properties);
    const unknown = Object.keys(s.properties).filter((k) => k !== 'type' && k !== 'timeout');
    if (unknown.length > 0) throw new SqlError(`Unknown backup job properties: [${unknown.join(', ')}]`, 'analyzer');
    // 2.5-3.3 expand a database backup to every table, views included (§2.1).
    const names = s.on ? s.on.map((r) => r.name) : db.tables.map((t) => t.name);
    this.slotFree(dbName);
    if (repo.readOnly) throw new SqlError(`Repository ${s.repo} is read only`);
    for (const name of names) {
      const table = db.tables.find((t) => t.name === name);
      if (!table) continue;
      if (this.traits.runMode === 'shared_data') throw this.notOlap(name, 'CLOUD_NATIVE');
      if (table.kind === 'VIEW') throw this.notOlap(name, 'VIEW');
      if (table.kind === 'EXTERNAL') throw this.notOlap(name, 'MYSQL');
      if (table.kind === 'ASYNC_MV' && !this.backsUpAsyncMvs()) throw this.notOlap(name, 'MATERIALIZED_VIEW');
      if (table.tempPartitions) throw new SqlError('Do not support backing up table with temp partitions');
      const refusal = this.ctx.faults.refusal(dbName, name);
      if (refusal) throw new SqlError(refusal);
    }
    let exists: boolean;
    try {
      exists = await snapshotExists(repo, s.snapshot);
    } catch (err) {
      throw new SqlError((err as Error).message);
    }
    if (exists) throw new SqlError(`Snapshot with name '${s.snapshot}' already exist in repository`);
    this.slots.set(dbName, new BackupJob(s.snapshot, dbName, s.repo, names, this.ctx.now(), timeout));
  }

  async submitRestore(s: RestoreStatement, currentDb: string | null): Promise<void> {
    this.restoreSubmissions.set(s.snapshot, (this.restoreSubmissions.get(s.snapshot) ?? 0) + 1);
    const props = s.properties;
    const timestamp = props.backup_timestamp;
    if (timestamp === undefined) throw new SqlError('Missing backup_timestamp property', 'analyzer');
    const timeout = timeoutProperty(props);
    const known = ['backup_timestamp', 'replication_num', 'timeout', 'allow_load', 'meta_version', 'starrocks_meta_version'];
    const unknown = Object.keys(props).filter((k) => !known.includes(k));
    if (unknown.length > 0) throw new SqlError(`Unknown restore job properties: [${unknown.join(', ')}]`, 'analyzer');
    const replicationNum = props.replication_num === undefined ? (this.traits.runMode === 'shared_data' ? 1 : 3) : Number(props.replication_num);
    if (!Number.isInteger(replicationNum) || replicationNum < 1) throw new SqlError(`Invalid replication num: ${props.replication_num ?? ''}`, 'analyzer');
    const repo = this.ctx.repository(s.repo);
    if (!repo) throw new SqlError(`Repository ${s.repo} does not exist`);
    const dbName = s.db ?? currentDb ?? '';
    if (!this.ctx.catalog.database(dbName)) {
      if (!this.is34) throw new SqlError(`Unknown database '${dbName}'`);
      this.ctx.catalog.createDatabase(dbName);
    }
    this.slotFree(dbName);
    const got = await readSnapshotInfo(repo, s.snapshot, timestamp);
    if ('error' in got) {
      throw new SqlError(`Failed to get info of snapshot '${s.snapshot}' because: ${got.error}. Maybe specified wrong backup timestamp`);
    }
    const refs = s.on ?? Object.keys(got.info.backup_objects).map((name) => ({ name, partitions: [], alias: null }));
    for (const ref of refs) {
      const saved = got.info.backup_objects[ref.name];
      if (!saved) throw new SqlError(`Table ${ref.name} does not exist in snapshot ${s.snapshot}`);
      for (const p of ref.partitions) {
        if (!saved.partitions[p]) throw new SqlError(`Partition ${p} of table ${ref.name} does not exist in snapshot ${s.snapshot}`);
      }
      if (this.traits.runMode === 'shared_data') throw this.notOlap(ref.alias ?? ref.name, 'CLOUD_NATIVE');
    }
    const targets = refs.map((r) => ({ source: r.name, target: r.alias ?? r.name }));
    this.slots.set(dbName, new RestoreJob(s.snapshot, timestamp, dbName, s.repo, got.info, targets, replicationNum, this.ctx.now(), timeout));
  }

  show(kind: 'backup' | 'restore', dbName: string): ResultSet {
    if (!this.ctx.catalog.database(dbName)) throw new SqlError(`Unknown database '${dbName}'`, 'analyzer');
    const job = this.slots.get(dbName);
    const columns = kind === 'backup' ? BACKUP_COLUMNS : RESTORE_COLUMNS;
    // The slot holds the last job of either type; the other SHOW is empty (§2.5, §4.6).
    if (!job || job.type !== kind) return { columns, rows: [] };
    return { columns, rows: [job.row(this.ctx.zone)] };
  }

  cancel(kind: 'backup' | 'restore', dbName: string): void {
    if (!this.ctx.catalog.database(dbName)) throw new SqlError(`Unknown database '${dbName}'`, 'analyzer');
    const job = this.slots.get(dbName);
    if (!job || job.type !== kind) {
      throw new SqlError(kind === 'backup' ? 'No backup job is currently running' : 'No restore is currently running');
    }
    if (isDone(job)) {
      throw new SqlError(`Failed to cancel job: Job with label ${job.label} can not be cancelled. state: ${job.state}`);
    }
    job.cancel(this.ctx);
  }

  runningOn(repo: string): boolean {
    return this.jobs().some((j) => j.repoName === repo && !isDone(j));
  }

  /** One scheduler round: every unfinished job moves at most one state; old history is purged. */
  async tick(): Promise<void> {
    const now = this.ctx.now().getTime();
    await Promise.all(this.jobs().map((j) => j.step(this.ctx)));
    for (const [db, job] of this.slots) {
      if (isDone(job) && job.finishedTime && now - job.finishedTime.getTime() > HISTORY_KEEP_MS) this.slots.delete(db);
    }
  }

  /** FE leader change: unfinished jobs get new ids and go back to their last logged state. */
  leaderChange(): void {
    for (const job of this.jobs()) if (!isDone(job)) job.replay(this.ctx.newId());
  }

  /** The job slots and submission counts, as a restart keeps them. */
  toState(): { jobs: (BackupJobState | RestoreJobState)[]; backupSubmissions: [string, number][]; restoreSubmissions: [string, number][] } {
    return {
      jobs: this.jobs().map((j) => j.toState()),
      backupSubmissions: [...this.backupSubmissions.entries()],
      restoreSubmissions: [...this.restoreSubmissions.entries()],
    };
  }

  /** After a restart: the kept jobs back in their slots, the unfinished ones replayed (§2.4). */
  loadState(state: ReturnType<JobHandler['toState']>): void {
    this.slots.clear();
    for (const j of state.jobs) this.slots.set(j.dbName, j.type === 'backup' ? BackupJob.fromState(j) : RestoreJob.fromState(j));
    this.backupSubmissions.clear();
    for (const [name, n] of state.backupSubmissions) this.backupSubmissions.set(name, n);
    this.restoreSubmissions.clear();
    for (const [name, n] of state.restoreSubmissions) this.restoreSubmissions.set(name, n);
    this.leaderChange();
  }

  /** Empties the slots of finished jobs (of one database, or all), as the history purge does. */
  ageOut(db?: string): void {
    for (const [name, job] of this.slots) if (isDone(job) && (db === undefined || db === name)) this.slots.delete(name);
  }
}
