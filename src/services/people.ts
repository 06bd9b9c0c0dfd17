// The people of the configuration and their roles: who an account belongs to, and what that
// person may do on an instance. One person's Slack, DingTalk and terminal accounts are one person.

import { findPerson, hasRole, roleFor } from '../domain/roles';
import type { Actor, Person, Platform, Role } from '../domain/types';

export class PeopleDirectory {
  constructor(
    private readonly people: Person[],
    private readonly defaultRole: Role | null,
  ) {}

  /** The account's person as an actor; an account the configuration does not list has no person. */
  actor(platform: Platform | 'system', userId: string, displayName?: string): Actor {
    const person = platform === 'system' ? null : findPerson(this.people, platform, userId);
    return { platform, userId, personId: person?.id ?? null, displayName: person?.displayName ?? displayName ?? userId };
  }

  /** The actor's role on an instance (null: any instance, the highest held); the bot itself is admin. */
  roleOf(actor: Actor, instanceId: string | null): Role | null {
    if (actor.platform === 'system') return 'admin';
    // An account without a usable id is nobody: no role, not even the default one.
    if (typeof actor.userId !== 'string' || actor.userId.trim() === '' || actor.userId.length > 200) return null;
    const person = actor.personId ? (this.people.find((p) => p.id === actor.personId) ?? null) : null;
    return roleFor(person, instanceId, this.defaultRole);
  }

  allows(actor: Actor, instanceId: string | null, needed: Role): boolean {
    return hasRole(this.roleOf(actor, instanceId), needed);
  }

  /** A person's display name, for messages (`someone` when unknown). */
  name(personId: string | null): string {
    if (!personId) return 'someone';
    return this.people.find((p) => p.id === personId)?.displayName ?? personId;
  }
}
