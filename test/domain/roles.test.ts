import { describe, expect, it } from 'vitest';
import type { PersonConfig } from '../../src/config/types';
import { canApprove, findPerson, hasRole, roleFor } from '../../src/domain/roles';

const alice: PersonConfig = {
  id: 'alice',
  displayName: 'Alice',
  slack: ['U0ALICE'],
  dingtalk: ['alice-staff'],
  terminal: ['alice'],
  roles: { 'prod-1': 'operator', 'staging-1': 'admin' },
};
const bob: PersonConfig = { id: 'bob', displayName: 'Bob', slack: ['U0BOB'], dingtalk: [], terminal: [], roles: { '*': 'admin' } };
const carol: PersonConfig = { id: 'carol', displayName: 'Carol', slack: [], dingtalk: [], terminal: ['carol'], roles: { '*': 'viewer', 'prod-1': 'operator' } };
const people = [alice, bob, carol];

describe('findPerson', () => {
  it('finds one person from any of their accounts', () => {
    expect(findPerson(people, 'slack', 'U0ALICE')).toBe(alice);
    expect(findPerson(people, 'dingtalk', 'alice-staff')).toBe(alice);
    expect(findPerson(people, 'terminal', 'alice')).toBe(alice);
  });

  it('does not mix up platforms', () => {
    expect(findPerson(people, 'dingtalk', 'U0ALICE')).toBeNull();
    expect(findPerson(people, 'slack', 'nobody')).toBeNull();
  });
});

describe('roleFor', () => {
  it('uses the role for that instance or *, the highest winning', () => {
    expect(roleFor(alice, 'prod-1', null)).toBe('operator');
    expect(roleFor(alice, 'staging-1', null)).toBe('admin');
    expect(roleFor(alice, 'lake-1', null)).toBeNull();
    expect(roleFor(bob, 'lake-1', null)).toBe('admin');
    expect(roleFor(carol, 'prod-1', null)).toBe('operator');
    expect(roleFor(carol, 'lake-1', null)).toBe('viewer');
  });

  it('gives unlisted users the default role; listed people have exactly their own roles', () => {
    expect(roleFor(null, 'prod-1', 'operator')).toBe('operator');
    expect(roleFor(null, 'prod-1', null)).toBeNull();
    expect(roleFor(carol, 'lake-1', 'operator')).toBe('viewer');
    expect(roleFor(bob, 'lake-1', 'operator')).toBe('admin');
  });

  it('without an instance, is the highest role anywhere', () => {
    expect(roleFor(alice, null, null)).toBe('admin');
    expect(roleFor(carol, null, null)).toBe('operator');
  });

  it('is not fooled by instance ids named like object keys', () => {
    expect(roleFor(alice, '__proto__', null)).toBeNull();
    expect(roleFor(alice, 'constructor', null)).toBeNull();
  });
});

describe('hasRole', () => {
  it('orders viewer < operator < admin', () => {
    expect(hasRole('admin', 'operator')).toBe(true);
    expect(hasRole('operator', 'operator')).toBe(true);
    expect(hasRole('viewer', 'operator')).toBe(false);
    expect(hasRole('operator', 'admin')).toBe(false);
    expect(hasRole(null, 'viewer')).toBe(false);
  });
});

describe('canApprove', () => {
  it('lets another person approve', () => {
    expect(canApprove('bob', 'alice', false)).toEqual({ ok: true });
  });

  it('refuses the requester, whichever account they approve from', () => {
    const verdict = canApprove('alice', 'alice', false);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toMatch(/not the requester/);
  });

  it('allows self-approval only where the instance opts in', () => {
    expect(canApprove('alice', 'alice', true)).toEqual({ ok: true });
  });

  it('refuses an approver who is not a configured person', () => {
    expect(canApprove(null, 'alice', true).ok).toBe(false);
    expect(canApprove(null, null, true).ok).toBe(false);
  });
});
