// The leader lease: one row (`leader_lease`), timed by the database's clock so replicas whose
// clocks disagree still agree on who leads. `acquire` renews this handle's lease, or takes a free or
// lapsed one with the epoch one higher (the fencing token), or answers null while another replica
// holds an unexpired lease. What it finds becomes the handle's belief, which fences its writes.

import { z } from 'zod';
import type { Lease, Leadership, Logger } from '../../../src/ports';
import type { LeaseBelief, PoolAccess } from './access';
import { fromSqlTime, integer, sqlTimeText, type Sql } from './sql';

const leaseRow = z.object({
  holder: z.string().nullable(),
  epoch: integer,
  acquired_at: sqlTimeText.nullable(),
  expires_at: sqlTimeText.nullable(),
  now: sqlTimeText,
});
type LeaseRow = z.output<typeof leaseRow>;

const SELECT_LEASE = "SELECT holder, epoch, acquired_at, expires_at, UTC_TIMESTAMP(3) AS now FROM leader_lease WHERE name = 'leader'";

function leaseOf(row: LeaseRow): Lease | null {
  if (row.holder === null || row.acquired_at === null) return null;
  return { holder: row.holder, epoch: row.epoch, acquiredAt: fromSqlTime(row.acquired_at), expiresAt: row.expires_at === null ? null : fromSqlTime(row.expires_at) };
}

function heldByAnother(row: LeaseRow, holder: string): boolean {
  return row.holder !== null && row.holder !== holder && row.expires_at !== null && row.expires_at > row.now;
}

async function readLease(db: Sql, lock: string): Promise<LeaseRow> {
  const [row] = await db.rows(leaseRow, `${SELECT_LEASE}${lock}`);
  if (!row) throw new Error('the store has no leader_lease row; its migrations did not finish');
  return row;
}

export interface LeaseLeadership extends Leadership {
  /** The lease as the database has it now, whoever holds it (health). */
  current(): Promise<Lease | null>;
}

export function leaseLeadership(deps: { access: PoolAccess; belief: LeaseBelief; holder: string; ttlMs: number; description: string; log?: Logger }): LeaseLeadership {
  const { access, belief, holder, ttlMs } = deps;
  const ttlMicros = ttlMs * 1000;
  return {
    description: deps.description,
    renewEveryMs: Math.max(500, Math.round(ttlMs / 3)),
    async acquire() {
      // A follower looks without locking first: the leader's writes hold the row shared.
      const seen = await access.read((db) => readLease(db, ''));
      if (heldByAnother(seen, holder)) {
        belief.noLease();
        return null;
      }
      const lease = await access.transaction(async (db) => {
        const row = await readLease(db, ' FOR UPDATE');
        if (heldByAnother(row, holder)) return null;
        if (row.holder === holder) {
          // Still ours (even if it lapsed, nobody took it): the same term goes on.
          await db.run("UPDATE leader_lease SET expires_at = UTC_TIMESTAMP(3) + INTERVAL ? MICROSECOND WHERE name = 'leader'", [ttlMicros]);
        } else {
          await db.run(
            "UPDATE leader_lease SET holder = ?, epoch = epoch + 1, acquired_at = UTC_TIMESTAMP(3), expires_at = UTC_TIMESTAMP(3) + INTERVAL ? MICROSECOND WHERE name = 'leader'",
            [holder, ttlMicros],
          );
        }
        return leaseOf(await readLease(db, ''));
      }, false);
      if (lease) {
        const was = belief.current;
        belief.lead(lease.holder, lease.epoch);
        if (was.kind !== 'leading' || was.epoch !== lease.epoch) deps.log?.info({ event: 'store.lease_acquired', holder, epoch: lease.epoch }, 'leader lease taken');
      } else {
        belief.noLease();
      }
      return lease;
    },
    async release() {
      belief.follow();
      await access.transaction((db) => db.run("UPDATE leader_lease SET holder = NULL, expires_at = UTC_TIMESTAMP(3) WHERE name = 'leader' AND holder = ?", [holder]), false);
    },
    current: () => access.read(async (db) => leaseOf(await readLease(db, ''))),
  };
}
