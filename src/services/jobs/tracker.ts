// One job tracker for StarRocks jobs, keyed by (instance, database, snapshot name): backups now,
// restores as well. A look returns what the job is, with the job's own times. A job that is not
// visible (the database's single job slot shows another job or none: taken by a later job, or
// history aged out) is resolved from OSS for a backup: the snapshot's `__info_` file is written
// last, so its presence means the backup finished, at the time it was written.

import { jobErrorText } from '../../domain/jobs';
import type { BackupJobState, JobObservation, RestoreJobState } from '../../domain/jobs';
import type { BackupJob, ObjectStore, RestoreJob, StarRocksClient } from '../../ports';

export interface JobKey {
  database: string;
  snapshotName: string;
}

/** Where one instance's jobs are looked at: its cluster, and its repository on OSS. */
export interface JobSource {
  client: StarRocksClient;
  objects: ObjectStore;
  /** Key prefix of the repository root in the bucket. */
  repositoryRoot: string;
}

function observe<S extends BackupJobState | RestoreJobState>(job: BackupJob | RestoreJob): JobObservation<S> {
  if (job.state === 'FINISHED') return { kind: 'finished', source: 'job', createdAt: job.createdAt, finishedAt: job.finishedAt };
  if (job.state === 'CANCELLED') return { kind: 'cancelled', finishedAt: job.finishedAt, error: jobErrorText(job.status, job.taskErrors) };
  return { kind: 'running', state: job.state as S, progress: job.progress, createdAt: job.createdAt };
}

export class JobTracker {
  constructor(private readonly source: JobSource) {}

  /** One look at a backup job; throws `OutsideError` when the cluster or OSS cannot be asked. */
  async backup(key: JobKey): Promise<JobObservation<BackupJobState>> {
    const job = await this.source.client.findBackupJob(key.database, key.snapshotName);
    if (job) return observe<BackupJobState>(job);
    const info = await this.source.objects.readSnapshotInfo(this.source.repositoryRoot, key.snapshotName);
    if (info) return { kind: 'finished', source: 'oss', createdAt: info.backupTime, finishedAt: info.writtenAt };
    return { kind: 'not_visible' };
  }

  /** One look at a restore job (a restore leaves no proof on OSS: not visible is all we know). */
  async restore(key: JobKey): Promise<JobObservation<RestoreJobState>> {
    const job = await this.source.client.findRestoreJob(key.database, key.snapshotName);
    return job ? observe<RestoreJobState>(job) : { kind: 'not_visible' };
  }
}
