// The fake Slack Web API answers as Slack does, through the real @slack/web-api client:
// its limits (invalid_blocks, invalid_arguments), trigger ids, response_url, faults.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../adapters/slack';
import { createWebClient } from '../../adapters/slack/web';
import { blockProblem, startFakeSlack, type FakeSlack } from '../../sim/slack';

let fake: FakeSlack;
beforeAll(async () => {
  fake = await startFakeSlack({ botToken: 'xoxb-fake' });
});
afterAll(async () => {
  await fake.close();
});
const client = () => createWebClient({ botToken: 'xoxb-fake', apiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: silentLogger, secrets: [] });
const errorOf = (p: Promise<unknown>): Promise<unknown> => p.then(() => null, (e: unknown) => (e as { data?: { error?: string } }).data?.error);

describe('fake Slack', () => {
  it('answers auth.test and refuses a wrong token', async () => {
    await expect(client().auth.test()).resolves.toMatchObject({ ok: true, user_id: 'UBOT', bot_id: 'B0BOT' });
    const wrong = createWebClient({ botToken: 'xoxb-other', apiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: silentLogger, secrets: [] });
    expect(await errorOf(wrong.auth.test())).toBe('invalid_auth');
  });

  it('enforces block limits with invalid_blocks', async () => {
    const c = client();
    const section = (text: string) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text } });
    expect(await errorOf(c.chat.postMessage({ channel: 'C1', text: 't', blocks: Array.from({ length: 51 }, () => section('x')) }))).toBe('invalid_blocks');
    expect(await errorOf(c.chat.postMessage({ channel: 'C1', text: 't', blocks: [section('x'.repeat(3001))] }))).toBe('invalid_blocks');
    const button = { type: 'button' as const, action_id: 'a', text: { type: 'plain_text' as const, text: 'Go' } };
    expect(await errorOf(c.chat.postMessage({ channel: 'C1', text: 't', blocks: [{ type: 'actions', elements: [{ ...button, value: 'v'.repeat(2001) }] }] }))).toBe('invalid_blocks');
    expect(blockProblem([{ type: 'actions', elements: [{ ...button, confirm: { title: { type: 'plain_text', text: 'T' }, text: { type: 'plain_text', text: 'X' }, confirm: { type: 'plain_text', text: 'OK' } } }] }])).toMatch(/confirm dialog lacks/);
    expect(blockProblem([{ type: 'actions', elements: [{ ...button, text: { type: 'plain_text', text: 'x'.repeat(76) } }] }])).toMatch(/button text/);
    expect(blockProblem([{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }])).toMatch(/10 fields/);
  });

  it('keeps message versions and answers message_not_found for an unknown ts', async () => {
    const c = client();
    const posted = await c.chat.postMessage({ channel: 'C1', text: 'v1' });
    await c.chat.update({ channel: 'C1', ts: String(posted.ts), text: 'v2' });
    expect(fake.messages.get(String(posted.ts))?.history.map((h) => h.text)).toEqual(['v1', 'v2']);
    expect(await errorOf(c.chat.update({ channel: 'C1', ts: '1.2', text: 'x' }))).toBe('message_not_found');
  });

  it('opens a modal only with a fresh, unused trigger id and a valid view', async () => {
    const c = client();
    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Settings' }, blocks: [] };
    expect(await errorOf(c.views.open({ trigger_id: 'made-up', view }))).toBe('invalid_trigger_id');
    const t = fake.issueTriggerId();
    expect(await errorOf(c.views.open({ trigger_id: t, view: { ...view, title: { type: 'plain_text', text: 'x'.repeat(25) } } }))).toBe('invalid_arguments');
    await expect(c.views.open({ trigger_id: t, view })).resolves.toMatchObject({ ok: true, view: { id: expect.stringMatching(/^V/) } });
    expect(await errorOf(c.views.open({ trigger_id: t, view }))).toBe('exchanged_trigger_id');
  });

  it('injects faults: ok:false errors, 500 and 429 with Retry-After', async () => {
    const c = client();
    fake.failNext('users.info', { error: 'ratelimited' });
    expect(await errorOf(c.users.info({ user: 'U1' }))).toBe('ratelimited');
    await expect(c.users.info({ user: 'U1' })).resolves.toMatchObject({ user: { id: 'U1' } });
    fake.failNext('conversations.info', { status: 500 });
    await expect(c.conversations.info({ channel: 'C1' })).rejects.toMatchObject({ code: 'slack_webapi_http_error', statusCode: 500 });
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 7 });
    await expect(c.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 });
  });

  it('records what is posted to a response_url', async () => {
    const url = fake.responseUrl();
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'hi', response_type: 'ephemeral' }) });
    expect(res.status).toBe(200);
    expect(fake.responsesAt(url)).toEqual([{ text: 'hi', response_type: 'ephemeral' }]);
  });
});
