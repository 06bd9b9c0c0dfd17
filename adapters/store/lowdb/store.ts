// The Store port on one JSON file (lowdb). Every operation runs alone under a mutex; a write
// builds the next document, saves it atomically, and only then makes it current, so a failed
// save changes nothing, on disk or in memory.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { NotFoundError, ConflictError } from '../../../src/domain/errors';
import type { AuditEvent, BackupSet, RestoreRequest, StoredSettings, Task } from '../../../src/domain/types';
import type { BackupSetFilter, DeliveredMessage, OutboxItem, Store } from '../../../src/ports';
import { AtomicJsonFile, type WriteTextFile } from './atomic-file';
import { emptyDocument, type StoreDocument } from './document';
import { Mutex } from './mutex';
import { checkChangedRecords } from './records';
import {
  createBackupSetIn,
  enqueueIn,
  markDeliveredIn,
  newestFirst,
  replaceBackupSetIn,
  saveSettingsIn,
} from './rules';

export const STORE_FILE_NAME = 'backup-bot.json';

export interface LowdbStoreOptions {
  /** Replaces the durable file write (tests inject failures here). */
  writeTextFile?: WriteTextFile;
}

/** Callers get copies: nothing they do to a returned record reaches the store. */
const copy = <T>(value: T): T => structuredClone(value);

/** Opens (or creates) `<dataDir>/backup-bot.json`; refuses a file that is not a valid store. */
export async function openLowdbStore(dataDir: string, options: LowdbStoreOptions = {}): Promise<Store> {
  await mkdir(dataDir, { recursive: true });
  const file = new AtomicJsonFile(join(dataDir, STORE_FILE_NAME), options.writeTextFile);
  const db = new Low<StoreDocument>(file, emptyDocument());
  const existing = await file.read();
  await file.removeLeftovers();
  if (existing === null) {
    await db.write();
  } else {
    db.data = existing;
  }
  return new LowdbStore(db);
}

class LowdbStore implements Store {
  private readonly mutex = new Mutex();
  private closed = false;

  constructor(private readonly db: Low<StoreDocument>) {}

  private read<T>(query: (doc: StoreDocument) => T): Promise<T> {
    return this.mutex.run(() => {
      this.assertOpen();
      return copy(query(this.db.data));
    });
  }

  /**
   * Builds the next document, checks the records it adds or changes (the schemas reads use),
   * saves it, then makes it current; returns what `change` says.
   */
  private write<T>(change: (doc: StoreDocument) => { doc: StoreDocument; result: T }): Promise<T> {
    return this.mutex.run(async () => {
      this.assertOpen();
      const previous = this.db.data;
      const { doc, result } = change(previous);
      checkChangedRecords(previous, doc);
      this.db.data = doc;
      try {
        await this.db.write();
      } catch (e) {
        this.db.data = previous;
        throw e;
      }
      return copy(result);
    });
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the store is closed');
  }

  getSettings(instanceId: string): Promise<StoredSettings | null> {
    return this.read((doc) => doc.settings.find((s) => s.instanceId === instanceId) ?? null);
  }

  saveSettings(next: StoredSettings): Promise<StoredSettings> {
    const saved = copy(next);
    return this.write((doc) => ({ doc: saveSettingsIn(doc, saved), result: saved }));
  }

  listSettings(): Promise<StoredSettings[]> {
    return this.read((doc) => [...doc.settings].sort((a, b) => (a.instanceId < b.instanceId ? -1 : 1)));
  }

  async createBackupSet(set: BackupSet): Promise<void> {
    const added = copy(set);
    await this.write((doc) => ({ doc: createBackupSetIn(doc, added), result: undefined }));
  }

  getBackupSet(id: string): Promise<BackupSet | null> {
    return this.read((doc) => doc.backupSets.find((s) => s.id === id) ?? null);
  }

  updateBackupSet(id: string, mutate: (current: BackupSet) => BackupSet): Promise<BackupSet> {
    return this.write((doc) => {
      const current = doc.backupSets.find((s) => s.id === id);
      if (!current) throw new NotFoundError(`no backup set ${id}`);
      const next = copy(mutate(copy(current)));
      return { doc: replaceBackupSetIn(doc, current, next), result: next };
    });
  }

  listBackupSets(filter: BackupSetFilter = {}): Promise<BackupSet[]> {
    return this.read((doc) =>
      newestFirst(
        doc.backupSets.filter(
          (s) =>
            (filter.instanceId === undefined || s.instanceId === filter.instanceId) &&
            (filter.states === undefined || filter.states.includes(s.state)),
        ),
        (s) => s.startedAt,
      ),
    );
  }

  async createRestoreRequest(req: RestoreRequest): Promise<void> {
    const added = copy(req);
    await this.write((doc) => {
      if (doc.restoreRequests.some((r) => r.id === req.id)) throw new ConflictError(`restore ${req.id} already exists`);
      return { doc: { ...doc, restoreRequests: [...doc.restoreRequests, added] }, result: undefined };
    });
  }

  getRestoreRequest(id: string): Promise<RestoreRequest | null> {
    return this.read((doc) => doc.restoreRequests.find((r) => r.id === id) ?? null);
  }

  updateRestoreRequest(id: string, mutate: (current: RestoreRequest) => RestoreRequest): Promise<RestoreRequest> {
    return this.write((doc) => {
      const current = doc.restoreRequests.find((r) => r.id === id);
      if (!current) throw new NotFoundError(`no restore ${id}`);
      const next = copy(mutate(copy(current)));
      if (next.id !== id) throw new Error(`an update of restore ${id} may not change its id`);
      return { doc: { ...doc, restoreRequests: doc.restoreRequests.map((r) => (r.id === id ? next : r)) }, result: next };
    });
  }

  /** With an instance: the requests from or into it. Newest first. */
  listRestoreRequests(filter: { instanceId?: string } = {}): Promise<RestoreRequest[]> {
    const { instanceId } = filter;
    return this.read((doc) =>
      newestFirst(
        doc.restoreRequests.filter(
          (r) => instanceId === undefined || r.sourceInstanceId === instanceId || r.targetInstanceId === instanceId,
        ),
        (r) => r.requestedAt,
      ),
    );
  }

  async upsertTask(task: Task): Promise<void> {
    const next = copy(task);
    await this.write((doc) => {
      const exists = doc.tasks.some((t) => t.id === task.id);
      const tasks = exists ? doc.tasks.map((t) => (t.id === task.id ? next : t)) : [...doc.tasks, next];
      return { doc: { ...doc, tasks }, result: undefined };
    });
  }

  getTask(id: string): Promise<Task | null> {
    return this.read((doc) => doc.tasks.find((t) => t.id === id) ?? null);
  }

  listTasks(filter: { instanceId?: string; states?: Task['state'][] } = {}): Promise<Task[]> {
    return this.read((doc) =>
      newestFirst(
        doc.tasks.filter(
          (t) =>
            (filter.instanceId === undefined || t.instanceId === filter.instanceId) &&
            (filter.states === undefined || filter.states.includes(t.state)),
        ),
        (t) => t.startedAt,
      ),
    );
  }

  async appendAudit(event: AuditEvent): Promise<void> {
    const added = copy(event);
    await this.write((doc) => {
      if (doc.audit.some((a) => a.id === event.id)) throw new ConflictError(`audit event ${event.id} already exists`);
      return { doc: { ...doc, audit: [...doc.audit, added] }, result: undefined };
    });
  }

  listAudit(filter: { instanceId?: string; limit?: number } = {}): Promise<AuditEvent[]> {
    return this.read((doc) => {
      const events = newestFirst(
        doc.audit.filter((a) => filter.instanceId === undefined || a.instanceId === filter.instanceId),
        (a) => a.at,
      );
      return filter.limit === undefined ? events : events.slice(0, Math.max(0, filter.limit));
    });
  }

  async enqueue(item: OutboxItem): Promise<void> {
    const added = copy(item);
    await this.write((doc) => ({ doc: enqueueIn(doc, added), result: undefined }));
  }

  dueOutbox(now: Date, limit: number): Promise<OutboxItem[]> {
    return this.read((doc) =>
      doc.outbox
        .filter((o) => o.deliveredAt === null && Date.parse(o.nextAttemptAt) <= now.getTime())
        .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))
        .slice(0, Math.max(0, limit)),
    );
  }

  async markDelivered(id: string, at: Date): Promise<void> {
    await this.write((doc) => {
      // Unknown: replaced by a newer reply of its key while it was being delivered.
      if (!doc.outbox.some((o) => o.id === id)) return { doc, result: undefined };
      return { doc: markDeliveredIn(doc, id, at), result: undefined };
    });
  }

  async markFailed(id: string, error: string, nextAttemptAt: Date): Promise<void> {
    await this.write((doc) => {
      if (!doc.outbox.some((o) => o.id === id)) return { doc, result: undefined };
      const outbox = doc.outbox.map((o) =>
        o.id === id ? { ...o, attempts: o.attempts + 1, lastError: error, nextAttemptAt: nextAttemptAt.toISOString() } : o,
      );
      return { doc: { ...doc, outbox }, result: undefined };
    });
  }

  getDelivery(key: string): Promise<DeliveredMessage[]> {
    return this.read((doc) => doc.deliveries.find((d) => d.key === key)?.messages ?? []);
  }

  async setDelivery(key: string, messages: DeliveredMessage[]): Promise<void> {
    const entry = { key, messages: copy(messages) };
    await this.write((doc) => ({
      doc: { ...doc, deliveries: [...doc.deliveries.filter((d) => d.key !== key), entry] },
      result: undefined,
    }));
  }

  getValue(name: string): Promise<string | null> {
    return this.read((doc) => doc.values.find((v) => v.name === name)?.value ?? null);
  }

  async setValue(name: string, value: string): Promise<void> {
    await this.write((doc) => ({
      doc: { ...doc, values: [...doc.values.filter((v) => v.name !== name), { name, value }] },
      result: undefined,
    }));
  }

  /** Waits for the operations already queued, then refuses any more. */
  async close(): Promise<void> {
    await this.mutex.run(() => {
      this.closed = true;
    });
  }
}
