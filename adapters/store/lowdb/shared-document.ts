// The one JSON document of a data folder, shared by every handle this process opens on it (so two
// handles see one truth and their operations are serialized by one mutex), guarded against other
// processes by the folder's lock file. A write builds the next document, saves it atomically, and
// only then makes it current, so a failed save changes nothing, on disk or in memory.

import { appendFile, mkdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { AtomicJsonFile, type WriteTextFile } from './atomic-file';
import { emptyDocument, type StoreDocument } from './document';
import { takeLock, type HeldLock } from './lock-file';
import { Mutex } from './mutex';

export const STORE_FILE_NAME = 'backup-bot.json';
export const AUDIT_LOG_NAME = 'audit.jsonl';

export interface SharedDocumentOptions {
  /** Replaces the durable file write (tests inject failures here). */
  writeTextFile?: WriteTextFile;
}

/** Callers get copies: nothing they do to a returned record reaches the store. */
export const copy = <T>(value: T): T => structuredClone(value);

export class SharedDocument {
  private readonly mutex = new Mutex();
  private refs = 0;
  private closed = false;

  constructor(
    readonly dir: string,
    private readonly db: Low<StoreDocument>,
    readonly lock: HeldLock,
    readonly epoch: number,
  ) {}

  get auditLogPath(): string {
    return join(this.dir, AUDIT_LOG_NAME);
  }

  /** Runs a query alone; what it returns is a copy. */
  read<T>(query: (doc: StoreDocument) => T): Promise<T> {
    return this.mutex.run(() => {
      this.assertOpen();
      return copy(query(this.db.data));
    });
  }

  /** Builds the next document, saves it, then makes it current; returns (a copy of) what `change` says. */
  write<T>(change: (doc: StoreDocument) => { doc: StoreDocument; result: T }, before?: () => Promise<void>): Promise<T> {
    return this.mutex.run(async () => {
      this.assertOpen();
      const previous = this.db.data;
      const { doc, result } = change(previous);
      if (doc === previous) return copy(result);
      if (before) await before();
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

  /** Appends one line to the append-only audit log (inside a write, before the document). */
  async appendAuditLine(line: string): Promise<void> {
    await appendFile(this.auditLogPath, `${line}\n`, { encoding: 'utf8', mode: 0o600 });
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the store is closed');
  }

  retain(): void {
    this.refs += 1;
  }

  /** Drops one handle; the last one closes the document and releases the lock. */
  async releaseHandle(): Promise<void> {
    this.refs -= 1;
    if (this.refs > 0) return;
    opened.delete(this.dir);
    await this.mutex.run(() => {
      this.closed = true;
    });
    await this.lock.release();
  }
}

const opened = new Map<string, Promise<SharedDocument>>();

async function load(dir: string, options: SharedDocumentOptions): Promise<SharedDocument> {
  const lock = await takeLock(dir);
  try {
    const file = new AtomicJsonFile(join(dir, STORE_FILE_NAME), options.writeTextFile);
    const db = new Low<StoreDocument>(file, emptyDocument());
    const existing = await file.read();
    await file.removeLeftovers();
    db.data = existing ?? emptyDocument();
    // Each process that takes the folder is a new leader: the epoch grows.
    db.data = { ...db.data, leaderEpoch: db.data.leaderEpoch + 1 };
    await db.write();
    return new SharedDocument(dir, db, lock, db.data.leaderEpoch);
  } catch (e) {
    await lock.release();
    throw e;
  }
}

/** The folder's document, opened once per process and shared by its handles. */
export async function openSharedDocument(dataDir: string, options: SharedDocumentOptions = {}): Promise<SharedDocument> {
  await mkdir(dataDir, { recursive: true });
  const dir = await realpath(dataDir);
  let pending = opened.get(dir);
  if (!pending) {
    pending = load(dir, options);
    opened.set(dir, pending);
    pending.catch(() => opened.delete(dir));
  }
  const shared = await pending;
  shared.retain();
  return shared;
}
