// What a migration does beside the document, before the migrated document is first written:
// the file as the older version wrote it is kept (`backup-bot.json.v1`), and the audit events
// it held move to the append-only audit log, the document keeping only the most recent ones.
// Safe to run again after a crash half-way: the kept copy is never overwritten, and an event
// already in the audit log is not appended twice.

import { constants } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { appendAuditLines, loggedAuditIds } from './audit-file';
import { AUDIT_KEPT_IN_DOCUMENT, type StoreDocument } from './document';

export interface MigrationFiles {
  /** The store file, still as the older version wrote it. */
  storePath: string;
  /** The document version it was written with. */
  from: number;
  auditLogPath: string;
}

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

export async function finishMigration(doc: StoreDocument, files: MigrationFiles): Promise<StoreDocument> {
  try {
    await copyFile(files.storePath, `${files.storePath}.v${files.from}`, constants.COPYFILE_EXCL);
  } catch (e) {
    if (errorCode(e) !== 'EEXIST') throw new Error(`could not keep a copy of the version-${files.from} store file before migrating it`, { cause: e });
  }
  const logged = await loggedAuditIds(files.auditLogPath);
  await appendAuditLines(files.auditLogPath, doc.audit.filter((e) => !logged.has(e.id)));
  return { ...doc, audit: doc.audit.slice(-AUDIT_KEPT_IN_DOCUMENT) };
}
