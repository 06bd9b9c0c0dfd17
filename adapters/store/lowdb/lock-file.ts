// One process per data folder: the embedded store takes `<dir>/backup-bot.lock` exclusively when
// it opens (it holds the pid and host), and a second process on the same folder refuses to start,
// naming the holder. A lock left by a process that no longer runs on this host is taken over.

import { hostname } from 'node:os';
import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
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

async function readLock(path: string): Promise<LockContent | null> {
  try {
    const parsed = LockContent.safeParse(JSON.parse(await readFile(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return null;
    // Half-written by a crash between create and write: nobody can hold it.
    return null;
  }
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
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify(mine));
        await handle.sync();
      } finally {
        await handle.close();
      }
      return {
        path,
        holder: `${mine.host}:${mine.pid}`,
        async release() {
          const current = await readLock(path);
          if (current && current.pid === mine.pid && current.host === mine.host) await unlink(path).catch(() => undefined);
        },
      };
    } catch (e) {
      if (errorCode(e) !== 'EEXIST') throw new Error(`cannot create the lock file ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const holder = await readLock(path);
    const stale = holder === null || (holder.host === mine.host && (holder.pid === process.pid || !isRunning(holder.pid)));
    if (!stale) {
      const where = holder.host === mine.host ? `pid ${holder.pid}` : `pid ${holder.pid} on host ${holder.host}`;
      throw new StoreLockedError(
        `another bot process (${where}, started ${holder.startedAt}) is using the data folder ${dir}. ` +
          `Two processes on one folder would run every backup twice: stop that process, or give this one another BOT_DATA_DIR. ` +
          `If that process is gone, delete ${path}.`,
      );
    }
    await unlink(path).catch(() => undefined);
  }
  throw new StoreLockedError(`could not take the lock file ${path}: another process keeps taking it`);
}
