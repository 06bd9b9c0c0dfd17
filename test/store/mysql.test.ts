// The MySQL store against a real MariaDB: the same contract suite as lowdb (two handles are two
// pools, as two replicas would be), then what only a shared database has: migrations that two
// replicas starting together apply once, a lease timed by the database, and fencing.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMysqlStore, parseStoreUrl, SCHEMA_VERSION, type MysqlStore } from '../../adapters/store/mysql';
import { LeaseLostError, OutsideError } from '../../src/domain/errors';
import type { Store } from '../../src/ports';
import { createTestDatabase, mariadbTestsRun, type TestDatabase } from '../support/mariadb';
import { memoryLogger } from '../support/logger';
import { waitFor } from '../support/wait';
import { anAuditEvent, someSettings } from './builders';
import { describeStoreContract } from './contract';

const run = await mariadbTestsRun('the MySQL store tests');

describe.skipIf(!run)('MySQL store on MariaDB', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('contract');
  });
  afterAll(async () => {
    await db?.drop();
  });

  describeStoreContract('mysql', async () => {
    await db.empty();
    const handles: Store[] = [];
    const openHandle = async () => {
      const store = await openMysqlStore(parseStoreUrl(db.url()));
      handles.push(store);
      return store;
    };
    const closeAll = async () => void (await Promise.all(handles.splice(0).map((h) => h.close())));
    return {
      store: await openHandle(),
      openSecond: openHandle,
      async reopen() {
        await closeAll();
        return openHandle();
      },
      cleanup: closeAll,
    };
  });
});

describe.skipIf(!run)('MySQL store: what a shared database adds', () => {
  let db: TestDatabase;
  const opened: MysqlStore[] = [];
  const open = async (options: Record<string, number> = {}, log = memoryLogger()) => {
    const store = await openMysqlStore(parseStoreUrl(db.url(options)), { log });
    opened.push(store);
    return store;
  };
  beforeAll(async () => {
    db = await createTestDatabase('shared');
  });
  afterAll(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    await db?.drop();
  });

  it('migrates once when four replicas open a new database at the same moment', async () => {
    const logs = Array.from({ length: 4 }, () => memoryLogger());
    const stores = await Promise.all(logs.map((log) => open({}, log)));
    expect(stores.flatMap((s) => s.migrated)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
    const migratedEvents = logs.flatMap((l) => l.records).filter((r) => (r.fields as { event?: string }).event === 'store.migrated');
    expect(migratedEvents).toHaveLength(SCHEMA_VERSION);
    expect(await db.rows('SELECT version FROM schema_migrations ORDER BY version')).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => ({ version: i + 1 })));
    await stores[0]?.settings.save(someSettings());
    expect(await stores[3]?.settings.get('prod-1')).toEqual(someSettings());
  });

  it('refuses a database a newer bot migrated, naming both versions', async () => {
    await db.admin.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from the future', UTC_TIMESTAMP(3))", []);
    try {
      await expect(open()).rejects.toThrow(/newer version of the bot \(schema version 999; this bot knows up to 1\)/);
    } finally {
      await db.admin.query('DELETE FROM schema_migrations WHERE version = 999');
    }
  });

  it('says which server it could not reach, without the password', async () => {
    const error = await openMysqlStore(parseStoreUrl('mysql://bot:s3cret-pw@127.0.0.1:9/backupbot')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutsideError);
    expect(error).toMatchObject({ system: 'store', kind: 'unreachable' });
    expect((error as Error).message).toContain('mysql://bot:***@127.0.0.1:9/backupbot');
    expect((error as Error).message).not.toContain('s3cret');
  });

  it('runs with exactly the privileges the README grants, the password from BOT_STORE_PASSWORD', async () => {
    const user = `bot_grants_${Date.now().toString(36)}`;
    const password = `pw-${Math.random().toString(36).slice(2)}`;
    const own = await createTestDatabase('grants');
    await db.admin.query("CREATE USER ?@'%' IDENTIFIED BY ?", [user, password]);
    try {
      // The README's section "Several replicas on MySQL" gives exactly this statement.
      await db.admin.query(`GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX ON \`${own.name}\`.* TO ?@'%'`, [user]);
      const store = await openMysqlStore(parseStoreUrl(`mysql://${user}@127.0.0.1:3306/${own.name}`, password));
      opened.push(store);
      expect(store.migrated).toEqual([1]);
      const lease = await store.leadership.acquire(new Date());
      expect(lease?.epoch).toBe(1);
      await store.atomically(async (tx) => {
        await tx.settings.save(someSettings());
        await tx.audit.append(anAuditEvent());
      });
      expect(await store.runnerState.firstSeen('slack.request', 'r1', new Date(), 60_000)).toBe(true);
      expect(await store.settings.get('prod-1')).toEqual(someSettings());
      await store.close();
    } finally {
      await db.admin.query("DROP USER ?@'%'", [user]);
      await own.drop();
    }
  });

  describe('the leader lease', () => {
    it('is held by one handle; another takes it when it lapses, one epoch higher, and the former leader is fenced', async () => {
      await db.empty();
      const a = await open({ leaseSeconds: 2 });
      const b = await open({ leaseSeconds: 2 });
      expect(a.leadership.renewEveryMs).toBe(667);
      const first = await a.leadership.acquire(new Date());
      expect(first?.epoch).toBe(1);
      expect(first && first.expiresAt && first.expiresAt.getTime() - first.acquiredAt.getTime()).toBe(2000);
      expect(await b.leadership.acquire(new Date())).toBeNull();
      const renewed = await a.leadership.acquire(new Date());
      expect([renewed?.holder, renewed?.epoch]).toEqual([first?.holder, 1]);
      expect(await b.leadership.current()).toEqual(renewed);

      // a stops renewing (paused): b takes over once the lease lapsed by the database's clock.
      const taken = await waitFor(() => b.leadership.acquire(new Date()), "a's lease to lapse", 6000);
      expect(taken.epoch).toBe(2);
      expect(taken.holder).not.toBe(first?.holder);
      await b.settings.save(someSettings());
      // a wakes up still believing it leads: its write is refused and nothing is written...
      await expect(a.audit.append(anAuditEvent({ id: 'ev-late' }))).rejects.toBeInstanceOf(LeaseLostError);
      // ...and so is every later one, until it gives leadership up (its controllers stopped).
      await expect(a.atomically((tx) => tx.settings.save(someSettings({ version: 2 })))).rejects.toBeInstanceOf(LeaseLostError);
      expect(await a.leadership.acquire(new Date())).toBeNull();
      await expect(a.settings.save(someSettings({ version: 2 }))).rejects.toBeInstanceOf(LeaseLostError);
      expect(await b.audit.list()).toEqual([]);
      expect(await b.settings.get('prod-1')).toEqual(someSettings());
      await a.leadership.release();
      // A follower writes unfenced, as every replica serving chat does.
      await a.audit.append(anAuditEvent({ id: 'ev-follower' }));
      expect((await b.audit.list()).map((e) => e.id)).toEqual(['ev-follower']);
      // b's own writes go on under its lease.
      await b.settings.save(someSettings({ version: 2 }));
    });

    it('cannot change hands while a write of the leader is under way: the write lands first', async () => {
      await db.empty();
      const a = await open({ leaseSeconds: 2 });
      const b = await open({ leaseSeconds: 2 });
      const lease = await a.leadership.acquire(new Date());
      const order: string[] = [];
      let finish = () => {};
      const held = new Promise<void>((resolve) => (finish = resolve));
      const write = a
        .atomically(async (tx) => {
          await tx.audit.append(anAuditEvent({ id: 'ev-under-lease' }));
          await held;
        })
        .then(() => order.push('leader wrote'));
      let takeover: Promise<unknown> = Promise.resolve(null);
      try {
        // The lease lapses by time while the write is open; b tries to take it and must wait.
        await waitFor(async () => (Number((await db.rows('SELECT expires_at < UTC_TIMESTAMP(3) AS lapsed FROM leader_lease'))[0]?.lapsed) === 1 ? true : null), 'the lease to lapse', 6000);
        takeover = b.leadership.acquire(new Date()).then((l) => (order.push('another took over'), l));
        await waitFor(async () => (Number((await db.rows("SELECT COUNT(*) AS n FROM information_schema.innodb_trx WHERE trx_state = 'LOCK WAIT'"))[0]?.n) > 0 ? true : null), 'the takeover to wait for the lease row');
      } finally {
        finish();
      }
      await write;
      const taken = (await takeover) as Awaited<ReturnType<typeof b.leadership.acquire>>;
      expect(order).toEqual(['leader wrote', 'another took over']);
      expect(taken?.epoch).toBe((lease?.epoch ?? 0) + 1);
      expect((await b.audit.list()).map((e) => e.id)).toEqual(['ev-under-lease']);
    });

    it('ends at once on release, so another replica takes it without waiting', async () => {
      await db.empty();
      const a = await open({ leaseSeconds: 60 });
      const b = await open({ leaseSeconds: 60 });
      const first = await a.leadership.acquire(new Date());
      expect(await b.leadership.acquire(new Date())).toBeNull();
      await a.close();
      const second = await b.leadership.acquire(new Date());
      expect(second?.epoch).toBe((first?.epoch ?? 0) + 1);
      expect(await b.leadership.current()).toEqual(second);
    });
  });
});
