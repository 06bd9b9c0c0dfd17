// Operation tasks (the cloud console's "operation tasks" tab): one per backup, restore, deletion
// or release, with a progress column. Work records its progress here; `/backup tasks` reads it.

import type { BackupSet, Task } from '../domain/types';
import { databaseStatus } from './backup/report';
import type { Clock, Store, StoreRecords } from '../ports';

export class TaskBook {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Newest first; running ones only unless `all`. */
  list(instanceId: string | null, all: boolean): Promise<Task[]> {
    return this.store.tasks.list({
      ...(instanceId ? { instanceId } : {}),
      ...(all ? {} : { states: ['RUNNING'] as const }),
    });
  }

  /** Records a task's state; fields not given keep their value (or the task's defaults). */
  async record(task: Pick<Task, 'id' | 'kind' | 'instanceId' | 'subject'> & Partial<Task>, tx?: StoreRecords): Promise<void> {
    const records = tx ?? this.store;
    const now = this.clock.now().toISOString();
    const existing = await records.tasks.get(task.id);
    await records.tasks.upsert({
      state: 'RUNNING',
      progress: null,
      detail: '',
      finishedAt: null,
      ...existing,
      ...task,
      startedAt: existing?.startedAt ?? task.startedAt ?? now,
      updatedAt: now,
    });
  }

  async backupProgress(set: BackupSet, tx?: StoreRecords): Promise<void> {
    const done = set.databases.filter((d) => d.state === 'FINISHED' || d.state === 'FAILED').length;
    await this.record({
      id: set.id,
      kind: 'backup',
      instanceId: set.instanceId,
      subject: set.id,
      state: 'RUNNING',
      startedAt: set.startedAt,
      progress: set.databases.length ? { done, total: set.databases.length, unit: 'databases' } : null,
      detail: set.databases.length ? set.databases.map((d) => `${d.database}: ${databaseStatus(d)}`).join(', ') : 'preparing: preflight checks and inventory',
    }, tx);
  }

  async backupEnded(set: BackupSet, tx?: StoreRecords): Promise<void> {
    const ok = set.databases.filter((d) => d.state === 'FINISHED').length;
    await this.record({
      id: set.id,
      kind: 'backup',
      instanceId: set.instanceId,
      subject: set.id,
      state: set.state === 'FAILED' ? 'FAILED' : 'FINISHED',
      startedAt: set.startedAt,
      finishedAt: set.finishedAt,
      progress: set.databases.length ? { done: set.databases.length, total: set.databases.length, unit: 'databases' } : null,
      detail: set.state === 'FAILED' ? (set.error ?? 'failed') : `${set.state}, ${ok}/${set.databases.length} databases`,
    }, tx);
  }
}
