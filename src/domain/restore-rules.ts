// The rules a restore is checked against before it is asked for and again after approval: the set
// must still hold restorable data, the target must run a version not older than the source, the
// bot's StarRocks user needs the privileges a restore takes, and four eyes must be possible.

import { DateTime } from 'luxon';
import { restorableDatabases } from './backup-set';
import { roleFor } from './roles';
import type { BackupSet, Person, Role } from './types';

function day(iso: string | null, zone: string): string {
  if (!iso) return 'an unknown day';
  const local = DateTime.fromISO(iso, { zone });
  return local.isValid ? local.toFormat('yyyy-LL-dd') : iso.slice(0, 10);
}

/**
 * Why this set cannot be restored, in one sentence that names the set and the date; null when it
 * can. The state decides: a FINISHED or PARTIAL set past its expiry still holds its data (the
 * sweep has not reached it, or keeps it as the last good one) and a restore that asks for it keeps
 * it from the sweep (src/domain/retention.ts keeps a set a restore reads past its expiry).
 */
export function whyNotRestorable(set: BackupSet, zone: string): string | null {
  switch (set.state) {
    case 'DELETED':
      return `${set.id} was deleted on ${day(set.deletedAt, zone)}; deleted backups cannot be restored`;
    case 'EXPIRED':
      return `${set.id} expired on ${day(set.expiresAt ?? set.deletedAt, zone)} and its data was deleted; expired backups cannot be restored`;
    case 'EXPIRING':
      return `${set.id} expired on ${day(set.expiresAt, zone)} and its data is being deleted; it cannot be restored`;
    case 'DELETING':
      return `${set.id} is being deleted; it cannot be restored`;
    case 'MISSING':
      return `the objects of ${set.id} are no longer on OSS (marked missing); it cannot be restored`;
    case 'FAILED':
      return `${set.id} failed, so it holds no restorable data`;
    case 'RUNNING':
      return `${set.id} is still running; a backup can be restored once it has finished`;
    case 'FINISHED':
    case 'PARTIAL':
      break;
  }
  if (restorableDatabases(set).length === 0) return `${set.id} has no database whose snapshot finished; nothing can be restored`;
  return null;
}

/** A note for a set restored after its expiry: its data stays while the restore needs it. */
export function pastExpiryNote(set: BackupSet, now: Date, zone: string): string | null {
  if (set.expiresAt === null || Date.parse(set.expiresAt) > now.getTime()) return null;
  return `${set.id} passed its expiry on ${day(set.expiresAt, zone)}; its data is kept while this restore waits or runs.`;
}

/** `3.3.5` → [3, 3, 5]; null when it is not a version. */
export function parseVersionText(text: string | null): [number, number, number] | null {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec((text ?? '').trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: [number, number, number], b: [number, number, number]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return 0;
}

/** Before 3.4 a RESTORE needs its target database to exist; 3.4+ creates it. */
export function restoreCreatesDatabase(version: [number, number, number]): boolean {
  return compareVersions(version, [3, 4, 0]) >= 0;
}

export interface PrivilegeCheck {
  /** Privileges the grants show to be missing, as the GRANT statements that would add them. */
  missing: string[];
  /** Other roles are granted: what they carry cannot be read from SHOW GRANTS. */
  unsure: boolean;
}

const ALL_POWERFUL_ROLES = ['root', 'db_admin'];

/** The roles a `GRANT r1, 'r2' TO ...` line gives (not a privilege grant). */
function grantedRoles(grant: string): string[] {
  const m = /^GRANT\s+(.+?)\s+TO\s+/i.exec(grant.trim());
  if (!m || /\bON\b/i.test(m[1] as string)) return [];
  return (m[1] as string).split(',').map((r) => r.trim().replace(/^['`"]|['`"]$/g, '').toLowerCase()).filter(Boolean);
}

/**
 * The privileges a restore needs (reference §7.3): StarRocks 2.5 the ADMIN privilege; 3.0+
 * REPOSITORY on SYSTEM (the read-only repository) and CREATE DATABASE on the catalog (the restored
 * databases are new); the built-in roles root and db_admin hold both.
 */
export function restorePrivilegeCheck(grants: readonly string[], version: [number, number, number]): PrivilegeCheck {
  const text = grants.join('\n');
  if (version[0] < 3) {
    return /ADMIN_PRIV|Admin_priv/i.test(text) ? { missing: [], unsure: false } : { missing: ['GRANT ADMIN_PRIV ON *.* TO <bot user>'], unsure: false };
  }
  const roles = grants.flatMap(grantedRoles);
  if (roles.some((r) => ALL_POWERFUL_ROLES.includes(r))) return { missing: [], unsure: false };
  const missing: string[] = [];
  if (!/\bREPOSITORY\b[^\n]*\bON\s+SYSTEM\b/i.test(text) && !/\bALL\b[^\n]*\bON\s+SYSTEM\b/i.test(text)) missing.push('GRANT REPOSITORY ON SYSTEM TO USER <bot user>');
  if (!/CREATE DATABASE[^\n]*\bON\s+CATALOG\b/i.test(text) && !/\bALL\b[^\n]*\bON\s+CATALOG\b/i.test(text)) {
    missing.push('GRANT CREATE DATABASE ON CATALOG default_catalog TO USER <bot user>');
  }
  const otherRoles = roles.filter((r) => r !== 'public');
  return { missing, unsure: otherRoles.length > 0 };
}

/** The people who are admins of an instance (by person: their accounts do not count twice). */
export function adminsOf(instanceId: string, people: readonly Person[]): Person[] {
  return people.filter((p) => roleFor(p, instanceId, null) === ('admin' satisfies Role));
}

/**
 * Instances on which no restore could ever be approved: nobody is admin there, or one person is
 * and self-approval is off (four eyes needs another admin).
 */
export function unapprovableInstances(
  instances: readonly { id: string; selfApproval: boolean }[],
  people: readonly Person[],
): { instanceId: string; admins: string[]; selfApproval: boolean }[] {
  const out: { instanceId: string; admins: string[]; selfApproval: boolean }[] = [];
  for (const instance of instances) {
    const admins = adminsOf(instance.id, people).map((p) => p.displayName);
    if (admins.length === 0 || (admins.length === 1 && !instance.selfApproval)) {
      out.push({ instanceId: instance.id, admins, selfApproval: instance.selfApproval });
    }
  }
  return out;
}
