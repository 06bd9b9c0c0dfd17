// Two bot processes on one MySQL database racing: the scheduled run of a day started by both at
// once (several times each, round after round) makes one backup set for that day; and the chat
// platform down for a while, then back: every announcement, queued on either replica, is posted
// exactly once by the leader.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMysqlStore, parseStoreUrl, type MysqlStore } from '../../adapters/store/mysql';
import { startSandboxSimulators } from '../../sim/sandbox';
import { startFakeSlack, type FakeSlack } from '../../sim/slack';
import { createTestDatabase, mariadbTestsRun, type TestDatabase } from '../support/mariadb';
import { startReplica, stopReplicas, type Replica } from '../support/replicas';
import { waitFor } from '../support/wait';

const ROUNDS = 12;
const run = await mariadbTestsRun('the multi-replica race tests');

describe.skipIf(!run)('two replicas racing on one MySQL database', () => {
  let sims: Awaited<ReturnType<typeof startSandboxSimulators>>;
  let slack: FakeSlack;
  let db: TestDatabase;
  let observer: MysqlStore;
  let a: Replica;
  let b: Replica;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    sims = await startSandboxSimulators({ stepMs: 20 });
    slack = await startFakeSlack();
    db = await createTestDatabase('races');
    observer = await openMysqlStore(parseStoreUrl(db.url()));
    const env = { SIMS_JSON: JSON.stringify(sims.description), BOT_STORE_URL: db.url({ leaseSeconds: 3 }), SLACK_API_URL: slack.apiUrl, SLACK_BOT_TOKEN: slack.botToken };
    a = startReplica('a', env);
    replicas.push(a);
    await a.line(/^ROLE leader 1$/, 'a to lead');
    b = startReplica('b', env);
    replicas.push(b);
    await b.line(/^ROLE follower$/, 'b to follow');
  }, 60_000);
  afterAll(async () => {
    await stopReplicas(replicas);
    await observer?.close();
    await slack?.close();
    await sims?.close();
    await db?.drop();
  });

  it(`keeps one backup set per instance and day however the replicas race to start it (${ROUNDS} rounds, 6 starts each)`, async () => {
    const prodSh = sims.starrocks.instance('prod-sh');
    for (let round = 0; round < ROUNDS; round++) {
      const day = new Date(Date.UTC(2030, 0, 1 + round)).toISOString().slice(0, 10);
      // The winner's backup stays running until every start of the round was answered: the day is held.
      prodSh.faults.hold('finance', 'UPLOADING');
      const from = [a.lines.length, b.lines.length] as const;
      a.send(`RACE prod-sh ${day} 3`);
      b.send(`RACE prod-sh ${day} 3`);
      const answers = await Promise.all([a.line(new RegExp(`^RACED ${day} `), `a's round ${round}`, 15_000, from[0]), b.line(new RegExp(`^RACED ${day} `), `b's round ${round}`, 15_000, from[1])]);
      const started = answers.flatMap((line) => line.split(' ')[2]?.split(',') ?? []).filter((id) => id !== '-');
      expect(answers.join('\n')).not.toMatch(/ERRORS/);
      expect(started, `round ${round}: ${answers.join(' / ')}`).toHaveLength(1);
      prodSh.faults.release('finance');
      await waitFor(async () => (await observer.backupSets.get(started[0] ?? ''))?.state === 'FINISHED', `round ${round}'s backup to finish`, 20_000);
    }
    const sets = (await observer.backupSets.list({ instanceId: 'prod-sh' })).filter((s) => s.trigger === 'scheduled');
    const perDay = new Map<string, number>();
    for (const s of sets) perDay.set(s.scheduledDay ?? '', (perDay.get(s.scheduledDay ?? '') ?? 0) + 1);
    expect(perDay.size).toBe(ROUNDS);
    expect([...perDay.values()].every((n) => n === 1)).toBe(true);
  }, 150_000);

  it('posts every announcement exactly once after the chat API was down for a while', async () => {
    await waitFor(async () => (await observer.outbox.depth()) === 0, 'the earlier announcements to be delivered', 30_000);
    slack.outage({ status: 503 });
    const marks = ['01:15', '02:15', '03:15', '04:15', '05:15', '06:15'];
    for (const [i, time] of marks.entries()) {
      // Queued from both replicas: a chat command on a follower is announced by the leader.
      const replica = i % 2 === 0 ? b : a;
      const from = replica.lines.length;
      replica.send(`SAY oper1 settings prod-sh on days=wed time=${time}`);
      expect(await replica.line(/^REPLY /, `the reply to settings time=${time}`, 15_000, from)).toMatch(/^REPLY success /);
    }
    const refused = () => slack.callsTo('chat.postMessage').filter((c) => c.status === 503);
    // Down long enough that every announcement was tried, refused, retried later and refused again.
    await waitFor(() => marks.every((t) => refused().filter((c) => String(c.args.text).includes(`→ ${t}`)).length >= 2), 'every announcement to be refused twice', 30_000);
    slack.outage(null);
    await waitFor(async () => (await observer.outbox.depth()) === 0, 'the outbox to empty', 40_000);
    const posted = slack.callsTo('chat.postMessage').filter((c) => c.status === 200 && c.answer.ok === true && String(c.args.text).includes('settings of *prod-sh*'));
    for (const time of marks) expect(posted.filter((c) => String(c.args.text).includes(`→ ${time}`)), `the announcement of ${time}`).toHaveLength(1);
    expect(posted).toHaveLength(marks.length);
  }, 90_000);
});
