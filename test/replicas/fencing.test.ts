// A leader paused (SIGSTOP) in the middle of a backup, just before it records a BACKUP SNAPSHOT as
// submitted, and resumed after another replica took the lease over and finished the backup: its
// stale write is refused by the store (the lease's epoch fences it), so it neither changes the
// finished set nor submits the snapshot a second time; it then serves chat as a follower.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMysqlStore, parseStoreUrl, type MysqlStore } from '../../adapters/store/mysql';
import { startSandboxSimulators } from '../../sim/sandbox';
import { createTestDatabase, mariadbTestsRun, type TestDatabase } from '../support/mariadb';
import { startReplica, stopReplicas, type Replica } from '../support/replicas';
import { waitFor } from '../support/wait';

const run = await mariadbTestsRun('the multi-replica fencing test');

describe.skipIf(!run)('a paused leader resumed after losing its lease', () => {
  let sims: Awaited<ReturnType<typeof startSandboxSimulators>>;
  let db: TestDatabase;
  let observer: MysqlStore;
  const replicas: Replica[] = [];
  const replica = (name: string, env: Record<string, string> = {}): Replica => {
    const r = startReplica(name, { SIMS_JSON: JSON.stringify(sims.description), BOT_STORE_URL: db.url({ leaseSeconds: 3 }), ...env });
    replicas.push(r);
    return r;
  };

  beforeAll(async () => {
    sims = await startSandboxSimulators({ stepMs: 20 });
    db = await createTestDatabase('fencing');
    observer = await openMysqlStore(parseStoreUrl(db.url()));
  });
  afterAll(async () => {
    await stopReplicas(replicas);
    await observer?.close();
    await sims?.close();
    await db?.drop();
  });

  it('writes nothing, submits nothing, and follows', async () => {
    const prod = sims.starrocks.instance('prod-1');
    // The leader stops itself right before it records web (the third database) as submitted.
    const a = replica('a', { STOP_BEFORE_SUBMIT: 'web' });
    await a.line(/^ROLE leader 1$/, 'a to lead');
    const b = replica('b');
    await b.line(/^ROLE follower$/, 'b to follow');
    a.send('RUN prod-1');
    const id = (await a.line(/^(STARTED|REFUSED) /, 'the backup to start')).replace(/^STARTED /, '');
    await a.line(/^PAUSED web$/, 'a to stop before submitting web');

    // b takes over, submits web itself and finishes the set.
    await b.line(/^ROLE leader 2$/, 'b to take over', 15_000);
    const finished = await waitFor(async () => {
      const set = await observer.backupSets.get(id);
      return set && set.state !== 'RUNNING' ? set : null;
    }, 'b to finish the set', 30_000);
    expect(finished.state).toBe('FINISHED');
    const web = finished.databases.find((d) => d.database === 'web');
    expect(prod.backupSubmissions.get(web?.snapshotName ?? '')).toBe(1);
    const audit = await observer.audit.list();
    const tasks = await observer.tasks.list();

    // a wakes up believing it still leads under epoch 1, and goes on with its stale step.
    const from = a.lines.length;
    await a.signal('SIGCONT');
    await a.line(/^RESUMED$/, 'a to resume', 10_000, from);
    await a.line(/^LOG .*"event":"store\.fenced","epoch":1,/, 'the store to refuse its write', 10_000, from);
    await a.line(/^LOG .*lost its leadership a moment ago/, 'the refusal to reach the backup step', 10_000, from);
    await a.line(/^ROLE follower$/, 'a to follow', 10_000, from);

    expect(await observer.backupSets.get(id)).toEqual(finished);
    expect(prod.backupSubmissions.get(web?.snapshotName ?? '')).toBe(1);
    expect(await observer.audit.list()).toEqual(audit);
    expect(await observer.tasks.list()).toEqual(tasks);
    expect(await observer.leadership.current()).toMatchObject({ epoch: 2 });
    expect((await a.health()).role).toBe('follower');

    // As a follower it serves chat again: its writes go through, unfenced.
    a.send('SAY oper1 settings prod-sh on days=tue time=04:30');
    expect(await a.line(/^REPLY /, 'the settings reply', 10_000, from)).toMatch(/^REPLY success /);
    expect(await observer.settings.get('prod-sh')).toMatchObject({ version: 1, time: '04:30' });
  }, 90_000);
});
