// Repairs a store file the bot refuses to open because some records are not valid: the bad
// records are moved into `backup-bot.rejected-<time>.json` beside it (written and flushed
// first, so nothing is lost), and the store keeps every valid record. A file that is not a
// JSON object, or was written by a newer bot, is not touched.

import { open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AtomicJsonFile } from './atomic-file';
import { checkDocument, DOCUMENT_VERSION, type StoreDocument } from './document';
import { takeLock } from './lock-file';
import { migrateDocument } from './migrate';
import { RECORD_LISTS, recordName, recordProblems } from './schemas';
import { AUDIT_LOG_NAME, STORE_FILE_NAME } from './shared-document';
import { finishMigration } from './migration-files';

export interface RejectedRecord {
  /** `audit[0] (id ev-1)`: the list, the index in the file, the id. */
  record: string;
  problems: string[];
  /** The record as it was in the file. */
  value: unknown;
}

export interface RepairResult {
  storeFile: string;
  /** Null when every record was valid (nothing was written). */
  rejectedFile: string | null;
  rejected: RejectedRecord[];
  kept: number;
}

/** Splits a parsed file into a valid document and the records that are not valid. */
export function splitDocument(raw: unknown): { doc: StoreDocument; rejected: RejectedRecord[]; kept: number } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error('the file is not a JSON object; it cannot be repaired record by record');
  }
  const top = raw as Record<string, unknown>;
  if (typeof top.version === 'number' && top.version > DOCUMENT_VERSION) {
    throw new Error(`the file was written by a newer version of the bot (document version ${top.version}); run that version`);
  }
  // An older document is migrated first (its records then have today's shape).
  const current = migrateDocument(top) as Record<string, unknown>;
  const rejected: RejectedRecord[] = [];
  const out: Record<string, unknown> = { ...current, version: DOCUMENT_VERSION, leaderEpoch: typeof current.leaderEpoch === 'number' ? current.leaderEpoch : 0 };
  let kept = 0;
  for (const list of RECORD_LISTS) {
    const records = current[list];
    if (records === undefined) {
      out[list] = [];
      continue;
    }
    if (!Array.isArray(records)) {
      rejected.push({ record: list, problems: ['is not a list'], value: records });
      out[list] = [];
      continue;
    }
    const good: unknown[] = [];
    records.forEach((value: unknown, index) => {
      const problems = recordProblems(list, value);
      if (problems.length === 0) good.push(value);
      else rejected.push({ record: recordName(list, index, value), problems, value });
    });
    kept += good.length;
    out[list] = good;
  }
  return { doc: checkDocument(out), rejected, kept };
}

/** Repairs `<dataDir>/backup-bot.json` in place, holding the folder's lock (no bot may run meanwhile). */
export async function repairStore(dataDir: string, now: Date = new Date()): Promise<RepairResult> {
  const lock = await takeLock(dataDir, now);
  try {
    return await repairLocked(dataDir, now);
  } finally {
    await lock.release();
  }
}

async function repairLocked(dataDir: string, now: Date): Promise<RepairResult> {
  const storeFile = join(dataDir, STORE_FILE_NAME);
  const text = await readFile(storeFile, 'utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text, (key, value: unknown) => (key === '__proto__' ? undefined : value));
  } catch (e) {
    throw new Error(`${storeFile} is not valid JSON (${e instanceof Error ? e.message : String(e)}); it cannot be repaired record by record`);
  }
  const split = splitDocument(raw);
  const { rejected, kept } = split;
  if (rejected.length === 0) return { storeFile, rejectedFile: null, rejected, kept };
  // A file of an older version is migrated as opening it would (its audit events move to the log).
  const from = (raw as { version?: unknown }).version;
  const doc = typeof from === 'number' && from < DOCUMENT_VERSION ? await finishMigration(split.doc, { storePath: storeFile, from, auditLogPath: join(dataDir, AUDIT_LOG_NAME) }) : split.doc;
  const rejectedFile = join(dataDir, `backup-bot.rejected-${now.toISOString().replace(/[:.]/g, '-')}.json`);
  await writeDurably(rejectedFile, `${JSON.stringify({ from: storeFile, at: now.toISOString(), records: rejected }, null, 1)}\n`);
  await new AtomicJsonFile(storeFile).write(doc);
  return { storeFile, rejectedFile, rejected, kept };
}

/** Writes a new file (never over an existing one) and flushes it to disk. */
async function writeDurably(path: string, text: string): Promise<void> {
  const temp = `${path}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
}
