// Ids people type (backup sets, restores, instances) and names StarRocks sees (snapshots,
// repositories, identifiers). Everything that reaches SQL text is validated here first.

import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { UserError } from './errors';
import { quoteInput } from './text';

const INSTANCE_ID = /^[a-z](?:-?[a-z0-9])*$/;
const INSTANCE_ID_PART = '[a-z](?:-?[a-z0-9])*';
const BACKUP_SET_ID = new RegExp(`^bk-\\d{8}-\\d{4}-${INSTANCE_ID_PART}(?:\\.[1-9]\\d*)?$`);
const RESTORE_ID = new RegExp(`^rs-\\d{8}-\\d{4}-${INSTANCE_ID_PART}(?:\\.[1-9]\\d*)?$`);
/** A backup set id that maps one-to-one onto a readable snapshot name. */
const PLAIN_BACKUP_SET_ID = new RegExp(`^bk-\\d{8}-\\d{4}-${INSTANCE_ID_PART}$`);

export const MAX_INSTANCE_ID_LENGTH = 63;

/** The one instance-id rule (configuration, commands, backup set ids): `prod-1`. */
export function isInstanceId(s: unknown): s is string {
  return typeof s === 'string' && s.length <= MAX_INSTANCE_ID_LENGTH && INSTANCE_ID.test(s);
}
export const MAX_SNAPSHOT_NAME_LENGTH = 128;
export const MAX_REPOSITORY_NAME_LENGTH = 64;

/** StarRocks' naming rules (docs: reference/System_limit): `[A-Za-z0-9_]`, letter or `_` first. */
export type IdentifierKind = 'database' | 'table' | 'repository' | 'snapshot';
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_IDENTIFIER_LENGTH: Record<IdentifierKind, number> = {
  database: 256,
  table: 1024,
  repository: 64,
  snapshot: 128,
};

function shortHash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

function stamp(at: Date, zone: string): string {
  const local = DateTime.fromJSDate(at, { zone });
  if (!local.isValid) throw new Error(`unknown time zone ${JSON.stringify(zone)}`);
  return local.toFormat('yyyyLLdd-HHmm');
}

/** `bk-YYYYMMDD-HHmm-<instanceId>`, local time in the instance zone. */
export function backupSetId(startedAt: Date, zone: string, instanceId: string): string {
  return `bk-${stamp(startedAt, zone)}-${instanceId}`;
}

/** `rs-YYYYMMDD-HHmm-<target instance id>`, local time in the target's zone. */
export function restoreId(at: Date, zone: string, targetInstanceId: string): string {
  return `rs-${stamp(at, zone)}-${targetInstanceId}`;
}

/** `<id>.<n>` for the n-th id made in the same minute (n ≥ 2); the id itself for n ≤ 1. */
export function withCollisionSuffix(id: string, n: number): string {
  if (!Number.isInteger(n)) throw new Error(`collision number must be a whole number, got ${n}`);
  return n <= 1 ? id : `${id}.${n}`;
}

export function isBackupSetId(s: string): boolean {
  return BACKUP_SET_ID.test(s);
}

export function isRestoreId(s: string): boolean {
  return RESTORE_ID.test(s);
}

/**
 * The StarRocks snapshot (label) name of one database's backup in a set: `[A-Za-z0-9_]`, starts
 * with a letter, at most 128 characters, different for every (set id, database, attempt).
 * Readable when it can be: `bk_20261124_0230_prod_1__sales`, `..._a2` for attempt 2. Otherwise
 * (too long, a collision-suffixed set id, a database name ending like an attempt suffix) it is
 * `bkh_<readable prefix>_<hash>`: the `bkh_` start keeps it apart from every readable name.
 */
export function snapshotName(setId: string, database: string, attempt: number): string {
  if (!Number.isInteger(attempt) || attempt < 1) throw new Error(`attempt must be 1 or more, got ${attempt}`);
  const readable = `${setId.replace(/-/g, '_')}__${database}${attempt > 1 ? `_a${attempt}` : ''}`;
  const plain =
    PLAIN_BACKUP_SET_ID.test(setId) && /^[A-Za-z0-9_]+$/.test(database) && !/_a\d+$/.test(database);
  if (plain && readable.length <= MAX_SNAPSHOT_NAME_LENGTH) return readable;
  const hash = shortHash(JSON.stringify([setId, database, attempt]), 16);
  const room = MAX_SNAPSHOT_NAME_LENGTH - 'bkh_'.length - 1 - hash.length;
  const prefix = readable.replace(/^bk_/, '').replace(/[^A-Za-z0-9_]/g, '_').slice(0, room);
  return `bkh_${prefix}_${hash}`;
}

/** Lowercase letters, digits and single hyphens, starting with a letter, at most 63 characters. */
export function validateInstanceId(id: string): string {
  const base = `instance ids are lowercase letters, digits and hyphens, like prod-1; got ${quoteInput(id)}`;
  if (id.length > MAX_INSTANCE_ID_LENGTH) throw new UserError(`${base} (at most ${MAX_INSTANCE_ID_LENGTH} characters)`);
  if (INSTANCE_ID.test(id)) return id;
  if (/^[a-z][a-z0-9-]*$/.test(id)) {
    throw new UserError(`${base} (no hyphen at the end and no two hyphens in a row)`);
  }
  if (/^[a-z0-9-]+$/.test(id)) throw new UserError(`${base} (it must start with a letter)`);
  throw new UserError(base);
}

/** Checks a name against StarRocks' identifier rules before it may reach SQL text. */
export function validateIdentifier(kind: IdentifierKind, name: string): string {
  const max = MAX_IDENTIFIER_LENGTH[kind];
  if (typeof name === 'string' && name.length <= max && IDENTIFIER.test(name)) return name;
  throw new UserError(
    `${kind} names are letters, digits and underscores, starting with a letter or underscore, ` +
      `at most ${max} characters; got ${quoteInput(String(name))}`,
  );
}

/** The name back-quoted for SQL text, after validation (so it can never contain a backquote). */
export function quoteIdentifier(kind: IdentifierKind, name: string): string {
  return `\`${validateIdentifier(kind, name)}\``;
}

/**
 * The StarRocks repository the bot creates for an instance: `bot_prod_1`. An id too long for the
 * 64-character limit becomes `bot__<prefix>_<hash>` (the double underscore never occurs otherwise).
 */
export function repositoryName(instanceId: string): string {
  const id = validateInstanceId(instanceId);
  const readable = `bot_${id.replace(/-/g, '_')}`;
  if (readable.length <= MAX_REPOSITORY_NAME_LENGTH) return readable;
  const hash = shortHash(id, 8);
  const room = MAX_REPOSITORY_NAME_LENGTH - 'bot__'.length - 1 - hash.length;
  return `bot__${id.replace(/-/g, '_').slice(0, room)}_${hash}`;
}
