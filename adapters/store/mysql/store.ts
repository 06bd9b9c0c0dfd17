// The Store on a MySQL-compatible database (MySQL 5.7+/8, MariaDB 10.3+, RDS, PolarDB), for running
// several replicas: every port over a mysql2 pool, the schema migrated at open under a server
// lock, a leader lease with an epoch that fences a former leader's writes.

import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Logger, Store, StoreRecords } from '../../../src/ports';
import { TransactionAccess, type SqlAccess } from './access';
import { connectMysql } from './database';
import { leaseLeadership, type LeaseLeadership } from './leadership';
import { backupSetRecords, restoreRecords, settingsRecords, taskRecords } from './records';
import { auditLog, outbox, runnerState } from './runtime-records';
import { integer } from './sql';
import type { MysqlTarget } from './target';

export interface MysqlStoreOptions {
  log?: Logger;
  /** Who this handle is in the lease (default: host, pid and a random part, unique per handle). */
  holder?: string;
}

export interface MysqlStore extends Store {
  readonly leadership: LeaseLeadership;
  /** The schema versions this open applied (empty when another replica had done it). */
  readonly migrated: number[];
}

function recordsOver(access: SqlAccess): StoreRecords {
  return {
    settings: settingsRecords(access),
    backupSets: backupSetRecords(access),
    restores: restoreRecords(access),
    tasks: taskRecords(access),
    audit: auditLog(access),
    outbox: outbox(access),
    runnerState: runnerState(access),
  };
}

/** Counts operations under way so that close() can wait for them, and refuses new ones after it. */
class Gate {
  private closed = false;
  private readonly running = new Set<Promise<unknown>>();

  get isClosed(): boolean {
    return this.closed;
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    let started: Promise<T>;
    try {
      started = work();
    } catch (err) {
      return Promise.reject(err);
    }
    this.running.add(started);
    const forget = () => this.running.delete(started);
    started.then(forget, forget);
    return started;
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}

function guarded<T extends object>(gate: Gate, port: T): T {
  return new Proxy(port, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => gate.run(() => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
    },
  });
}

/**
 * Opens the store on `target` (the database must exist; its tables are created or migrated here).
 * Throws an `OutsideError` (system `store`) when the server cannot be reached or refuses the user.
 */
export async function openMysqlStore(target: MysqlTarget, options: MysqlStoreOptions = {}): Promise<MysqlStore> {
  const log = options.log;
  const { pool, access, belief, where, migrated } = await connectMysql(target, log);
  const gate = new Gate();
  const holder = options.holder ?? `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;
  const leadership = leaseLeadership({ access, belief, holder, ttlMs: target.leaseTtlMs, description: `lease in ${where}`, ...(log ? { log } : {}) });
  const records = recordsOver(access);
  return {
    settings: guarded(gate, records.settings),
    backupSets: guarded(gate, records.backupSets),
    restores: guarded(gate, records.restores),
    tasks: guarded(gate, records.tasks),
    audit: guarded(gate, records.audit),
    outbox: guarded(gate, records.outbox),
    runnerState: guarded(gate, records.runnerState),
    leadership: guarded(gate, leadership),
    migrated,
    atomically(work) {
      return gate.run(() =>
        access.transaction(async (db) => {
          const tx = new TransactionAccess(db);
          try {
            return await work(recordsOver(tx));
          } finally {
            tx.end();
          }
        }, true),
      );
    },
    ping: () => gate.run(() => access.read(async (db) => void (await db.rows(z.object({ one: integer }), 'SELECT 1 AS one')))),
    async close() {
      if (gate.isClosed) return;
      await gate.close();
      if (belief.current.kind !== 'follower') await leadership.release().catch((err: unknown) => log?.warn({ err: String(err) }, 'could not release the leader lease'));
      await pool.end().catch(() => undefined);
    },
  };
}
