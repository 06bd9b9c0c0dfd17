// The record ports (settings, backup sets, restores, tasks) on the shared document. Each write
// checks its record with the schema reads use, then the store's rules, in one operation.

import { ConflictError, NotFoundError } from '../../../src/domain/errors';
import type { BackupSet, RestoreRequest, StoredSettings, Task } from '../../../src/domain/types';
import type {
  BackupSetFilter,
  BackupSetRecords,
  RestoreFilter,
  RestoreRecords,
  SettingsRecords,
  TaskFilter,
  TaskRecords,
} from '../../../src/ports';
import { archiveEndedSetsIn, createBackupSetIn, newestFirst, pruneRestoresIn, pruneTasksIn, replaceBackupSetIn, saveSettingsIn } from './rules';
import { backupSet, checkRecord, restoreRequest, storedSettings, task } from './schemas';
import { copy, type DocumentAccess } from './shared-document';

const limited = <T>(items: T[], limit: number | undefined): T[] => (limit === undefined ? items : items.slice(0, Math.max(0, limit)));

export function settingsRecords(doc: DocumentAccess): SettingsRecords {
  return {
    get: (instanceId) => doc.read((d) => d.settings.find((s) => s.instanceId === instanceId) ?? null),
    async save(next: StoredSettings) {
      const saved = copy(checkRecord(storedSettings, `the settings of ${next.instanceId}`, next)) as StoredSettings;
      return doc.write((d) => ({ doc: saveSettingsIn(d, saved), result: saved }));
    },
    list: () => doc.read((d) => [...d.settings].sort((a, b) => (a.instanceId < b.instanceId ? -1 : 1))),
  };
}

export function backupSetRecords(doc: DocumentAccess): BackupSetRecords {
  return {
    async create(set: BackupSet) {
      const added = copy(checkRecord(backupSet, `backup set ${set.id}`, set)) as BackupSet;
      // Sets that ended long before this one move to the archive file as it is added.
      let archived: BackupSet[] = [];
      await doc.write(
        (d) => {
          const split = archiveEndedSetsIn(d, Date.parse(added.startedAt));
          archived = split.archived;
          return { doc: createBackupSetIn(split.doc, added), result: undefined };
        },
        () => (archived.length > 0 ? doc.archiveSets(archived) : Promise.resolve()),
      );
    },
    get: (id) => doc.read((d) => d.backupSets.find((s) => s.id === id) ?? null),
    update(id, mutate) {
      return doc.write((d) => {
        const current = d.backupSets.find((s) => s.id === id);
        if (!current) throw new NotFoundError(`no backup set ${id}`);
        const next = copy(checkRecord(backupSet, `backup set ${id}`, mutate(copy(current)))) as BackupSet;
        return { doc: replaceBackupSetIn(d, current, next), result: next };
      });
    },
    list(filter: BackupSetFilter = {}) {
      return doc.read((d) =>
        limited(
          newestFirst(
            d.backupSets.filter(
              (s) => (filter.instanceId === undefined || s.instanceId === filter.instanceId) && (filter.states === undefined || filter.states.includes(s.state)),
            ),
            (s) => s.startedAt,
          ),
          filter.limit,
        ),
      );
    },
  };
}

export function restoreRecords(doc: DocumentAccess): RestoreRecords {
  return {
    async create(request: RestoreRequest) {
      const added = copy(checkRecord(restoreRequest, `restore ${request.id}`, request)) as RestoreRequest;
      await doc.write((d) => {
        if (d.restoreRequests.some((r) => r.id === added.id)) throw new ConflictError(`restore ${added.id} already exists`);
        // Requests that ended long before this one leave the file (the audit log keeps their story).
        const kept = pruneRestoresIn(d, Date.parse(added.requestedAt));
        return { doc: { ...kept, restoreRequests: [...kept.restoreRequests, added] }, result: undefined };
      });
    },
    get: (id) => doc.read((d) => d.restoreRequests.find((r) => r.id === id) ?? null),
    update(id, mutate) {
      return doc.write((d) => {
        const current = d.restoreRequests.find((r) => r.id === id);
        if (!current) throw new NotFoundError(`no restore ${id}`);
        const next = copy(checkRecord(restoreRequest, `restore ${id}`, mutate(copy(current)))) as RestoreRequest;
        if (next.id !== id) throw new Error(`an update of restore ${id} may not change its id`);
        return { doc: { ...d, restoreRequests: d.restoreRequests.map((r) => (r.id === id ? next : r)) }, result: next };
      });
    },
    list(filter: RestoreFilter = {}) {
      const { instanceId, backupSetId, states } = filter;
      return doc.read((d) =>
        newestFirst(
          d.restoreRequests.filter(
            (r) =>
              (instanceId === undefined || r.sourceInstanceId === instanceId || r.targetInstanceId === instanceId) &&
              (backupSetId === undefined || r.backupSetId === backupSetId) &&
              (states === undefined || states.includes(r.state)),
          ),
          (r) => r.requestedAt,
        ),
      );
    },
  };
}

export function taskRecords(doc: DocumentAccess): TaskRecords {
  return {
    async upsert(next: Task) {
      const saved = copy(checkRecord(task, `task ${next.id}`, next)) as Task;
      await doc.write((d) => {
        const exists = d.tasks.some((t) => t.id === saved.id);
        const tasks = exists ? d.tasks.map((t) => (t.id === saved.id ? saved : t)) : [...d.tasks, saved];
        // Tasks finished long ago leave the file as new ones come (see pruneTasksIn).
        return { doc: pruneTasksIn({ ...d, tasks }, Date.parse(saved.updatedAt)), result: undefined };
      });
    },
    get: (id) => doc.read((d) => d.tasks.find((t) => t.id === id) ?? null),
    list(filter: TaskFilter = {}) {
      return doc.read((d) =>
        limited(
          newestFirst(
            d.tasks.filter(
              (t) => (filter.instanceId === undefined || t.instanceId === filter.instanceId) && (filter.states === undefined || filter.states.includes(t.state)),
            ),
            (t) => t.startedAt,
          ),
          filter.limit,
        ),
      );
    },
  };
}
