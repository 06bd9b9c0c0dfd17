// The chat APIs failing for minutes, then back, behind one bot on the embedded (lowdb) store:
// the Slack Web API answers 503 to every call and DingTalk's robot and card APIs answer 500,
// while a backup runs and settings change. Every announcement is then delivered exactly once on
// each platform, and the outbox is empty. (test/replicas/races.test.ts covers two replicas on
// MySQL.)

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySeenMessages, silentLogger as dingSilent, startDingTalkSurface, type DingTalkSurface } from '../../adapters/dingtalk';
import { silentLogger, startSlackSurface, type SlackSurface } from '../../adapters/slack';
import { SANDBOX_DINGTALK_CONVERSATION, SANDBOX_SLACK_CHANNEL } from '../../src/config';
import { startSandboxSimulators } from '../../sim/sandbox';
import { startFakeDingTalk, type FakeDingTalk } from '../../sim/dingtalk';
import { startFakeSlack, type FakeSlack } from '../../sim/slack';
import { endedSet, startBackup } from '../support/backups';
import { ManualClock } from '../support/clock';
import { startHarness, type Harness } from '../support/harness';
import { waitFor } from '../support/wait';

let sims: Awaited<ReturnType<typeof startSandboxSimulators>>;
let h: Harness;
let slack: FakeSlack;
let slackSurface: SlackSurface;
let ding: FakeDingTalk;
let dingSurface: DingTalkSurface;
const clock = new ManualClock(new Date());
const DING_PATHS = ['/v1.0/robot/groupMessages/send', '/v1.0/card/instances/createAndDeliver', '/v1.0/card/instances'];

beforeAll(async () => {
  sims = await startSandboxSimulators({ stepMs: 15 });
  h = await startHarness({ sims: sims.description, clock });
  slack = await startFakeSlack();
  slackSurface = await startSlackSurface({ core: h.bot.core, botToken: slack.botToken, signingSecret: 'chat-outage-signing', apiUrl: slack.apiUrl, port: 0, logger: silentLogger, retryConfig: { retries: 0 }, minEditIntervalMs: 20 });
  ding = await startFakeDingTalk();
  dingSurface = await startDingTalkSurface({
    core: h.bot.core,
    clientId: ding.clientId,
    clientSecret: ding.clientSecret,
    apiUrl: ding.apiUrl,
    seen: new MemorySeenMessages(),
    logger: dingSilent,
    backoff: { minMs: 20, maxMs: 200 },
    heartbeatMs: 0,
    minEditIntervalMs: 20,
    // DingTalk's 20 messages a minute per group is not what this test is about (failed calls count too).
    perMinute: 1_000,
  });
  await ding.waitFor(() => ding.gateway.open > 0, 'the Stream connection');
  h.bot.notifiers.set('slack', slackSurface.notifier);
  h.bot.notifiers.set('dingtalk', dingSurface.notifier);
});
afterAll(async () => {
  await h.close();
  await slackSurface.stop();
  await dingSurface.stop();
  await slack.close();
  await ding.close();
  await sims.close();
});

const refusedSlack = () => slack.callsTo('chat.postMessage').filter((c) => c.status !== 200 || c.answer.ok !== true);
const postedSlack = () => slack.callsTo('chat.postMessage').filter((c) => c.status === 200 && c.answer.ok === true);
const refusedDing = () => ding.api.calls.filter((c) => DING_PATHS.includes(c.path) && c.status >= 500);

describe('the chat APIs down for minutes, then back', () => {
  it('deliver every announcement exactly once on Slack and on DingTalk', async () => {
    await h.flush();
    await waitFor(async () => (await h.store.outbox.depth()) === 0, 'the start-up announcements to be delivered');
    const slackBefore = postedSlack().length;
    const dingBefore = ding.seenIn(SANDBOX_DINGTALK_CONVERSATION).length;

    slack.outage({ status: 503 });
    for (const path of DING_PATHS) ding.api.failNext(path, { status: 500, body: { code: 'InternalError', message: 'injected outage' } }, 1_000);

    const marks = ['01:15', '02:15', '03:15'];
    for (const time of marks) expect((await h.say('oper1', `settings prod-sh on days=wed time=${time}`)).tone).toBe('success');
    const id = await startBackup(h, 'prod-1');
    expect((await endedSet(h, id)).state).toBe('FINISHED');
    await h.settle();

    // Minutes of the bot's clock pass; each round every due announcement is tried and refused.
    for (let minute = 0; minute < 12; minute++) {
      clock.advance(60_000);
      await h.flush();
    }
    const settingsRefused = (time: string) => refusedSlack().filter((c) => String(c.args.text).includes(`→ ${time}`)).length;
    for (const time of marks) expect(settingsRefused(time), `Slack refusals of ${time}`).toBeGreaterThanOrEqual(2);
    expect(refusedSlack().filter((c) => String(c.args.text).includes(id)).length).toBeGreaterThanOrEqual(2);
    expect(refusedDing().length).toBeGreaterThanOrEqual(8);
    expect(await h.store.outbox.depth()).toBeGreaterThanOrEqual(marks.length + 1);
    expect(h.log.filter((r) => (r.fields as { event?: string }).event === 'chat.error').length).toBeGreaterThan(0);

    slack.outage(null);
    for (const path of DING_PATHS) while (ding.api.takeFault(path) !== undefined);
    for (let i = 0; i < 3 && (await h.store.outbox.depth()) > 0; i++) {
      clock.advance(6 * 60_000);
      await h.flush();
    }
    expect(await h.store.outbox.depth()).toBe(0);

    const slackNew = postedSlack().slice(slackBefore).filter((c) => c.args.channel === SANDBOX_SLACK_CHANNEL);
    for (const time of marks) expect(slackNew.filter((c) => String(c.args.text).includes(`→ ${time}`)), `Slack posts of ${time}`).toHaveLength(1);
    expect(slackNew.filter((c) => String(c.args.text).includes(id)), 'Slack posts of the backup').toHaveLength(1);
    const backupMessage = [...slack.messages.values()].find((m) => m.channel === SANDBOX_SLACK_CHANNEL && m.text.includes(id));
    expect(backupMessage?.text).toMatch(/finished in /);

    const dingNew = ding.seenIn(SANDBOX_DINGTALK_CONVERSATION).slice(dingBefore);
    for (const time of marks) expect(dingNew.filter((t) => t.includes(`→ ${time}`)), `DingTalk messages of ${time}`).toHaveLength(1);
    const backupCards = dingNew.filter((t) => t.includes(id));
    expect(backupCards, 'DingTalk messages of the backup').toHaveLength(1);
    expect(backupCards[0]).toMatch(/finished in /);
    expect(dingNew).toHaveLength(marks.length + 1);
  }, 60_000);
});
