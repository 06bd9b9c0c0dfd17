// The Store contract: every implementation (lowdb, MySQL) must pass this suite unchanged.
// Usage: describeStoreContract('lowdb', async () => ({ store, openSecond, reopen, cleanup })).
// It asserts behaviour (error classes, record state), never the wording of a message. Races run
// half of their operations through a second handle on the same data, so a rule kept in one
// handle's memory instead of the store fails them.

import { afterEach, beforeEach, describe } from 'vitest';
import type { Store } from '../../src/ports';
import { defineBackupSetContract } from './contract-backup-sets';
import { defineOutboxContract } from './contract-outbox';
import { defineRecordsContract } from './contract-records';
import { defineRuntimeContract } from './contract-runtime';
import { defineSettingsContract } from './contract-settings';
import { defineTransactionContract } from './contract-transactions';
import { defineValidationContract } from './contract-validation';

export interface StoreUnderTest {
  /** A handle on fresh, empty data. */
  store: Store;
  /** Another handle on the same data (another connection; for lowdb, the folder opened again). */
  openSecond(): Promise<Store>;
  /** Closes every handle and opens the same data again (what a restart does). */
  reopen(): Promise<Store>;
  /** Closes whatever is open and removes the data. */
  cleanup(): Promise<void>;
  /**
   * A restart frees the outbox claims made before it (lowdb: the lock file proves the claimant is
   * gone); otherwise a claim holds until it lapses (MySQL: the claimant may be another replica).
   */
  freesClaimsOnReopen?: boolean;
}

export interface ContractContext {
  /** The handle a test works with; `reopen()` replaces it. */
  readonly store: Store;
  /** The second handle on the same data (opened on first use in a test). */
  second(): Promise<Store>;
  /** Restarts: every handle closed, the data opened again. */
  reopen(): Promise<Store>;
  readonly freesClaimsOnReopen: boolean;
  /** Runs `count` operations at once, the even ones through the first handle, the odd ones through the second. */
  race<T>(count: number, work: (store: Store, i: number) => Promise<T>): Promise<PromiseSettledResult<T>[]>;
}

export function describeStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`Store contract: ${name}`, () => {
    let t: StoreUnderTest;
    let current: Store;
    let other: Store | null = null;
    beforeEach(async () => {
      t = await open();
      current = t.store;
      other = null;
    });
    afterEach(async () => {
      await t.cleanup();
    });

    const ctx: ContractContext = {
      get store() {
        return current;
      },
      get freesClaimsOnReopen() {
        return t.freesClaimsOnReopen ?? false;
      },
      async second() {
        other ??= await t.openSecond();
        return other;
      },
      async reopen() {
        current = await t.reopen();
        other = null;
        return current;
      },
      async race(count, work) {
        const second = await ctx.second();
        return Promise.allSettled(Array.from({ length: count }, (_, i) => work(i % 2 === 0 ? current : second, i)));
      },
    };

    defineSettingsContract(ctx);
    defineBackupSetContract(ctx);
    defineRecordsContract(ctx);
    defineOutboxContract(ctx);
    defineRuntimeContract(ctx);
    defineValidationContract(ctx);
    defineTransactionContract(ctx);
  });
}

