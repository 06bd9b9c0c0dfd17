// What the bot's StarRocks user must hold, read from SHOW GRANTS as StarRocks prints it.

import { describe, expect, it } from 'vitest';
import { checkPrivileges, grantedRoles, parseGrant, userIdentity } from '../../src/domain/privileges';

const check = (grants: string[], roleGrants: Record<string, string[] | null> = {}, major = 3) =>
  checkPrivileges({ major, grants, roleGrants: new Map(Object.entries(roleGrants)), user: 'bot' });
const missing = (grants: string[], roleGrants: Record<string, string[] | null> = {}, major = 3) =>
  check(grants, roleGrants, major).checks.filter((c) => c.via === null).map((c) => c.grant);

describe('reading SHOW GRANTS', () => {
  it('parses role grants and privilege grants in the forms StarRocks prints', () => {
    expect(parseGrant("GRANT 'root', 'testrole' TO 'root'@'%'")).toEqual({ kind: 'roles', roles: ['root', 'testrole'] });
    expect(parseGrant('GRANT role_g, public to `user_g`@`%`;')).toEqual({ kind: 'roles', roles: ['role_g', 'public'] });
    expect(parseGrant('GRANT CREATE_DATABASE ON CATALOG default_catalog TO USER `user_g`@`%`;')).toEqual({ kind: 'privileges', privileges: ['CREATE DATABASE'], on: 'CATALOG DEFAULT CATALOG' });
    expect(parseGrant('GRANT ALTER, DROP, SELECT, INGEST, EXPORT ON TABLE db.* TO USER `user_g`@`%`;')).toMatchObject({ privileges: ['ALTER', 'DROP', 'SELECT', 'INGEST', 'EXPORT'], on: 'TABLE DB.*' });
    expect(parseGrant('nonsense')).toBeNull();
    expect(grantedRoles(["GRANT 'a', b TO 'bot'@'%'", 'GRANT SELECT ON TABLE x.y TO USER bot', "GRANT b TO 'bot'@'%'"])).toEqual(['a', 'b']);
  });

  it('names the user as the GRANT statements need it', () => {
    expect(userIdentity(['GRANT SELECT ON TABLE *.* TO USER `bot`@`10.%`'], 'x')).toBe("'bot'@'10.%'");
    expect(userIdentity(["GRANT 'public' TO 'bot'@'%'"], 'x')).toBe("'bot'@'%'");
    expect(userIdentity([], 'backup_bot')).toBe("'backup_bot'@'%'");
  });
});

describe('what a backup, a restore and a verify need', () => {
  it('root and db_admin hold everything; security_admin only OPERATE', () => {
    expect(missing(["GRANT 'root' TO 'bot'@'%'"])).toEqual([]);
    expect(missing(["GRANT 'db_admin' TO 'bot'@'%'"])).toEqual([]);
    expect(missing(["GRANT 'security_admin', 'cluster_admin', 'user_admin' TO 'bot'@'%'"])).toEqual([
      "GRANT REPOSITORY ON SYSTEM TO USER 'bot'@'%';",
      "GRANT EXPORT ON ALL TABLES IN ALL DATABASES TO USER 'bot'@'%';",
      "GRANT CREATE DATABASE ON CATALOG default_catalog TO USER 'bot'@'%';",
      "GRANT CREATE TABLE ON ALL DATABASES TO USER 'bot'@'%';",
      "GRANT DROP ON ALL DATABASES TO USER 'bot'@'%';",
      "GRANT INSERT ON ALL TABLES IN ALL DATABASES TO USER 'bot'@'%';",
      "GRANT SELECT ON ALL TABLES IN ALL DATABASES TO USER 'bot'@'%';",
    ]);
  });

  it('counts direct grants, ALL, the *.* forms, and grants through roles of roles', () => {
    const grants = [
      "GRANT 'ops' TO 'bot'@'%'",
      'GRANT REPOSITORY, OPERATE ON SYSTEM TO USER `bot`@`%`',
      'GRANT ALL ON TABLE *.* TO USER `bot`@`%`',
      'GRANT CREATE_DATABASE ON CATALOG default_catalog TO USER `bot`@`%`',
    ];
    const roles = { ops: ["GRANT 'ddl' TO ROLE ops"], ddl: ['GRANT CREATE TABLE, DROP ON ALL DATABASES TO ROLE ddl'] };
    const report = check(grants, roles);
    expect(report.checks.map((c) => [c.requirement.privilege, c.via])).toEqual([
      ['REPOSITORY', 'granted directly'],
      ['OPERATE', 'granted directly'],
      ['EXPORT', 'granted directly'],
      ['CREATE DATABASE', 'granted directly'],
      ['CREATE TABLE', 'role ddl'],
      ['DROP', 'role ddl'],
      ['INSERT', 'granted directly'],
      ['SELECT', 'granted directly'],
    ]);
    expect(report.unreadRoles).toEqual([]);
  });

  it('a grant on some databases only is partial: still missing, and said so', () => {
    const report = check(['GRANT EXPORT ON ALL TABLES IN DATABASE sales TO USER `bot`@`%`', 'GRANT CREATE TABLE ON DATABASE sales TO USER `bot`@`%`']);
    const byName = new Map(report.checks.map((c) => [c.requirement.privilege, c]));
    expect(byName.get('EXPORT')).toMatchObject({ via: null, partial: true });
    expect(byName.get('CREATE TABLE')).toMatchObject({ via: null, partial: true });
    expect(byName.get('INSERT')).toMatchObject({ via: null, partial: false });
  });

  it('a role whose grants could not be read is named, and counts for nothing', () => {
    const report = check(["GRANT 'mystery', 'public' TO 'bot'@'%'"], { mystery: null });
    expect(report.unreadRoles).toEqual(['mystery']);
    expect(report.checks.every((c) => c.via === null)).toBe(true);
  });

  it('StarRocks 2.5 needs ADMIN_PRIV', () => {
    expect(missing(['GlobalPrivs: Select_priv'], {}, 2)).toEqual(["GRANT ADMIN_PRIV ON *.* TO 'bot'@'%';"]);
    expect(missing(['GlobalPrivs: Admin_priv Select_priv'], {}, 2)).toEqual([]);
  });
});
