// How the record ports reach the database: reads on any pooled connection, writes in a
// transaction (READ COMMITTED; retried whole on a deadlock or a lock wait timeout), and fencing:
// while this handle believes it leads under epoch E, every write transaction first reads the
// lease row with a shared lock and goes on only if the row still names this holder and E. The
// lock keeps the lease from changing hands until the write commits, so a former leader that
// wakes up late (paused, partitioned) cannot write after another replica took over.

import { randomInt } from 'node:crypto';
import type { Pool, PoolConnection } from 'mysql2/promise';
import { z } from 'zod';
import { LeaseLostError } from '../../../src/domain/errors';
import type { Logger } from '../../../src/ports';
import { integer, isFatal, isRetryable, sqlOn, storeError, type Sql } from './sql';

export interface SqlAccess {
  read<T>(work: (db: Sql) => Promise<T>): Promise<T>;
  /** Runs `work` so that its statements land together or not at all. */
  write<T>(work: (db: Sql) => Promise<T>): Promise<T>;
}

type Belief =
  | { kind: 'follower' }
  | { kind: 'leading'; holder: string; epoch: number }
  /** Told it lost (a refused write, a lease taken over): writes are refused until it gives leadership up. */
  | { kind: 'deposed'; holder: string; epoch: number };

/** What this handle believes about leadership; the lease port changes it, writes obey it. */
export class LeaseBelief {
  private state: Belief = { kind: 'follower' };

  get current(): Belief {
    return this.state;
  }

  lead(holder: string, epoch: number): void {
    this.state = { kind: 'leading', holder, epoch };
  }

  /** No lease now: a leader becomes deposed (its controllers may still be finishing a step). */
  noLease(): void {
    if (this.state.kind === 'leading') this.state = { ...this.state, kind: 'deposed' };
  }

  /** A write found the lease in other hands. */
  lost(epoch: number): void {
    if (this.state.kind === 'leading' && this.state.epoch === epoch) this.state = { ...this.state, kind: 'deposed' };
  }

  /** Leadership given up (the controllers have stopped): writes go unfenced, as any follower's. */
  follow(): void {
    this.state = { kind: 'follower' };
  }
}

export interface SessionSettings {
  waitTimeoutSeconds: number;
  lockWaitTimeoutSeconds: number;
}

const MAX_ATTEMPTS = 6;
const leaseRow = z.object({ holder: z.string().nullable(), epoch: integer });

/** The pool, with every connection prepared once (UTC, strict, READ COMMITTED, bounded waits). */
export class Connections {
  private readonly prepared = new WeakSet<object>();

  constructor(
    readonly pool: Pool,
    private readonly session: SessionSettings,
    readonly where: string,
  ) {}

  async with<T>(work: (conn: PoolConnection) => Promise<T>): Promise<T> {
    let conn: PoolConnection;
    try {
      conn = await this.pool.getConnection();
    } catch (err) {
      throw storeError(err, this.where);
    }
    let broken = false;
    try {
      if (!this.prepared.has(conn.connection)) {
        await conn.query(
          "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION', wait_timeout = ?, innodb_lock_wait_timeout = ?",
          [this.session.waitTimeoutSeconds, this.session.lockWaitTimeoutSeconds],
        );
        await conn.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
        this.prepared.add(conn.connection);
      }
      return await work(conn);
    } catch (err) {
      broken = isFatal(err);
      throw err;
    } finally {
      if (broken) conn.destroy();
      else conn.release();
    }
  }
}

/** Reads and writes of the store's own handle (outside `atomically`). */
export class PoolAccess implements SqlAccess {
  constructor(
    private readonly connections: Connections,
    private readonly belief: LeaseBelief,
    private readonly log?: Logger,
  ) {}

  async read<T>(work: (db: Sql) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.connections.with((conn) => work(sqlOn(conn)));
      } catch (err) {
        // A pooled connection the server ended (after a pause, a restart): another one, once.
        if (isFatal(err) && attempt < 2) continue;
        throw storeError(err, this.connections.where);
      }
    }
  }

  write<T>(work: (db: Sql) => Promise<T>): Promise<T> {
    return this.transaction(work, true);
  }

  /** One transaction, run again whole after a deadlock; `fenced` checks the lease first. */
  async transaction<T>(work: (db: Sql) => Promise<T>, fenced: boolean): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let committing = false;
      try {
        return await this.connections.with(async (conn) => {
          await conn.query('START TRANSACTION');
          try {
            const db = sqlOn(conn);
            if (fenced) await this.fence(db);
            const result = await work(db);
            committing = true;
            await conn.query('COMMIT');
            return result;
          } catch (err) {
            if (!isFatal(err)) await conn.query('ROLLBACK').catch(() => undefined);
            throw err;
          }
        });
      } catch (err) {
        // A lost connection rolls its transaction back on the server, so it may run again whole;
        // not when COMMIT itself was under way (it may have landed).
        const again = isRetryable(err) || (isFatal(err) && !committing);
        if (again && attempt < MAX_ATTEMPTS) {
          await new Promise((r) => setTimeout(r, randomInt(5, 20) * attempt));
          continue;
        }
        throw storeError(err, this.connections.where);
      }
    }
  }

  private async fence(db: Sql): Promise<void> {
    const belief = this.belief.current;
    if (belief.kind === 'follower') return;
    if (belief.kind === 'deposed') {
      this.log?.warn({ event: 'store.fenced', epoch: belief.epoch, currentEpoch: null }, 'a write of a former leader was refused');
      throw new LeaseLostError(belief.epoch, null);
    }
    const [row] = await db.rows(leaseRow, "SELECT holder, epoch FROM leader_lease WHERE name = 'leader' LOCK IN SHARE MODE");
    if (row && row.holder === belief.holder && row.epoch === belief.epoch) return;
    this.belief.lost(belief.epoch);
    this.log?.warn({ event: 'store.fenced', epoch: belief.epoch, currentEpoch: row?.epoch ?? null, holder: row?.holder ?? null }, 'a write under a lost lease was refused');
    throw new LeaseLostError(belief.epoch, row?.epoch ?? null);
  }
}

/** Reads and writes inside one `atomically` transaction: its connection, until it ends. */
export class TransactionAccess implements SqlAccess {
  private open = true;

  constructor(private readonly db: Sql) {}

  end(): void {
    this.open = false;
  }

  read<T>(work: (db: Sql) => Promise<T>): Promise<T> {
    return this.run(work);
  }

  write<T>(work: (db: Sql) => Promise<T>): Promise<T> {
    return this.run(work);
  }

  private async run<T>(work: (db: Sql) => Promise<T>): Promise<T> {
    if (!this.open) throw new Error('the transaction has ended');
    return work(this.db);
  }
}
