// Deleting everything under a prefix (reference/oss-api.md §2.4): list 1000 keys a page, delete
// each page with one verbose DeleteMultipleObjects (at most 1000 keys), a few batches at a time,
// check which keys OSS reports deleted and send the rest again; then list again, and only when a
// listing finds nothing is the prefix done. Calling it again after a crash resumes with what is left.

import pLimit from 'p-limit';
import { z } from 'zod';
import { OutsideError, UserError } from '../../src/domain/errors';
import type { DeleteProgress } from '../../src/ports';
import { listPages } from './listing';
import { parseAnswer, type OssSession } from './session';

export interface DeleteSettings {
  /** DeleteMultipleObjects requests in flight at once. */
  concurrency: number;
  /** Listing-and-deleting passes before giving up on objects that keep appearing. */
  maxPasses: number;
  /** Re-sends of the keys a batch did not report deleted, before leaving them to the next pass. */
  batchResends: number;
}

export const DEFAULT_DELETE_SETTINGS: DeleteSettings = { concurrency: 4, maxPasses: 5, batchResends: 2 };

const MAX_KEYS_PER_DELETE = 1000;

const DeleteMultiAnswer = z.object({
  deleted: z.array(z.union([z.object({ Key: z.string() }), z.string()])).nullish(),
});

/**
 * Refuses prefixes that could reach further than one directory: the empty prefix (the whole
 * bucket) and any prefix not ending in `/` (`a/b` would also take `a/bc/...`).
 */
export function assertDeletablePrefix(prefix: string): void {
  if (prefix === '' || prefix === '/') throw new UserError('Refusing to delete with an empty prefix: that would empty the whole bucket.');
  if (!prefix.endsWith('/')) throw new UserError(`Refusing to delete '${prefix}': the prefix must end with '/' so that no sibling prefix is touched.`);
}

/** Called with every key before it is deleted; throws to refuse it (adapters/oss/key-guard.ts). */
export type KeyCheck = (key: string) => void;

/** Deletes one batch; returns the keys OSS reported deleted. */
async function deleteBatch(session: OssSession, keys: readonly string[], prefix: string, resends: number, check?: KeyCheck): Promise<number> {
  if (check) keys.forEach(check);
  let remaining = [...keys];
  let deleted = 0;
  for (let round = 0; round <= resends && remaining.length > 0; round += 1) {
    const what = `deleting ${remaining.length} objects under '${prefix}' in bucket ${session.bucket}`;
    const batch = remaining;
    const answer = await session.call(what, async (wire) => parseAnswer(DeleteMultiAnswer, await wire.deleteMulti(batch, { quiet: false }), what));
    const reported = new Set((answer.deleted ?? []).map((d) => (typeof d === 'string' ? d : d.Key)));
    const gone = batch.filter((key) => reported.has(key));
    deleted += gone.length;
    remaining = batch.filter((key) => !reported.has(key));
  }
  return deleted;
}

interface BatchPool {
  /** Resolves once the task has started, so the listing never runs ahead of the deletions. */
  submit(task: () => Promise<void>): Promise<void>;
  /** Waits for every started task; rethrows the first failure. */
  drain(): Promise<void>;
  throwIfFailed(): void;
}

/** Runs batch deletions a few at a time (p-limit); the first failure stops new ones and is rethrown. */
function batchPool(concurrency: number): BatchPool {
  const limit = pLimit(concurrency);
  const runs: Promise<void>[] = [];
  let failure: { error: unknown } | null = null;
  const throwIfFailed = (): void => {
    if (failure) throw failure.error;
  };
  return {
    submit: (task) =>
      new Promise<void>((started, refused) => {
        const run = limit(async () => {
          if (failure) {
            refused(failure.error);
            return;
          }
          started();
          await task().catch((error: unknown) => {
            failure ??= { error };
          });
        });
        runs.push(run);
      }),
    drain: async () => {
      await Promise.all(runs);
      throwIfFailed();
    },
    throwIfFailed,
  };
}

export async function deleteUnderPrefix(
  session: OssSession,
  prefix: string,
  settings: DeleteSettings,
  onProgress?: (progress: DeleteProgress) => void,
  check?: KeyCheck,
): Promise<{ deleted: number }> {
  assertDeletablePrefix(prefix);
  check?.(prefix);
  let deleted = 0;
  for (let pass = 1; pass <= settings.maxPasses; pass += 1) {
    const deletedBefore = deleted;
    let listed = 0;
    let total: number | null = null;
    const pool = batchPool(settings.concurrency);
    try {
      for await (const page of listPages(session, prefix)) {
        const keys = page.objects.map((o) => o.key);
        const stray = keys.find((key) => !key.startsWith(prefix));
        if (stray !== undefined) throw new OutsideError('oss', 'protocol', `OSS listed '${stray}' under '${prefix}'; deletion stopped`);
        if (check) keys.forEach(check);
        listed += keys.length;
        for (let at = 0; at < keys.length; at += MAX_KEYS_PER_DELETE) {
          const batch = keys.slice(at, at + MAX_KEYS_PER_DELETE);
          await pool.submit(async () => {
            const gone = await deleteBatch(session, batch, prefix, settings.batchResends, check);
            deleted += gone; // not `deleted += await ...`: that would read `deleted` before the await
            onProgress?.({ deleted, total });
          });
        }
      }
      total = deletedBefore + listed;
    } finally {
      await pool.drain().catch(() => undefined);
    }
    pool.throwIfFailed();
    if (listed === 0) {
      onProgress?.({ deleted, total: deleted });
      return { deleted };
    }
  }
  throw new OutsideError(
    'oss',
    'other',
    `Objects kept appearing under '${prefix}' in bucket ${session.bucket} after ${settings.maxPasses} passes (${deleted} deleted); is something still writing there?`,
  );
}
