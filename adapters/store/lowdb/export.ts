// Everything an embedded store holds, read for a migration to another store: the document and the
// whole audit log (the document keeps only the latest events). The folder's lock is taken while
// reading, so a bot still running on it is refused, naming its process.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { AuditEvent } from '../../../src/domain/types';
import type { StoreDocument } from './document';
import { auditEvent } from './schemas';
import { openSharedDocument, STORE_FILE_NAME } from './shared-document';

export interface ExportedStore {
  /** The folder, absolute. */
  dir: string;
  document: StoreDocument;
  /** Every audit event: the log's, in the order written, then any only the document has. */
  audit: AuditEvent[];
  /** Lines of the audit log that are not an event (a line torn by a crash); left out. */
  unreadableAuditLines: number;
}

async function readAuditLog(path: string): Promise<{ events: AuditEvent[]; unreadable: number }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') return { events: [], unreadable: 0 };
    throw e;
  }
  const events: AuditEvent[] = [];
  let unreadable = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed = auditEvent.safeParse(JSON.parse(line));
      if (parsed.success) events.push(parsed.data as AuditEvent);
      else unreadable++;
    } catch {
      unreadable++;
    }
  }
  return { events, unreadable };
}

export async function exportLowdbStore(dataDir: string): Promise<ExportedStore> {
  const dir = resolve(dataDir);
  if (!existsSync(join(dir, STORE_FILE_NAME))) throw new Error(`${dir} holds no embedded store (no ${STORE_FILE_NAME}); nothing to migrate`);
  const shared = await openSharedDocument(dir);
  try {
    const document = await shared.read((d) => d);
    const log = await readAuditLog(shared.auditLogPath);
    const seen = new Set<string>();
    const audit = [...log.events, ...document.audit].filter((e) => !seen.has(e.id) && seen.add(e.id));
    return { dir: shared.dir, document, audit, unreadableAuditLines: log.unreadable };
  } finally {
    await shared.releaseHandle();
  }
}
