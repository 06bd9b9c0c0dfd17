// The restore's pure rules: which sets can be restored (named refusals with dates), versions,
// the privileges a restore needs as SHOW GRANTS prints them, four eyes on the configuration,
// and the request's version that makes a decision happen once.

import { describe, expect, it } from 'vitest';
import { decideRestore, decisionBlocker, transitionRestore } from '../../src/domain/restore';
import {
  compareVersions, parseVersionText, pastExpiryNote, restoreCreatesDatabase, restorePrivilegeCheck, unapprovableInstances, whyNotRestorable,
} from '../../src/domain/restore-rules';
import type { Person } from '../../src/domain/types';
import { aDatabaseBackup, aFinishedSet, aRestoreRequest } from '../domain/fixtures';

const zone = 'Asia/Shanghai';

describe('whyNotRestorable', () => {
  it('names a deleted set and the day it was deleted, in the instance zone', () => {
    const set = aFinishedSet({ state: 'DELETED', deletedAt: '2026-11-19T17:00:00.000Z' });
    expect(whyNotRestorable(set, zone)).toBe('bk-20261124-0230-prod-1 was deleted on 2026-11-20; deleted backups cannot be restored');
  });

  it('names expired, expiring, deleting, missing, failed and running sets', () => {
    const set = aFinishedSet({ expiresAt: '2026-11-30T18:40:00.000Z' });
    expect(whyNotRestorable({ ...set, state: 'EXPIRED' }, zone)).toBe('bk-20261124-0230-prod-1 expired on 2026-12-01 and its data was deleted; expired backups cannot be restored');
    expect(whyNotRestorable({ ...set, state: 'EXPIRING' }, zone)).toMatch(/expired on 2026-12-01 and its data is being deleted; it cannot be restored$/);
    expect(whyNotRestorable({ ...set, state: 'DELETING' }, zone)).toBe('bk-20261124-0230-prod-1 is being deleted; it cannot be restored');
    expect(whyNotRestorable({ ...set, state: 'MISSING' }, zone)).toMatch(/no longer on OSS/);
    expect(whyNotRestorable({ ...set, state: 'FAILED' }, zone)).toMatch(/failed, so it holds no restorable data/);
    expect(whyNotRestorable({ ...set, state: 'RUNNING' }, zone)).toMatch(/still running/);
  });

  it('lets a finished or partial set be restored, even past its expiry (the data is still there), with a note', () => {
    const set = aFinishedSet({ expiresAt: '2026-11-30T18:40:00.000Z' });
    expect(whyNotRestorable(set, zone)).toBeNull();
    expect(whyNotRestorable({ ...set, state: 'PARTIAL', databases: [aDatabaseBackup(), aDatabaseBackup({ database: 'web', state: 'FAILED' })] }, zone)).toBeNull();
    expect(pastExpiryNote(set, new Date('2026-12-02T00:00:00Z'), zone)).toBe('bk-20261124-0230-prod-1 passed its expiry on 2026-12-01; its data is kept while this restore waits or runs.');
    expect(pastExpiryNote(set, new Date('2026-11-29T00:00:00Z'), zone)).toBeNull();
  });

  it('refuses a set none of whose databases finished', () => {
    expect(whyNotRestorable(aFinishedSet({ state: 'PARTIAL', databases: [aDatabaseBackup({ state: 'FAILED' })] }), zone)).toMatch(/no database whose snapshot finished/);
  });
});

describe('versions', () => {
  it('reads StarRocks versions and orders them', () => {
    expect(parseVersionText('3.3.5 6f1e4c2')).toEqual([3, 3, 5]);
    expect(parseVersionText('2.5')).toEqual([2, 5, 0]);
    expect(parseVersionText('garbage')).toBeNull();
    expect(parseVersionText(null)).toBeNull();
    expect(compareVersions([3, 1, 0], [3, 3, 5])).toBeLessThan(0);
    expect(compareVersions([3, 3, 5], [3, 3, 5])).toBe(0);
    expect(compareVersions([3, 4, 0], [3, 3, 12])).toBeGreaterThan(0);
  });

  it('3.4 and later create the restored database themselves', () => {
    expect(restoreCreatesDatabase([3, 3, 5])).toBe(false);
    expect(restoreCreatesDatabase([3, 4, 0])).toBe(true);
    expect(restoreCreatesDatabase([4, 0, 1])).toBe(true);
  });
});

describe('restorePrivilegeCheck', () => {
  it('passes root and db_admin, however SHOW GRANTS quotes them', () => {
    expect(restorePrivilegeCheck(["GRANT 'root', 'testrole' TO 'root'@'%'"], [3, 3, 5])).toEqual({ missing: [], unsure: false });
    expect(restorePrivilegeCheck(["GRANT root, db_admin, user_admin TO 'bot'@'%'"], [3, 3, 5])).toEqual({ missing: [], unsure: false });
  });

  it('names each missing grant on 3.x', () => {
    expect(restorePrivilegeCheck(["GRANT SELECT ON ALL TABLES IN ALL DATABASES TO USER 'bot'@'%'"], [3, 3, 5]).missing).toEqual([
      'GRANT REPOSITORY ON SYSTEM TO USER <bot user>',
      'GRANT CREATE DATABASE ON CATALOG default_catalog TO USER <bot user>',
    ]);
    expect(
      restorePrivilegeCheck(["GRANT REPOSITORY ON SYSTEM TO USER 'bot'@'%'", "GRANT CREATE DATABASE ON CATALOG default_catalog TO USER 'bot'@'%'"], [3, 3, 5]),
    ).toEqual({ missing: [], unsure: false });
  });

  it('says it cannot be sure when other roles are granted', () => {
    expect(restorePrivilegeCheck(["GRANT 'restorer' TO 'bot'@'%'", "GRANT REPOSITORY ON SYSTEM TO USER 'bot'@'%'"], [3, 3, 5])).toEqual({
      missing: ['GRANT CREATE DATABASE ON CATALOG default_catalog TO USER <bot user>'],
      unsure: true,
    });
  });

  it('wants ADMIN on 2.5', () => {
    expect(restorePrivilegeCheck(['GlobalPrivs: Select_priv Admin_priv'], [2, 5, 22]).missing).toEqual([]);
    expect(restorePrivilegeCheck(['GlobalPrivs: Select_priv'], [2, 5, 22]).missing).toEqual(['GRANT ADMIN_PRIV ON *.* TO <bot user>']);
  });
});

describe('unapprovableInstances', () => {
  const person = (id: string, roles: Person['roles'], dingtalk: string[] = []): Person => ({ id, displayName: id.toUpperCase(), slack: [`U${id}`], dingtalk, terminal: [], roles });
  const instances = [
    { id: 'prod-1', selfApproval: false },
    { id: 'staging-1', selfApproval: false },
    { id: 'lab-1', selfApproval: true },
    { id: 'dev-1', selfApproval: true },
  ];

  it('names instances with no admin, or one admin and no self-approval; one person with two accounts counts once', () => {
    const people = [person('ann', { '*': 'admin' }, ['ann-dt']), person('bob', { 'prod-1': 'admin', 'dev-1': 'viewer' }), person('cy', { 'staging-1': 'operator' })];
    const alone = [person('ann', { 'staging-1': 'admin', 'lab-1': 'admin' }, ['ann-dt'])];
    expect(unapprovableInstances(instances, people)).toEqual([
      { instanceId: 'staging-1', admins: ['ANN'], selfApproval: false },
    ]);
    expect(unapprovableInstances(instances, alone).map((u) => u.instanceId)).toEqual(['prod-1', 'staging-1', 'dev-1']);
  });
});

describe('decisions on a version', () => {
  const at = new Date('2026-11-25T03:00:00Z');

  it('every change of state raises the version; a decision records who and whether it was their own', () => {
    const req = aRestoreRequest({ version: 1, requestedBy: 'ann' });
    const approved = decideRestore(req, 'APPROVED', 'ann', at);
    expect(approved).toMatchObject({ version: 2, state: 'APPROVED', decidedBy: 'ann', selfApproved: true });
    expect(decideRestore(req, 'APPROVED', 'bob', at).selfApproved).toBe(false);
    expect(transitionRestore(approved, 'RUNNING', at).version).toBe(3);
  });

  it('blocks a decision on a decided, expired or changed request', () => {
    const req = aRestoreRequest({ version: 1 });
    expect(decisionBlocker(req, 1, at)).toBeNull();
    expect(decisionBlocker(req, null, at)).toBeNull();
    expect(decisionBlocker(req, 2, at)).toBe('stale');
    expect(decisionBlocker(req, 1, new Date(req.approvalExpiresAt))).toBe('expired');
    expect(decisionBlocker(decideRestore(req, 'REJECTED', 'bob', at), 1, at)).toBe('decided');
  });
});
