// A lowdb adapter for one JSON file: reads refuse anything that is not a valid store document,
// writes go to a temporary file that is flushed to disk and then renamed over the old one, so a
// crash leaves either the old or the new file, never half of one.

import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import { checkDocument, DOCUMENT_VERSION, type StoreDocument } from './document';

/** Writes the whole text to `path` durably (the default opens, writes, fsyncs and closes). */
export type WriteTextFile = (path: string, text: string) => Promise<void>;

async function writeAndSync(path: string, text: string): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not every platform can fsync a directory; the rename itself is still atomic.
  }
}

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class AtomicJsonFile implements Adapter<StoreDocument> {
  private readonly tempPrefix: string;
  /** The document version the last read migrated from, or null when it was current. */
  migratedFrom: number | null = null;

  constructor(
    readonly path: string,
    private readonly writeText: WriteTextFile = writeAndSync,
  ) {
    this.tempPrefix = `.${basename(path)}.`;
  }

  private refusal(what: string): Error {
    return new Error(
      `cannot open the store file ${this.path}: ${what}. The file was left untouched. When single records are ` +
        `named, \`npm run store:repair\` (with the same BOT_DATA_DIR) moves them aside into a file of their own and keeps the rest; ` +
        `otherwise move it aside (e.g. mv ${this.path} ${this.path}.broken) to start with an empty store, or put back a good copy.`,
    );
  }

  /** The document, or null when the file does not exist yet. */
  async read(): Promise<StoreDocument | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if (errorCode(e) === 'ENOENT') return null;
      throw this.refusal(`it cannot be read (${describe(e)})`);
    }
    if (text.trim() === '') throw this.refusal('it is empty');
    let raw: unknown;
    try {
      // A `__proto__` key is dropped: data never gets to choose an object's prototype.
      raw = JSON.parse(text, (key, value: unknown) => (key === '__proto__' ? undefined : value));
    } catch (e) {
      throw this.refusal(`it is not valid JSON (${describe(e)})`);
    }
    let doc: StoreDocument;
    try {
      doc = checkDocument(raw);
    } catch (e) {
      throw this.refusal(describe(e));
    }
    const version = (raw as { version: unknown }).version;
    this.migratedFrom = typeof version === 'number' && version < DOCUMENT_VERSION ? version : null;
    return doc;
  }

  async write(data: StoreDocument): Promise<void> {
    const text = `${JSON.stringify(data, null, 1)}\n`;
    const temp = join(dirname(this.path), `${this.tempPrefix}${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await this.writeText(temp, text);
      await rename(temp, this.path);
    } catch (e) {
      await unlink(temp).catch(() => undefined);
      throw new Error(`could not save the store file ${this.path} (${describe(e)}); the previous content is intact`, {
        cause: e,
      });
    }
    await syncDirectory(dirname(this.path));
  }

  /** Removes temporary files a crash may have left behind (never the store file itself). */
  async removeLeftovers(): Promise<void> {
    const dir = dirname(this.path);
    const names = await readdir(dir).catch(() => [] as string[]);
    await Promise.all(
      names
        .filter((n) => n.startsWith(this.tempPrefix) && n.endsWith('.tmp'))
        .map((n) => unlink(join(dir, n)).catch(() => undefined)),
    );
  }
}
