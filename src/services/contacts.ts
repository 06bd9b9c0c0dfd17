// When the bot last reached each instance's cluster, and when it last failed to: every call of
// an instance's StarRocks client is counted. A call the cluster answered (even with a refusal,
// such as an unknown database) is a contact; one it did not answer (no connection, no answer in
// time, login refused) is a failed contact. /healthz shows them per instance.

import { OutsideError, type OutsideErrorKind } from '../domain/errors';
import type { Clock, StarRocksClient } from '../ports';

/** Kinds of failure that mean the cluster was not reached (or would not let the bot in). */
const NOT_REACHED: ReadonlySet<OutsideErrorKind> = new Set(['unreachable', 'timeout', 'auth']);

export interface Contact {
  /** The last call the cluster answered. */
  lastSuccessAt: Date | null;
  /** The last call it did not answer. */
  lastFailureAt: Date | null;
  /** What kind of failure that was (`unreachable`, `timeout`, `auth`); never the message (it names hosts). */
  lastFailure: OutsideErrorKind | null;
  /** The latest call was not answered. */
  lastFailed: boolean;
}

export class ContactBook {
  private readonly contacts = new Map<string, Contact>();

  constructor(private readonly clock: Clock) {}

  private entry(instanceId: string): Contact {
    let contact = this.contacts.get(instanceId);
    if (!contact) {
      contact = { lastSuccessAt: null, lastFailureAt: null, lastFailure: null, lastFailed: false };
      this.contacts.set(instanceId, contact);
    }
    return contact;
  }

  /** Counts how a call ended: answered, not reached, or neither (a refusal before anything was sent). */
  observe(instanceId: string, outcome: unknown): void {
    const answered = outcome === 'answered' || (outcome instanceof OutsideError && outcome.system === 'starrocks' && !NOT_REACHED.has(outcome.kind));
    if (answered) {
      const contact = this.entry(instanceId);
      contact.lastSuccessAt = this.clock.now();
      contact.lastFailed = false;
    } else if (outcome instanceof OutsideError && outcome.system === 'starrocks') {
      const contact = this.entry(instanceId);
      contact.lastFailureAt = this.clock.now();
      contact.lastFailure = outcome.kind;
      contact.lastFailed = true;
    }
  }

  get(instanceId: string): Contact {
    const found = this.contacts.get(instanceId);
    return found ? { ...found } : { lastSuccessAt: null, lastFailureAt: null, lastFailure: null, lastFailed: false };
  }

  /** A client whose every call is counted for the instance (close is not a contact). */
  watch(instanceId: string, client: StarRocksClient): StarRocksClient {
    return new Proxy(client, {
      get: (target, name, receiver) => {
        const value = Reflect.get(target, name, receiver) as unknown;
        if (typeof value !== 'function' || name === 'close') return value;
        return async (...args: unknown[]) => {
          try {
            const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            this.observe(instanceId, 'answered');
            return result;
          } catch (err) {
            this.observe(instanceId, err);
            throw err;
          }
        };
      },
    });
  }
}
