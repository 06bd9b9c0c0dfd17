// The guard on every deletion of backup data: a deletion names a repository root and snapshot
// names; only keys inside `<root>/__ss_<name>/` for those names may be deleted. A root that is
// not a StarRocks repository, a name outside StarRocks' snapshot alphabet (a `/`, `..`, empty),
// or any key outside those directories is refused before a request is sent. The repository's
// own `__repo_info` and other snapshots are therefore never touched.

import { UserError } from '../../src/domain/errors';
import type { SnapshotScope } from '../../src/ports';

/** `[<prefix segments>/]__starrocks_repository_<repo>`: segments never start with `.`, never empty. */
const REPOSITORY_ROOT = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}\/){0,10}__starrocks_repository_[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** StarRocks snapshot (label) names: letters, digits, underscore; a letter or `_` first. */
const SNAPSHOT_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const MAX_SNAPSHOTS = 1000;

/** A deletion outside a repository's snapshot directories, refused before anything is sent. */
export class KeyGuardError extends UserError {
  override readonly name = 'KeyGuardError';
}

function shown(value: string): string {
  const clean = value.replace(/[\p{Cc}\p{Cf}]/gu, '?');
  return `'${clean.length > 120 ? `${clean.slice(0, 120)}…` : clean}'`;
}

/** The snapshot directories (`<root>/__ss_<name>/`) of a scope, after checking every part. */
export function scopePrefixes(scope: SnapshotScope): string[] {
  const { repositoryRoot, snapshotNames } = scope;
  if (!REPOSITORY_ROOT.test(repositoryRoot)) {
    throw new KeyGuardError(`Refusing to delete under ${shown(repositoryRoot)}: that is not a StarRocks repository root (…/__starrocks_repository_<name>). Nothing was deleted.`);
  }
  if (snapshotNames.length === 0) throw new KeyGuardError('Refusing to delete: no snapshot was named. Nothing was deleted.');
  if (snapshotNames.length > MAX_SNAPSHOTS) throw new KeyGuardError(`Refusing to delete ${snapshotNames.length} snapshots at once (at most ${MAX_SNAPSHOTS}). Nothing was deleted.`);
  const bad = snapshotNames.find((name) => !SNAPSHOT_NAME.test(name));
  if (bad !== undefined) {
    throw new KeyGuardError(`Refusing to delete snapshot ${shown(bad)}: not a StarRocks snapshot name (letters, digits and _), so its directory could reach outside the set. Nothing was deleted.`);
  }
  return [...new Set(snapshotNames)].map((name) => `${repositoryRoot}/__ss_${name}/`);
}

/** A check for each key about to be deleted: inside one of the prefixes, or refused. */
export function keyGuard(prefixes: readonly string[]): (key: string) => void {
  return (key) => {
    if (!prefixes.some((prefix) => key.startsWith(prefix) && !key.slice(prefix.length).split('/').some((part) => part === '..'))) {
      throw new KeyGuardError(`Refusing to delete ${shown(key)}: it is outside the snapshot directories of the set being deleted. Deletion stopped.`);
    }
  };
}
