// Robot messages over the real dingtalk-stream client: the connection as DingTalk expects it,
// commands in a group (@mention) and in a one-to-one chat, replies through the session
// webhook or the robot API once it has expired, duplicates, and frames the bot cannot use.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDingTalkHarness, type DingTalkHarness } from './harness';
import { TestCore } from './test-core';

let h: DingTalkHarness;
const core = new TestCore();

beforeAll(async () => {
  h = await startDingTalkHarness(core);
});
afterAll(async () => {
  await h.stop();
});

const reply = (said: Parameters<DingTalkHarness['fake']['repliesTo']>[0]) =>
  h.fake.waitFor(() => h.fake.repliesTo(said)[0], 'the webhook reply');

describe('the Stream connection', () => {
  it('opens with the client id, JSON accepted, and subscribes to robot messages and card callbacks', () => {
    const call = h.fake.openCalls.find((c) => c.ok);
    expect(call?.accept).toMatch(/application\/json/);
    expect(call?.body).toMatchObject({
      clientId: h.fake.clientId,
      subscriptions: [
        { type: 'CALLBACK', topic: '/v1.0/im/bot/messages/get' },
        { type: 'CALLBACK', topic: '/v1.0/card/instances/callback' },
      ],
    });
    expect(h.surface.connected).toBe(true);
  });

  it('answers a SYSTEM ping with its opaque data', async () => {
    const ack = await h.fake.ping();
    expect(ack.code).toBe(200);
    expect(ack.data).toEqual({ opaque: expect.any(String) });
  });
});

describe('commands', () => {
  it('`/backup help` in a group is ACKed with its messageId and answered in markdown through the webhook', async () => {
    const said = h.fake.say('user1', '/backup help');
    const ack = await h.fake.waitFor(() => h.fake.gateway.ackOf(said.messageId), 'the ACK');
    expect(ack.code).toBe(200);
    const answer = await reply(said);
    expect(answer).toMatchObject({ via: 'webhook', msgtype: 'markdown', conversationId: h.fake.group });
    expect(answer.title).toBe('ℹ️ StarRocks backup bot: commands');
    expect(answer.text).toContain('- `/backup list <instance>`: backup sets');
    expect(core.runs.at(-1)).toMatchObject({ text: 'help', actor: { platform: 'dingtalk', userId: 'user1' }, channel: { platform: 'dingtalk', channelId: h.fake.group } });
  });

  it('`backup help` without the slash in a one-to-one chat is answered there', async () => {
    const said = h.fake.say('user2', 'backup help', { dm: true });
    const answer = await reply(said);
    expect(answer.conversationId).toBe(h.fake.dmOf('user2'));
    expect(answer.text).toContain('/backup settings <instance>');
  });

  it('the actor is the staff id DingTalk authenticated; its org-admin flag grants nothing', async () => {
    const said = h.fake.say('user1', '/backup run prod-1');
    await h.fake.waitFor(() => [...h.fake.api.cards.values()].find((c) => c.createdAt >= said.at), 'the run card');
    expect(core.runs.at(-1)?.actor).toMatchObject({ userId: 'user1', personId: null });
  });

  it('the settings form, which a card cannot carry, comes as text with the current values and the text form', async () => {
    const answer = await reply(h.fake.say('admin1', '/backup settings prod-1'));
    expect(answer.text).toContain('**Backup settings** (current values)');
    expect(answer.text).toContain('- **Retention (days)**: 7 (7 to 31)');
    expect(answer.text).toContain('- **Storage region**: cn-hangzhou (fixed to the instance region)');
    expect(answer.text).toContain('> Text form: /backup settings prod-1 off time=00:00 retention=7');
  });

  it('once the session webhook has expired, replies go through the robot API: to the group, or to the person', async () => {
    const sends = h.fake.api.calls.length;
    h.fake.say('user1', '/backup help', { webhookExpired: true });
    const group = await h.fake.waitFor(() => h.fake.api.messages.find((m) => m.via === 'group' && m.seq > sends), 'a robot API group message');
    expect(group).toMatchObject({ conversationId: h.fake.group, msgtype: 'sampleMarkdown' });
    h.fake.say('user3', 'backup help', { dm: true, webhookExpired: true });
    const person = await h.fake.waitFor(() => h.fake.api.messages.find((m) => m.via === 'person' && m.userId === 'user3'), 'a one-to-one robot message');
    expect(person.text).toContain('backup sets');
    expect(h.fake.api.calls.filter((c) => c.seq > sends && c.status === 401)).toEqual([]);
  });

  it('a frame delivered twice (same messageId), or the same message under a new messageId, runs once', async () => {
    const runs = core.runs.length;
    const said = h.fake.say('user1', '/backup help');
    h.fake.gateway.redeliver(said.messageId);
    h.fake.say('user1', '/backup help', { msgId: said.msgId });
    await reply(said);
    await reply(h.fake.say('user1', '/backup help')); // a later message: everything before it was handled
    expect(core.runs.length).toBe(runs + 2);
    expect(h.fake.repliesTo(said)).toHaveLength(1);
    await h.fake.waitFor(() => h.fake.gateway.acks.filter((a) => a.messageId === said.messageId).length === 2, 'both deliveries ACKed');
  });

  it('text that is not a command gets the hint, not silence', async () => {
    const answer = await reply(h.fake.say('user1', 'hello robot'));
    expect(answer.text).toContain('Commands start with /backup (or backup), e.g. /backup help.');
  });
});

describe('frames the bot cannot use', () => {
  it('a picture is ACKed and answered; the bot stays up', async () => {
    const said = h.fake.say('user1', '', { msgtype: 'picture' });
    const answer = await reply(said);
    expect(answer.text).toContain('I read text messages only (that was a picture message)');
    expect(h.fake.gateway.ackOf(said.messageId)?.code).toBe(200);
  });

  it('a message whose data is not JSON is ACKed and logged; one with a webhook but missing fields is answered', async () => {
    const id = h.fake.gateway.push('CALLBACK', '/v1.0/im/bot/messages/get', '{"conversationId": "cid1", "text": {"cont');
    await h.fake.waitFor(() => h.fake.gateway.ackOf(id), 'the ACK of the broken frame');
    const said = h.fake.say('user1', '/backup help', { patch: { conversationType: 7, msgId: undefined } });
    const answer = await reply(said);
    expect(answer.text).toContain('The bot could not read that message.');
    expect(h.logs.some((l) => l.msg === 'DingTalk robot message not understood')).toBe(true);
  });

  it('a frame that is not JSON at all, or not a Stream frame, is logged and the next command still works', async () => {
    h.fake.gateway.pushRaw('this is not json');
    h.fake.gateway.pushRaw(JSON.stringify({ type: 'CALLBACK', headers: { messageId: 'm-broken' }, data: 42 }));
    await h.fake.waitFor(() => h.fake.gateway.ackOf('m-broken'), 'the ACK of the frame with a readable messageId');
    const answer = await reply(h.fake.say('user1', '/backup help'));
    expect(answer.text).toContain('backup sets');
    expect(h.logs.filter((l) => l.msg === 'DingTalk frame ignored').length).toBeGreaterThanOrEqual(2);
  });

  it('a message from outside the organisation (no staff id) is refused', async () => {
    const answer = await reply(h.fake.say('user1', '/backup help', { patch: { senderStaffId: undefined } }));
    expect(answer.text).toContain('members of its own DingTalk organisation only');
  });
});
