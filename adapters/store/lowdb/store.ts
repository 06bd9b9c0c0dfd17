// The Store on one JSON file (lowdb) in the data folder: every port over one shared document,
// the folder's lock file as leadership.

import type { Store, StoreRecords } from '../../../src/ports';
import { backupSetRecords, restoreRecords, settingsRecords, taskRecords } from './records';
import { auditLog, lockFileLeadership, outbox, runnerState } from './runtime-records';
import { openSharedDocument, type DocumentAccess, type SharedDocumentOptions } from './shared-document';

function recordsOver(access: DocumentAccess): StoreRecords {
  return {
    settings: settingsRecords(access),
    backupSets: backupSetRecords(access),
    restores: restoreRecords(access),
    tasks: taskRecords(access),
    audit: auditLog(access),
    outbox: outbox(access),
    runnerState: runnerState(access),
  };
}

export type LowdbStoreOptions = SharedDocumentOptions;

/**
 * Opens (or creates) `<dataDir>/backup-bot.json`; refuses a file that is not a valid store, and a
 * folder another process holds (`StoreLockedError`). Handles opened by one process on one folder
 * share the document.
 */
export async function openLowdbStore(dataDir: string, options: LowdbStoreOptions = {}): Promise<Store> {
  const doc = await openSharedDocument(dataDir, options);
  let closed = false;
  const guard = <T extends object>(port: T): T =>
    new Proxy(port, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (closed) return Promise.reject(new Error('the store is closed'));
          // Every port method answers with a promise: a refusal thrown at once becomes a rejection.
          try {
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          } catch (e) {
            return Promise.reject(e);
          }
        };
      },
    });
  const records = recordsOver(doc);
  return {
    settings: guard(records.settings),
    backupSets: guard(records.backupSets),
    restores: guard(records.restores),
    tasks: guard(records.tasks),
    audit: guard(records.audit),
    outbox: guard(records.outbox),
    runnerState: guard(records.runnerState),
    atomically(work) {
      if (closed) return Promise.reject(new Error('the store is closed'));
      return doc.transaction((access) => work(recordsOver(access)));
    },
    // A closed handle grants nothing: a runner still asking after close learns it is not leading.
    leadership: guard(lockFileLeadership(doc)),
    async ping() {
      if (closed) throw new Error('the store is closed');
      await doc.read(() => undefined);
    },
    async close() {
      if (closed) return;
      closed = true;
      await doc.releaseHandle();
    },
  };
}
