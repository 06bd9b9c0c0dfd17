// The signed HTTP contract: Bolt's receiver refuses what Slack did not sign, acks at once,
// answers `/backup help`, and never runs a re-delivered request twice.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postToBot, shownText, signSlackRequest, slashCommandBody } from '../../sim/slack';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

function helpBody(): string {
  return slashCommandBody({ text: 'help', userId: 'U0FORGED', responseUrl: h.fake.responseUrl(), triggerId: h.fake.issueTriggerId(), channelId: 'C0FORGED' });
}

/**
 * Nothing happened for the refused request since `mark`: a signed request sent after it is
 * answered, and by then the only Web API traffic is that answer and the core ran only it.
 */
async function expectNothingSince(mark: number, runsBefore: number): Promise<void> {
  const sentinel = await h.slash('help', 'U0SENTINEL');
  await h.fake.waitFor(() => h.fake.responsesAt(sentinel.responseUrl).length > 0, 'the sentinel reply');
  expect(h.fake.calls.filter((c) => c.seq > mark).map((c) => c.method)).toEqual(['response_url']);
  expect(h.core.runs.slice(runsBefore).map((r) => r.actor.userId)).toEqual(['U0SENTINEL']);
}

describe('signature checks', () => {
  it('refuses a bad signature with 401, and nothing happens', async () => {
    const mark = h.fake.calls.at(-1)?.seq ?? 0;
    const runs = h.core.runs.length;
    const body = helpBody();
    const r = await postToBot(h.url, body, signSlackRequest('not-the-secret', body));
    expect(r.status).toBe(401);
    await expectNothingSince(mark, runs);
  });

  it('refuses a request without signature headers', async () => {
    const mark = h.fake.calls.at(-1)?.seq ?? 0;
    const runs = h.core.runs.length;
    const r = await postToBot(h.url, helpBody(), { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(r.status).toBe(401);
    await expectNothingSince(mark, runs);
  });

  it('refuses a timestamp older than 5 minutes', async () => {
    const mark = h.fake.calls.at(-1)?.seq ?? 0;
    const runs = h.core.runs.length;
    const body = helpBody();
    const r = await postToBot(h.url, body, signSlackRequest(h.secret, body, Math.floor(Date.now() / 1000) - 301));
    expect(r.status).toBe(401);
    await expectNothingSince(mark, runs);
  });

  it('refuses a body changed after signing', async () => {
    const runs = h.core.runs.length;
    const body = helpBody();
    const r = await postToBot(h.url, body.replace('help', 'list'), signSlackRequest(h.secret, body));
    expect(r.status).toBe(401);
    expect(h.core.runs.length).toBe(runs);
  });
});

describe('/backup help', () => {
  it('is acked within 3 s and answered to the caller through response_url', async () => {
    const { answer, responseUrl } = await h.slash('help');
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(3000);
    const [posted] = await h.fake.waitFor(() => (h.fake.responsesAt(responseUrl).length > 0 ? h.fake.responsesAt(responseUrl) : null), 'help reply');
    expect(posted?.response_type).toBe('ephemeral');
    const text = shownText(posted ?? {});
    expect(text).toMatch(/settings/i);
    expect(text).toMatch(/restore/i);
    expect(h.core.runs.at(-1)?.actor).toMatchObject({ platform: 'slack', userId: 'U0OPER1' });
    expect(h.core.runs.at(-1)?.channel).toEqual({ platform: 'slack', channelId: 'C0OPS' });
  });

  it('posts a channel reply to the channel with chat.postMessage', async () => {
    const before = h.fake.callsTo('chat.postMessage').length;
    await h.slash('announce hello & <everyone>');
    const call = await h.fake.waitFor(() => h.fake.callsTo('chat.postMessage')[before], 'chat.postMessage');
    expect(call.args.channel).toBe('C0OPS');
    expect(call.answer.ok).toBe(true);
    expect(String(call.args.text)).toContain('hello &amp; &lt;everyone&gt;');
  });

  it('answers through response_url in the channel when the bot is not a member', async () => {
    h.fake.failNext('chat.postMessage', { error: 'not_in_channel' });
    const { responseUrl } = await h.slash('announce again');
    const [posted] = await h.fake.waitFor(() => (h.fake.responsesAt(responseUrl).length > 0 ? h.fake.responsesAt(responseUrl) : null), 'in-channel reply');
    expect(posted?.response_type).toBe('in_channel');
    expect(shownText(posted ?? {})).toContain('Announcement for everyone');
  });
});

describe('retried deliveries', () => {
  it('never runs a slash command twice for the same trigger_id', async () => {
    const runs = h.core.runs.length;
    const first = await h.slash('help');
    const retry = await h.slash('help', 'U0OPER1', { triggerId: first.triggerId, headers: { 'X-Slack-Retry-Num': '1', 'X-Slack-Retry-Reason': 'http_timeout' } });
    expect(retry.answer.status).toBe(200);
    await h.fake.waitFor(() => h.fake.responsesAt(first.responseUrl).length > 0, 'first reply');
    const sentinel = await h.slash('help', 'U0SENTINEL');
    await h.fake.waitFor(() => h.fake.responsesAt(sentinel.responseUrl).length > 0, 'the sentinel reply');
    expect(h.core.runs.slice(runs).map((r) => r.actor.userId)).toEqual(['U0OPER1', 'U0SENTINEL']);
    expect(h.fake.responsesAt(retry.responseUrl)).toEqual([]);
    expect(h.logs.some((l) => l.msg === 'repeated slash command dropped')).toBe(true);
  });
});

describe('logs', () => {
  it('never contain the bot token or the signing secret', () => {
    const all = JSON.stringify(h.logs);
    expect(all).not.toContain(h.fake.botToken);
    expect(all).not.toContain(h.secret);
  });
});
