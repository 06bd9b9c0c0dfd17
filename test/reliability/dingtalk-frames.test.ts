// Bad DingTalk Stream frames, property-based, over the real dingtalk-stream WebSocket against the
// fake DingTalk: robot messages and card clicks with fields missing, of the wrong type or huge,
// and frames that are not JSON. Every frame is ACKed; a command runs only as the staff id
// DingTalk gave (never as another, never without one); the bot keeps answering. Frames are
// worked on one at a time here, so a last command's answer means every frame before it was
// handled.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPIC_CARD, TOPIC_ROBOT } from '../../sim/dingtalk';
import { startDingTalkHarness, type DingTalkHarness } from '../dingtalk/harness';
import { TestCore } from '../dingtalk/test-core';

let h: DingTalkHarness;
const core = new TestCore();

beforeAll(async () => {
  h = await startDingTalkHarness(core, { surface: { workConcurrency: 1, perMinute: 100_000 } });
});
afterAll(async () => {
  await h.stop();
});

const HUGE = 'x'.repeat(100_000);
const badValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.constantFrom(42, -1, 0, 1e308, true, false, [], {}, [1, 'a'], { content: 42 }, { content: null }, '', ' ', HUGE, '🦄'.repeat(2000), '../../etc/passwd', '$:LWCP_v1:$forged', 'admin1', '\u0000'),
  fc.string({ maxLength: 20 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.string({ maxLength: 5 }), fc.integer()), { maxKeys: 3 }),
);
const ROBOT_FIELDS = ['conversationId', 'atUsers', 'chatbotUserId', 'msgId', 'senderNick', 'isAdmin', 'senderStaffId', 'sessionWebhookExpiredTime', 'createAt', 'conversationType', 'senderId', 'sessionWebhook', 'robotCode', 'msgtype', 'text', 'senderCorpId'];
const CARD_FIELDS = ['userId', 'content', 'value', 'outTrackId', 'spaceId', 'spaceType', 'type', 'corpId', 'extension', 'userIdType'];

/** Sends a last command and waits for its answer: everything sent before it has been handled. */
async function drained(): Promise<void> {
  const said = h.fake.say('sentinel', `/backup help drained-${Date.now()}`);
  await h.fake.waitFor(() => h.fake.repliesTo(said)[0], 'the answer to the last command', 15_000);
}

describe('bad robot messages (property-based)', () => {
  it('are ACKed; a command runs only as the staff id in the frame; the bot keeps answering', async () => {
    const cases = fc.sample(fc.tuple(fc.array(fc.tuple(fc.constantFrom(...ROBOT_FIELDS), badValue), { minLength: 1, maxLength: 3 }), fc.constantFrom('user1', 'admin1', 'viewer1')), { numRuns: 80, seed: 16 });
    const sent: { messageId: string; marker: string; staffId: unknown }[] = [];
    for (const [i, [changes, user]] of cases.entries()) {
      const patch = Object.fromEntries(changes);
      const marker = `frame${i}`;
      const said = h.fake.say(user, `/backup help ${marker}`, { patch });
      sent.push({ messageId: said.messageId, marker, staffId: 'senderStaffId' in patch ? patch.senderStaffId : user });
    }
    await drained();
    for (const s of sent) {
      expect(h.fake.gateway.ackOf(s.messageId), `ACK of ${s.marker}`).toBeDefined();
      const runs = core.runs.filter((r) => r.text.split(/\s+/).includes(s.marker));
      expect(runs.length).toBeLessThanOrEqual(1);
      for (const run of runs) {
        expect(typeof s.staffId === 'string' && s.staffId !== '', `${s.marker} ran without a staff id`).toBe(true);
        expect(run.actor.userId).toBe(s.staffId);
        expect(run.actor.platform).toBe('dingtalk');
      }
    }
    // Frames with nothing broken that matters ran: the property is not vacuous.
    expect(core.runs.filter((r) => /frame\d+/.test(r.text)).length).toBeGreaterThan(5);
    // Nothing logged carries a huge value verbatim.
    for (const line of h.logs) expect(JSON.stringify(line).length, line.msg).toBeLessThan(5_000);
  });

  it('frames that are not JSON, or not Stream frames, are dropped and the bot keeps answering', async () => {
    const raws = fc.sample(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.constantFrom('null', '[]', '42', '{"type":"CALLBACK"}', '{"type":"CALLBACK","headers":null,"data":"{}"}', `{"type":"CALLBACK","headers":{"messageId":"m1","topic":"${TOPIC_ROBOT}"},"data":"{\\"text\\":"}`, JSON.stringify({ type: 'CALLBACK', headers: { messageId: HUGE, topic: TOPIC_ROBOT }, data: '{}' })),
      ),
      { numRuns: 60, seed: 16 },
    );
    for (const raw of raws) h.fake.gateway.pushRaw(raw);
    for (const data of ['{"conversationId": "cid1", "text": {"cont', '', 'null', '[1,2]', HUGE]) h.fake.gateway.push('CALLBACK', TOPIC_ROBOT, data);
    await drained();
    expect(h.surface.connected).toBe(true);
  });
});

describe('bad card clicks (property-based)', () => {
  it('are ACKed; a click acts only as the user id DingTalk gave, on a card the bot made', async () => {
    const asked = h.fake.say('user1', '/backup run prod-1');
    const card = await h.fake.waitFor(() => [...h.fake.api.cards.values()].find((c) => c.createdAt >= asked.at), 'the run card');
    const params = h.fake.buttonsOf(card)[0]?.params ?? {};
    const content = JSON.stringify({ cardPrivateData: { actionIds: [params.action ?? 'click'], params } });
    const base = { extension: '{}', corpId: 'dingcorp', spaceType: card.space.type, userIdType: 1, type: 'actionCallback', userId: 'user1', content, spaceId: card.space.id, outTrackId: card.id, value: content };
    const cases = fc.sample(fc.array(fc.tuple(fc.constantFrom(...CARD_FIELDS), badValue), { minLength: 1, maxLength: 3 }), { numRuns: 60, seed: 16 });
    const before = core.acts.length;
    const sent: { messageId: string; userId: unknown }[] = [];
    for (const changes of cases) {
      const data: Record<string, unknown> = { ...base, ...Object.fromEntries(changes) };
      sent.push({ messageId: h.fake.gateway.push('CALLBACK', TOPIC_CARD, JSON.stringify(data)), userId: data.userId });
    }
    await drained();
    for (const s of sent) expect(h.fake.gateway.ackOf(s.messageId)).toBeDefined();
    const acts = core.acts.slice(before);
    const allowed = new Set(sent.map((s) => s.userId).filter((u): u is string => typeof u === 'string' && u !== ''));
    for (const act of acts) {
      expect(allowed.has(act.actor.userId), `acted as ${act.actor.userId.slice(0, 40)}`).toBe(true);
      expect(act.actor.userId.length).toBeLessThanOrEqual(200);
    }
    // The unbroken click still reaches the core afterwards, as its user.
    h.fake.gateway.push('CALLBACK', TOPIC_CARD, JSON.stringify(base));
    await drained();
    expect(core.acts.at(-1)?.actor.userId).toBe('user1');
  });
});
