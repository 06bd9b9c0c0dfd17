// Deleting the snapshots of one backup set: each snapshot directory in turn, through the key
// guard (adapters/oss/key-guard.ts), with the batched, resumable prefix deletion. Also lists the
// repositories under a key prefix, so a start-up pass knows which instances have data on OSS.

import type { DeleteProgress, SnapshotScope } from '../../src/ports';
import { deleteUnderPrefix, type DeleteSettings } from './delete-prefix';
import { keyGuard, scopePrefixes } from './key-guard';
import { listPages } from './listing';
import type { OssSession } from './session';

export async function deleteSnapshotsIn(
  session: OssSession,
  scope: SnapshotScope,
  settings: DeleteSettings,
  onProgress?: (progress: DeleteProgress) => void,
): Promise<{ deleted: number }> {
  const prefixes = scopePrefixes(scope);
  const check = keyGuard(prefixes);
  let deleted = 0;
  for (const [index, prefix] of prefixes.entries()) {
    const before = deleted;
    const last = index === prefixes.length - 1;
    const result = await deleteUnderPrefix(session, prefix, settings, (p) => onProgress?.({ deleted: before + p.deleted, total: last && p.total !== null ? before + p.total : null }), check);
    deleted = before + result.deleted;
  }
  return { deleted };
}

const REPOSITORY_DIR = '__starrocks_repository_';

/** Repository names directly under a key prefix (`<prefix>/__starrocks_repository_<name>/`). */
export async function listRepositoriesUnder(session: OssSession, keyPrefix: string): Promise<string[]> {
  const base = keyPrefix.replace(/^\/+/, '').replace(/\/+$/, '');
  const prefix = `${base === '' ? '' : `${base}/`}${REPOSITORY_DIR}`;
  const names: string[] = [];
  for await (const page of listPages(session, prefix, '/')) {
    for (const dir of page.prefixes) {
      const name = dir.slice(prefix.length, -1);
      if (dir.startsWith(prefix) && name !== '') names.push(name);
    }
  }
  return names;
}
