// The one JSON document of a data folder, shared by every handle this process opens on it (so two
// handles see one truth and their operations are serialized by one mutex), guarded against other
// processes by the folder's lock file. A write builds the next document, saves it atomically, and
// only then makes it current, so a failed save changes nothing, on disk or in memory.

import { mkdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { AtomicJsonFile, type WriteTextFile } from './atomic-file';
import { appendAuditLines, closeTornLine } from './audit-file';
import { emptyDocument, type StoreDocument } from './document';
import { takeLock, type HeldLock } from './lock-file';
import { releaseClaimsIn } from './rules';
import { finishMigration } from './migration-files';
import { Mutex } from './mutex';

export const STORE_FILE_NAME = 'backup-bot.json';
export const AUDIT_LOG_NAME = 'audit.jsonl';
/** Backup sets that ended long ago, moved out of the document: one JSON set per line. */
export const SET_ARCHIVE_NAME = 'backup-sets.archive.jsonl';

export interface SharedDocumentOptions {
  /** Replaces the durable file write (tests inject failures here). */
  writeTextFile?: WriteTextFile;
}

/** Callers get copies: nothing they do to a returned record reaches the store. */
export const copy = <T>(value: T): T => structuredClone(value);

type Change<T> = (doc: StoreDocument) => { doc: StoreDocument; result: T };

interface PendingWrite {
  change: Change<unknown>;
  resolve(result: unknown): void;
  reject(err: unknown): void;
}

/** What the record ports need of the document: the shared one, or one transaction's working copy. */
export interface DocumentAccess {
  /** Runs a query; what it returns is a copy. */
  read<T>(query: (doc: StoreDocument) => T): Promise<T>;
  /** Applies a change; `before` runs just before the change is saved (the audit log line). */
  write<T>(change: Change<T>, before?: () => Promise<void>): Promise<T>;
  appendAudit(event: unknown): Promise<void>;
  /** Appends sets leaving the document to the archive (inside a write, before the document). */
  archiveSets(sets: readonly unknown[]): Promise<void>;
}

export class SharedDocument implements DocumentAccess {
  private readonly mutex = new Mutex();
  /** Writes waiting to be saved together by the next queued save; null = none open. */
  private group: PendingWrite[] | null = null;
  private closed = false;
  /** When this process took the folder: the start of its leader term. */
  readonly openedAt = new Date();

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
    return this.queue(() => {
      this.assertOpen();
      return copy(query(this.db.data));
    });
  }

  /**
   * Builds the next document, saves it, then makes it current; returns (a copy of) what `change`
   * says. Writes without `before` that arrive while the document is busy are saved together
   * (group commit): each change still sees the ones before it, and each write resolves only
   * once the file holding it is on disk, but a burst of small writes (a request recorded as
   * seen per chat command) costs one save, not one per write.
   */
  write<T>(change: (doc: StoreDocument) => { doc: StoreDocument; result: T }, before?: () => Promise<void>): Promise<T> {
    if (before === undefined) return this.writeInGroup(change);
    return this.queue(async () => {
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

  /**
   * Runs `work` as one transaction: its reads and writes go to a working copy of the document,
   * which is saved once, atomically, when `work` resolves; nothing is saved when it throws. Other
   * operations wait meanwhile (`work` must use only the access it is given).
   */
  transaction<T>(work: (access: DocumentAccess) => Promise<T>): Promise<T> {
    return this.queue(async () => {
      this.assertOpen();
      const previous = this.db.data;
      let working = previous;
      const befores: (() => Promise<void>)[] = [];
      let open = true;
      const guard = (): void => {
        if (!open) throw new Error('the transaction has ended');
      };
      const access: DocumentAccess = {
        read: async (query) => {
          guard();
          return copy(query(working));
        },
        write: async (change, before) => {
          guard();
          const { doc, result } = change(working);
          if (doc !== working) {
            working = doc;
            if (before) befores.push(before);
          }
          return copy(result);
        },
        appendAudit: (event) => this.appendAudit(event),
        archiveSets: (sets) => this.archiveSets(sets),
      };
      let result: T;
      try {
        result = await work(access);
      } finally {
        open = false;
      }
      if (working === previous) return result;
      for (const before of befores) await before();
      this.db.data = working;
      try {
        await this.db.write();
      } catch (e) {
        this.db.data = previous;
        throw e;
      }
      return result;
    });
  }

  /** Appends one line to the append-only audit log (inside a write, before the document). */
  appendAudit(event: unknown): Promise<void> {
    return appendAuditLines(this.auditLogPath, [event]);
  }

  /** Appends sets to the archive beside the document (a crash between this and the save may write one twice). */
  archiveSets(sets: readonly unknown[]): Promise<void> {
    return appendAuditLines(join(this.dir, SET_ARCHIVE_NAME), sets);
  }

  /** Queues an operation after everything asked before it; later writes start a new group. */
  private queue<T>(work: () => Promise<T> | T): Promise<T> {
    this.group = null;
    return this.mutex.run(work);
  }

  /** Joins the group of writes waiting for the next save, or opens one behind what is queued. */
  private writeInGroup<T>(change: Change<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const write = { change, resolve, reject } as PendingWrite;
      if (this.group !== null) {
        this.group.push(write);
        return;
      }
      const group: PendingWrite[] = [write];
      this.group = group;
      void this.mutex.run(async () => {
        if (this.group === group) this.group = null;
        await this.saveGroup(group);
      });
    });
  }

  /** Applies the group's changes in order and saves once; a failed save fails them all and changes nothing. */
  private async saveGroup(group: PendingWrite[]): Promise<void> {
    if (this.closed) {
      for (const w of group) w.reject(new Error('the store is closed'));
      return;
    }
    const previous = this.db.data;
    let doc = previous;
    const applied: { write: PendingWrite; result: unknown }[] = [];
    for (const w of group) {
      try {
        const out = w.change(doc);
        doc = out.doc;
        applied.push({ write: w, result: out.result });
      } catch (e) {
        w.reject(e);
      }
    }
    if (doc !== previous) {
      this.db.data = doc;
      try {
        await this.db.write();
      } catch (e) {
        this.db.data = previous;
        for (const a of applied) a.write.reject(e);
        return;
      }
    }
    for (const a of applied) {
      try {
        a.write.resolve(copy(a.result));
      } catch (e) {
        a.write.reject(e);
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the store is closed');
  }

  /** Drops one handle; the last one closes the document and releases the lock. */
  releaseHandle(): Promise<void> {
    return releaseHandle(this);
  }

  /** Lets the operations already queued finish, then refuses more and gives the folder up. */
  async shut(): Promise<void> {
    await this.queue(() => {
      this.closed = true;
    });
    await this.lock.release();
  }
}

/**
 * The open folders of this process. Handles are counted when they ask, before anything is
 * awaited, so a handle opened while the last other one closes never gets a closed document; a
 * folder being closed is opened again only once the close has finished (its queued writes are
 * on disk and its lock is released), so two documents never live on one folder at once.
 */
interface Entry {
  document: Promise<SharedDocument>;
  handles: number;
}
const opened = new Map<string, Entry>();
const closing = new Map<string, Promise<void>>();

async function load(dir: string, options: SharedDocumentOptions): Promise<SharedDocument> {
  await closing.get(dir);
  const lock = await takeLock(dir);
  try {
    const file = new AtomicJsonFile(join(dir, STORE_FILE_NAME), options.writeTextFile);
    const db = new Low<StoreDocument>(file, emptyDocument());
    const existing = await file.read();
    await file.removeLeftovers();
    await closeTornLine(join(dir, AUDIT_LOG_NAME));
    let doc = existing ?? emptyDocument();
    if (file.migratedFrom !== null) doc = await finishMigration(doc, { storePath: file.path, from: file.migratedFrom, auditLogPath: join(dir, AUDIT_LOG_NAME) });
    // Each process that takes the folder is a new leader: the epoch grows, and what the previous
    // one claimed to deliver is free again.
    db.data = { ...releaseClaimsIn(doc), leaderEpoch: doc.leaderEpoch + 1 };
    await db.write();
    return new SharedDocument(dir, db, lock, db.data.leaderEpoch);
  } catch (e) {
    await lock.release();
    throw e;
  }
}

async function releaseHandle(shared: SharedDocument): Promise<void> {
  const entry = opened.get(shared.dir);
  if (!entry) return;
  entry.handles -= 1;
  if (entry.handles > 0) return;
  opened.delete(shared.dir);
  const done = shared.shut();
  const settled = done.catch(() => undefined);
  closing.set(shared.dir, settled);
  try {
    await done;
  } finally {
    if (closing.get(shared.dir) === settled) closing.delete(shared.dir);
  }
}

/** The folder's document, opened once per process and shared by its handles. */
export async function openSharedDocument(dataDir: string, options: SharedDocumentOptions = {}): Promise<SharedDocument> {
  await mkdir(dataDir, { recursive: true });
  const dir = await realpath(dataDir);
  let entry = opened.get(dir);
  if (!entry) {
    const created: Entry = { document: load(dir, options), handles: 0 };
    created.document.catch(() => {
      if (opened.get(dir) === created) opened.delete(dir);
    });
    opened.set(dir, created);
    entry = created;
  }
  entry.handles += 1;
  return entry.document;
}
