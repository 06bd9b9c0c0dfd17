// Two bot processes on one MySQL database (MariaDB): exactly one leads and the other follows,
// both healthy; a chat command on the follower starts a backup that the leader runs; the leader
// killed (SIGKILL) in the middle of it, the other takes over within the lease time and finishes
// tracking the same StarRocks jobs, submitting no BACKUP SNAPSHOT twice.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMysqlStore, parseStoreUrl, type MysqlStore } from '../../adapters/store/mysql';
import { startSandboxSimulators } from '../../sim/sandbox';
import { createTestDatabase, mariadbTestsRun, type TestDatabase } from '../support/mariadb';
import { startReplica, stopReplicas, type Replica } from '../support/replicas';
import { waitFor } from '../support/wait';

const LEASE_MS = 3000;
const RENEW_MS = 1000;
const run = await mariadbTestsRun('the multi-replica failover test');

describe.skipIf(!run)('two replicas on one MySQL database', () => {
  let sims: Awaited<ReturnType<typeof startSandboxSimulators>>;
  let db: TestDatabase;
  let observer: MysqlStore;
  const replicas: Replica[] = [];
  const replica = (name: string): Replica => {
    const r = startReplica(name, { SIMS_JSON: JSON.stringify(sims.description), BOT_STORE_URL: db.url({ leaseSeconds: LEASE_MS / 1000 }) });
    replicas.push(r);
    return r;
  };

  beforeAll(async () => {
    sims = await startSandboxSimulators({ stepMs: 20 });
    db = await createTestDatabase('failover');
    // The test's own handle reads what the replicas wrote; it never asks for the lease.
    observer = await openMysqlStore(parseStoreUrl(db.url()));
  });
  afterAll(async () => {
    await stopReplicas(replicas);
    await observer?.close();
    await sims?.close();
    await db?.drop();
  });

  it('one leads, the other follows; the leader killed mid-backup, the other takes over within the lease and finishes the same jobs', async () => {
    const prod = sims.starrocks.instance('prod-1');
    prod.faults.hold('sales', 'UPLOADING');
    const a = replica('a');
    await a.line(/^ROLE leader 1$/, 'a to lead');
    const b = replica('b');
    await b.line(/^READY$/, 'b to start');
    await b.line(/^ROLE follower$/, 'b to follow');

    // Exactly one leader, and it stays so: watch the leader renew twice through the follower's
    // /healthz, checking both replicas' roles at every look.
    const renewals = new Set<string>();
    await waitFor(async () => {
      const [ha, hb] = await Promise.all([a.health(), b.health()]);
      expect([ha.role, hb.role]).toEqual(['leader', 'follower']);
      expect([ha.ok, hb.ok]).toEqual([true, true]);
      expect(hb.lease).toBeNull();
      expect(hb.leader).toMatchObject({ holder: ha.lease?.holder, epoch: 1 });
      if (hb.leader?.expiresAt) renewals.add(hb.leader.expiresAt);
      return renewals.size >= 3;
    }, 'the leader to renew its lease twice', 10_000);
    const leaderHealth = await a.health();
    expect(leaderHealth.lease?.epoch).toBe(1);
    expect(leaderHealth.lease?.ageSeconds).toBeGreaterThan(0);
    expect(leaderHealth.lease?.expiresInSeconds).toBeGreaterThan(0);
    expect(leaderHealth.lease?.expiresInSeconds).toBeLessThanOrEqual(LEASE_MS / 1000);
    expect(leaderHealth.leadership).toMatch(/^lease in mysql:\/\/root@127\.0\.0\.1:3306\/bot_mysql_failover_/);
    expect([await a.metric('backup_bot_leader'), await a.metric('backup_bot_lease_epoch'), await a.metric('backup_bot_lease_changes_total')]).toEqual([1, 1, 1]);
    expect([await b.metric('backup_bot_leader'), await b.metric('backup_bot_lease_epoch'), await b.metric('backup_bot_lease_changes_total')]).toEqual([0, 0, 0]);

    // A chat command on the follower writes the set; the leader runs it.
    b.send('RUN prod-1');
    const id = (await b.line(/^(STARTED|REFUSED) /, 'the backup to start')).replace(/^STARTED /, '');
    expect(id).toMatch(/^bk-/);
    await waitFor(async () => (await observer.backupSets.get(id))?.databases.some((d) => d.database === 'sales' && d.state === 'SUBMITTED'), 'sales to be submitted');
    await waitFor(() => [...prod.backupSubmissions.keys()].some((k) => k.includes('sales')), 'StarRocks to see the backup of sales');

    const killedAt = Date.now();
    await a.signal('SIGKILL');
    await b.line(/^ROLE leader 2$/, 'b to take over', LEASE_MS + RENEW_MS + 10_000);
    const tookOverMs = Date.now() - killedAt;
    // At most one lease time after a's last renewal, plus b's renewal period (and a little for the processes).
    expect(tookOverMs).toBeLessThan(LEASE_MS + RENEW_MS + 1500);

    prod.faults.release('sales');
    const ended = await waitFor(async () => {
      const set = await observer.backupSets.get(id);
      return set && set.state !== 'RUNNING' ? set : null;
    }, 'the set to end', 30_000);
    expect(ended.state).toBe('FINISHED');
    expect(ended.databases.map((d) => `${d.database}:${d.state}`).sort()).toEqual(['inventory:FINISHED', 'sales:FINISHED', 'web:FINISHED']);
    const ours = [...prod.backupSubmissions.entries()].filter(([snapshot]) => ended.databases.some((d) => d.snapshotName === snapshot));
    expect(ours.map(([, count]) => count)).toEqual([1, 1, 1]);

    const hb = await b.health();
    expect(hb).toMatchObject({ ok: true, role: 'leader', lease: { epoch: 2 }, leader: { epoch: 2, holder: hb.lease?.holder }, scheduler: 'up' });
    expect([await b.metric('backup_bot_leader'), await b.metric('backup_bot_lease_epoch'), await b.metric('backup_bot_lease_changes_total')]).toEqual([1, 2, 1]);
  }, 90_000);
});
