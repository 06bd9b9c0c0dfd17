// What BACKUP and RESTORE jobs share: the context they run in and the slot they sit in.

import pLimit from 'p-limit';
import type { Catalog } from './catalog';
import type { SimFaults } from './faults';
import type { SimRepository } from './repositories';
import type { BackupJobState, RestoreJobState } from './state';

export interface JobContext {
  now(): Date;
  newId(): number;
  zone: string;
  catalog: Catalog;
  repository(name: string): SimRepository | undefined;
  faults: SimFaults;
  backendIds: number[];
}

export interface SimJob {
  readonly type: 'backup' | 'restore';
  jobId: number;
  readonly label: string;
  readonly dbName: string;
  readonly repoName: string;
  state: string;
  readonly createTime: Date;
  finishedTime: Date | null;
  status: string;
  readonly timeoutSeconds: number;
  /** One state transition at most (reference §2.4: one per scheduler tick). */
  step(ctx: JobContext): Promise<void>;
  /** User cancel (CANCEL BACKUP/RESTORE). */
  cancel(ctx: JobContext): void;
  /** FE leader change: new JobId, back to the last logged state (§2.4). */
  replay(newJobId: number): void;
  /** The SHOW BACKUP / SHOW RESTORE row. */
  row(zone: string): (string | null)[];
  /** The job as the FE's log keeps it across a restart. */
  toState(): BackupJobState | RestoreJobState;
}

export function isDone(job: SimJob): boolean {
  return job.state === 'FINISHED' || job.state === 'CANCELLED';
}

export function timedOut(job: SimJob, now: Date): boolean {
  return now.getTime() - job.createTime.getTime() > job.timeoutSeconds * 1000;
}

/** Runs `work` over `items` with at most `limit` at a time. */
export async function inBatches<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  await pLimit(limit).map(items, (item) => work(item));
}
