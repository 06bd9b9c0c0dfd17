// Announcements to DingTalk groups: a card per announcement, progress updated in place with the
// updates of one card spaced and coalesced, a card gone replaced by a new one, and markdown
// through the robot API when DingTalk refuses the card. DingTalk's limits: a conversation's
// budget of sends, throttling waited out, an expired access token renewed.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reply } from '../../src/reply';
import type { DeliveredMessage } from '../../src/ports';
import { startDingTalkHarness, type DingTalkHarness } from './harness';
import { TestCore } from './test-core';

const channel = { platform: 'dingtalk' as const, channelId: 'cidSandboxOps' };
const progress = (n: number) => reply(`Backup *bk-1* running: ${n}/10 databases`, { title: 'Backup bk-1', visibility: 'channel' });

describe('the DingTalk notifier', () => {
  let h: DingTalkHarness;
  beforeAll(async () => {
    h = await startDingTalkHarness(new TestCore(), { surface: { minEditIntervalMs: 80 } });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('posts a card to the group and updates that card in place', async () => {
    const posted = await h.surface.notifier.post(channel, progress(1));
    const card = h.fake.api.cards.get(posted.messageId);
    expect(card).toMatchObject({ space: { type: 'IM_GROUP', id: 'cidSandboxOps' }, recipients: null, callbackType: 'STREAM' });
    expect(card?.params.markdown).toBe('Backup **bk-1** running: 1/10 databases');
    const updated = await h.surface.notifier.update(posted, progress(2));
    expect(updated).toEqual(posted);
    expect(card?.history.map((v) => v.markdown)).toEqual(['Backup **bk-1** running: 1/10 databases', 'Backup **bk-1** running: 2/10 databases']);
    expect([...h.fake.api.cards.values()].filter((c) => c.space.id === 'cidSandboxOps')).toHaveLength(1);
  });

  it('coalesces a burst of updates: the latest content wins, updates at least the interval apart', async () => {
    const posted = await h.surface.notifier.post(channel, progress(0));
    const before = h.fake.api.calls.length;
    const all = await Promise.all(Array.from({ length: 10 }, (_, i) => h.surface.notifier.update(posted, progress(i + 1))));
    expect(all.every((m) => m.messageId === posted.messageId)).toBe(true);
    const puts = h.fake.api.calls.slice(before).filter((c) => c.method === 'PUT' && c.path === '/v1.0/card/instances');
    expect(puts.length).toBeLessThanOrEqual(3);
    expect(h.fake.api.cards.get(posted.messageId)?.params.markdown).toBe('Backup **bk-1** running: 10/10 databases');
    for (let i = 1; i < puts.length; i++) expect((puts[i]?.at ?? 0) - (puts[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(75);
  });

  it('a card DingTalk no longer knows is replaced by a new one', async () => {
    const gone: DeliveredMessage = { platform: 'dingtalk', channelId: 'cidSandboxOps', messageId: 'sbb-gone' };
    const next = await h.surface.notifier.update(gone, progress(5));
    expect(next.messageId).not.toBe('sbb-gone');
    expect(h.fake.api.cards.get(next.messageId)?.params.markdown).toContain('5/10');
  });

  it('announcement buttons (an approval) are on the card and work like a reply card', async () => {
    const posted = await h.surface.notifier.post(
      channel,
      reply('Restore request rs-7 waits for an admin.', { visibility: 'channel', buttons: [{ label: 'Approve', value: 'b1.eA.testmac', action: 'approve', subject: 'rs-7' }] }),
    );
    const card = h.fake.api.cards.get(posted.messageId);
    expect(card !== undefined ? h.fake.buttonsOf(card) : []).toEqual([{ text: 'Approve', params: expect.objectContaining({ action: 'approve', subject: 'rs-7', value: 'b1.eA.testmac' }) }]);
  });
});

describe('when DingTalk refuses cards', () => {
  let h: DingTalkHarness;
  beforeAll(async () => {
    h = await startDingTalkHarness(new TestCore(), { fake: { cardTemplates: ['another.schema'] } });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('announces as markdown through the robot API; updates become new messages', async () => {
    const posted = await h.surface.notifier.post(channel, progress(1));
    expect(posted.messageId).toMatch(/^md:/);
    await h.surface.notifier.update(posted, progress(2));
    const sent = h.fake.api.messages.filter((m) => m.via === 'group' && m.conversationId === 'cidSandboxOps');
    expect(sent.map((m) => [m.msgtype, m.title, m.text])).toEqual([
      ['sampleMarkdown', 'ℹ️ Backup bk-1', '#### ℹ️ Backup bk-1\n\nBackup **bk-1** running: 1/10 databases'],
      ['sampleMarkdown', 'ℹ️ Backup bk-1', '#### ℹ️ Backup bk-1\n\nBackup **bk-1** running: 2/10 databases'],
    ]);
  });
});

describe("DingTalk's limits", () => {
  let h: DingTalkHarness;
  let clock = Date.now();
  const slept: number[] = [];
  beforeAll(async () => {
    h = await startDingTalkHarness(new TestCore(), {
      surface: {
        perMinute: 3,
        now: () => clock,
        sleep: async (ms) => {
          slept.push(ms);
          clock += ms;
        },
      },
    });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('a conversation gets at most its budget of sends a minute; the next waits, none is dropped', async () => {
    slept.length = 0;
    for (let i = 0; i < 4; i++) await h.surface.notifier.post({ platform: 'dingtalk', channelId: 'cidBudget' }, progress(i));
    expect([...h.fake.api.cards.values()].filter((c) => c.space.id === 'cidBudget')).toHaveLength(4);
    expect(slept).toHaveLength(1);
    expect(slept[0]).toBeGreaterThan(59_000);
  });

  it('throttling is waited out and retried', async () => {
    slept.length = 0;
    h.fake.api.failNext('/v1.0/card/instances/createAndDeliver', { status: 403, body: { code: 'Forbidden.AccessDenied.QpsLimitForApi', message: 'qps limit' } }, 2);
    const posted = await h.surface.notifier.post({ platform: 'dingtalk', channelId: 'cidThrottle' }, progress(1));
    expect(h.fake.api.cards.get(posted.messageId)).toBeDefined();
    expect(slept).toEqual([1000, 2000]);
  });

  it('an access token DingTalk no longer accepts is renewed once and the call goes through', async () => {
    const issued = h.fake.api.tokensIssued;
    h.fake.api.expireTokens();
    const posted = await h.surface.notifier.post({ platform: 'dingtalk', channelId: 'cidToken' }, progress(1));
    expect(h.fake.api.cards.get(posted.messageId)).toBeDefined();
    expect(h.fake.api.tokensIssued).toBe(1);
    expect(issued).toBeGreaterThanOrEqual(1);
    expect(h.fake.api.calls.filter((c) => c.status === 401)).toHaveLength(1);
  });
});
