// One process per data folder: the embedded store takes `<dir>/backup-bot.lock` exclusively when
// it opens (it holds the pid and host), and a second process on the same folder refuses to start,
// naming the holder. A lock left by a process that no longer runs on this host is taken over;
// a lock of another host is never (its process cannot be checked from here).

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';

export const LOCK_FILE_NAME = 'backup-bot.lock';

const LockContent = z.object({ pid: z.number().int().positive(), host: z.string(), startedAt: z.string() });
type LockContent = z.infer<typeof LockContent>;

/** Another bot process holds the data folder. */
export class StoreLockedError extends Error {
  override readonly name = 'StoreLockedError';
}

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return errorCode(e) === 'EPERM';
  }
}

interface SeenLock {
  /** The file's text, to tell later whether it is still the same lock. */
  text: string;
  /** Null when the text is not a lock (torn by a crash of an older version): nobody holds it. */
  holder: LockContent | null;
}

async function readLock(path: string): Promise<SeenLock | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return null;
    throw new Error(`cannot read the lock file ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  let holder: LockContent | null = null;
  try {
    const parsed = LockContent.safeParse(JSON.parse(text));
    if (parsed.success) holder = parsed.data;
  } catch {
    // not JSON: nobody holds it
  }
  return { text, holder };
}

const hidden = (path: string, what: string) => join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.${what}`);

/**
 * Creates the lock with its whole content in one step (written aside, then hard-linked into
 * place), so another process never reads a half-written lock. False when someone holds it.
 */
async function createLock(path: string, text: string): Promise<boolean> {
  const temp = hidden(path, 'tmp');
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, path);
    return true;
  } catch (e) {
    if (errorCode(e) === 'EEXIST') return false;
    throw e;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/**
 * Removes a stale lock, but only the one that was seen: it is first moved aside (one process
 * wins the move), and put back if it turns out to be a lock another process took meanwhile.
 */
async function breakStaleLock(path: string, seen: SeenLock): Promise<void> {
  const aside = hidden(path, 'stale');
  try {
    await rename(path, aside);
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return;
    throw e;
  }
  const moved = await readFile(aside, 'utf8').catch(() => null);
  if (moved !== seen.text) await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

export interface HeldLock {
  readonly path: string;
  readonly holder: string;
  release(): Promise<void>;
}

/** Takes the folder's lock or throws `StoreLockedError` naming the process that holds it. */
export async function takeLock(dir: string, now = new Date()): Promise<HeldLock> {
  const path = join(dir, LOCK_FILE_NAME);
  const mine: LockContent = { pid: process.pid, host: hostname(), startedAt: now.toISOString() };
  const text = JSON.stringify(mine);
  for (let attempt = 0; attempt < 5; attempt++) {
    let created: boolean;
    try {
      created = await createLock(path, text);
    } catch (e) {
      throw new Error(`cannot create the lock file ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (created) {
      return {
        path,
        holder: `${mine.host}:${mine.pid}`,
        async release() {
          const current = await readLock(path).catch(() => null);
          if (current?.text === text) await unlink(path).catch(() => undefined);
        },
      };
    }
    const seen = await readLock(path);
    if (seen === null) continue;
    const { holder } = seen;
    // The same pid on this host is a former life of this process (pid 1 in a container).
    const stale = holder === null || (holder.host === mine.host && (holder.pid === process.pid || !isRunning(holder.pid)));
    if (!stale) {
      const where = holder.host === mine.host ? `pid ${holder.pid}` : `pid ${holder.pid} on host ${holder.host}`;
      throw new StoreLockedError(
        `another bot process (${where}, started ${holder.startedAt}) is using the data folder ${dir}. ` +
          `Two processes on one folder would run every backup twice: stop that process, or give this one another BOT_DATA_DIR. ` +
          `If that process is gone, delete ${path}.`,
      );
    }
    await breakStaleLock(path, seen);
  }
  throw new StoreLockedError(`could not take the lock file ${path}: another process keeps taking it`);
}
