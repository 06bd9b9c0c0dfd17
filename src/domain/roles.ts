// Who may do what. People are identified by their person id: one person's Slack, DingTalk and
// terminal accounts are one person.

import type { Person, Platform, Role } from './types';

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

/** The configured person owning that platform account, or null. */
export function findPerson(people: Person[], platform: Platform, userId: string): Person | null {
  return people.find((p) => p[platform].includes(userId)) ?? null;
}

function highest(roles: (Role | null | undefined)[]): Role | null {
  let best: Role | null = null;
  for (const r of roles) {
    if (r && (best === null || RANK[r] > RANK[best])) best = r;
  }
  return best;
}

/**
 * The role a person has on an instance: the higher of their role for that instance and their
 * `*` role. The default role is for people the configuration does not list; a listed person has
 * exactly the roles given to them (so an admin can make someone a viewer in a fleet where
 * everyone else is an operator). With `instanceId` null, the highest role the person has
 * anywhere (for commands not about one instance, like `help`).
 */
export function roleFor(person: Person | null, instanceId: string | null, defaultRole: Role | null): Role | null {
  if (person === null) return defaultRole;
  const applicable =
    instanceId === null
      ? Object.values(person.roles)
      : [Object.hasOwn(person.roles, instanceId) ? person.roles[instanceId] : undefined, person.roles['*']];
  return highest(applicable);
}

/** viewer < operator < admin. */
export function hasRole(actual: Role | null, needed: Role): boolean {
  return actual !== null && RANK[actual] >= RANK[needed];
}

/**
 * Four eyes: the approver must be a configured person other than the requester, unless the
 * target instance allows self-approval. The role check (admin) is separate.
 */
export function canApprove(
  approverPersonId: string | null,
  requesterPersonId: string | null,
  selfApprovalAllowed: boolean,
): { ok: true } | { ok: false; reason: string } {
  if (approverPersonId === null) {
    return { ok: false, reason: 'only a person listed in the configuration can approve a restore' };
  }
  if (approverPersonId === requesterPersonId && !selfApprovalAllowed) {
    return {
      ok: false,
      reason:
        'a restore needs the approval of an admin who is not the requester: you asked for this one ' +
        '(another account of the same person does not count)',
    };
  }
  return { ok: true };
}
