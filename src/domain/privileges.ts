// What the bot's StarRocks user must be allowed to do, checked against what SHOW GRANTS prints
// (reference §7.3): StarRocks 2.5 needs ADMIN_PRIV; 3.0+ needs the system, catalog, database and
// table privileges below. A privilege counts when it is granted to the user directly or through
// a role: root and db_admin hold all of them, security_admin holds OPERATE; other roles count
// by what SHOW GRANTS FOR ROLE prints for them. Each missing privilege is named as the GRANT
// statement that adds it.

export type Purpose = 'backup' | 'restore' | 'verify';

/** The objects the bot needs privileges on, as GRANT names them. */
export type GrantObject = 'SYSTEM' | 'CATALOG default_catalog' | 'ALL DATABASES' | 'ALL TABLES IN ALL DATABASES';

export interface Requirement {
  privilege: string;
  on: GrantObject;
  purposes: readonly Purpose[];
  why: string;
}

export const REQUIREMENTS: readonly Requirement[] = [
  { privilege: 'REPOSITORY', on: 'SYSTEM', purposes: ['backup', 'restore'], why: 'CREATE REPOSITORY, BACKUP, RESTORE and SHOW SNAPSHOT' },
  { privilege: 'OPERATE', on: 'SYSTEM', purposes: ['backup', 'restore'], why: 'read run_mode (ADMIN SHOW FRONTEND CONFIG) and colocate groups (SHOW PROC)' },
  { privilege: 'EXPORT', on: 'ALL TABLES IN ALL DATABASES', purposes: ['backup'], why: 'BACKUP SNAPSHOT of every table' },
  { privilege: 'CREATE DATABASE', on: 'CATALOG default_catalog', purposes: ['restore'], why: 'create the databases a restore brings back' },
  { privilege: 'CREATE TABLE', on: 'ALL DATABASES', purposes: ['restore'], why: 'RESTORE creates the tables of a database' },
  { privilege: 'DROP', on: 'ALL DATABASES', purposes: ['restore'], why: 'drop again a database a failed restore created' },
  { privilege: 'INSERT', on: 'ALL TABLES IN ALL DATABASES', purposes: ['restore'], why: 'RESTORE writes the tables' },
  { privilege: 'SELECT', on: 'ALL TABLES IN ALL DATABASES', purposes: ['verify'], why: '/backup verify --full counts rows' },
];

/** Built-in roles whose privileges are fixed (StarRocks docs, "Built-in roles"); `public` is mutable and read. */
const BUILT_IN: Record<string, 'all' | readonly string[]> = {
  root: 'all',
  db_admin: 'all',
  security_admin: ['OPERATE'],
  cluster_admin: [],
  user_admin: [],
};

export function isBuiltInRole(role: string): boolean {
  return Object.hasOwn(BUILT_IN, role);
}

type ParsedGrant = { kind: 'roles'; roles: string[] } | { kind: 'privileges'; privileges: string[]; on: string };

const unquote = (s: string) => s.trim().replace(/^[`'"]|[`'"]$/g, '');
const norm = (s: string) => s.trim().toUpperCase().replace(/_/g, ' ').replace(/\s+/g, ' ');

/** One line of SHOW GRANTS: a grant of roles, or of privileges on an object. */
export function parseGrant(line: string): ParsedGrant | null {
  const text = line.trim().replace(/;$/, '');
  const on = /^GRANT\s+(.+?)\s+ON\s+(.+?)\s+TO\s+/i.exec(text);
  if (on) {
    return { kind: 'privileges', privileges: (on[1] as string).split(',').map(norm), on: norm((on[2] as string).replace(/[`'"]/g, '')) };
  }
  const roles = /^GRANT\s+(.+?)\s+TO\s+/i.exec(text);
  if (roles) return { kind: 'roles', roles: (roles[1] as string).split(',').map(unquote).filter(Boolean) };
  return null;
}

/** The roles the grants give (directly, one level). */
export function grantedRoles(grants: readonly string[]): string[] {
  return [...new Set(grants.flatMap((g) => { const p = parseGrant(g); return p?.kind === 'roles' ? p.roles : []; }))];
}

/** Whether a grant's object covers the object the bot needs (`partial`: the same kind, on some databases only). */
function covers(grantOn: string, needed: GrantObject): 'yes' | 'partial' | 'no' {
  switch (needed) {
    case 'SYSTEM':
      return grantOn === 'SYSTEM' ? 'yes' : 'no';
    case 'CATALOG default_catalog':
      return grantOn === 'CATALOG DEFAULT CATALOG' || grantOn === 'ALL CATALOGS' ? 'yes' : 'no';
    case 'ALL DATABASES':
      if (grantOn === 'ALL DATABASES' || grantOn === 'DATABASE *' || grantOn === 'DATABASE *.*') return 'yes';
      return /^DATABASE \S+$/.test(grantOn) ? 'partial' : 'no';
    case 'ALL TABLES IN ALL DATABASES':
      if (grantOn === 'ALL TABLES IN ALL DATABASES' || grantOn === 'TABLE *.*') return 'yes';
      return /^ALL TABLES IN DATABASE \S+$/.test(grantOn) || /^TABLE \S+$/.test(grantOn) ? 'partial' : 'no';
  }
}

export interface RequirementCheck {
  requirement: Requirement;
  /** How it is held (`granted directly`, `role db_admin`), or null when missing. */
  via: string | null;
  /** Held on some databases or tables only (still missing for the rest). */
  partial: boolean;
  /** The statement that adds it. */
  grant: string;
}

export interface PrivilegeReport {
  /** `'bot'@'%'`, as the GRANT statements name the user. */
  user: string;
  checks: RequirementCheck[];
  /** Roles whose privileges could not be read: what they give is unknown. */
  unreadRoles: string[];
}

/** `'bot'@'%'` from a line of SHOW GRANTS, or from the configured user name. */
export function userIdentity(grants: readonly string[], user: string): string {
  for (const g of grants) {
    const m = /\bTO\s+(?:USER\s+)?[`'"]?([^`'"@\s]+)[`'"]?@[`'"]?([^`'"\s;]+)[`'"]?/i.exec(g);
    if (m) return `'${m[1]}'@'${m[2]}'`;
  }
  return `'${user}'@'%'`;
}

/**
 * Checks the grants of the user (`grants`) and of the roles it holds, recursively (`roleGrants`:
 * what SHOW GRANTS FOR ROLE printed, null when it could not be read) against what StarRocks
 * `version` needs.
 */
export function checkPrivileges(input: {
  major: number;
  grants: readonly string[];
  roleGrants: ReadonlyMap<string, readonly string[] | null>;
  user: string;
}): PrivilegeReport {
  const user = userIdentity(input.grants, input.user);
  if (input.major < 3) {
    const held = input.grants.some((g) => /ADMIN_PRIV/i.test(g)) || grantedRoles(input.grants).some((r) => ['admin', 'operator', 'root'].includes(r.toLowerCase()));
    const requirement: Requirement = { privilege: 'ADMIN_PRIV', on: 'SYSTEM', purposes: ['backup', 'restore', 'verify'], why: 'StarRocks 2.5 allows BACKUP and RESTORE only with ADMIN_PRIV' };
    return { user, checks: [{ requirement, via: held ? 'granted' : null, partial: false, grant: `GRANT ADMIN_PRIV ON *.* TO ${user};` }], unreadRoles: [] };
  }
  // Every source of privileges: the user's own grants, then each role reached through them.
  const sources: { via: string; grants: readonly string[]; all: boolean; builtIn: readonly string[] }[] = [{ via: 'granted directly', grants: input.grants, all: false, builtIn: [] }];
  const unreadRoles: string[] = [];
  const seen = new Set<string>();
  const queue = grantedRoles(input.grants);
  while (queue.length > 0) {
    const role = queue.shift() as string;
    if (seen.has(role)) continue;
    seen.add(role);
    const fixed = BUILT_IN[role];
    if (fixed !== undefined) {
      sources.push({ via: `role ${role}`, grants: [], all: fixed === 'all', builtIn: fixed === 'all' ? [] : fixed });
      continue;
    }
    const grants = input.roleGrants.get(role);
    if (grants === undefined || grants === null) {
      if (role !== 'public') unreadRoles.push(role);
      continue;
    }
    sources.push({ via: `role ${role}`, grants, all: false, builtIn: [] });
    queue.push(...grantedRoles(grants));
  }
  const checks = REQUIREMENTS.map((requirement): RequirementCheck => {
    const grant = `GRANT ${requirement.privilege} ON ${requirement.on} TO USER ${user};`;
    let partial = false;
    for (const source of sources) {
      if (source.all || source.builtIn.includes(requirement.privilege)) return { requirement, via: source.via, partial: false, grant };
      for (const line of source.grants) {
        const parsed = parseGrant(line);
        if (parsed?.kind !== 'privileges') continue;
        if (!parsed.privileges.some((p) => p === requirement.privilege || p === 'ALL' || p === 'ALL PRIVILEGES')) continue;
        const c = covers(parsed.on, requirement.on);
        if (c === 'yes') return { requirement, via: source.via, partial: false, grant };
        if (c === 'partial') partial = true;
      }
    }
    return { requirement, via: null, partial, grant };
  });
  return { user, checks, unreadRoles };
}
