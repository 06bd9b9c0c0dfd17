// Socket Mode: with an app token the surface opens a WebSocket through apps.connections.open
// (no public URL), acks envelopes, runs each command once, and still serves its routes on a
// plain HTTP port.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackSurface, type SlackSurface } from '../../adapters/slack';
import { blockActionsPayload, fillViewState, shownText, slashCommandPayload, startFakeSlack, viewSubmissionPayload, walkBlocks, type FakeSlack } from '../../sim/slack';
import { captureLogger } from './harness';
import { TestCore } from './test-core';

let fake: FakeSlack;
let surface: SlackSurface;
const core = new TestCore();
const logs = captureLogger();

beforeAll(async () => {
  fake = await startFakeSlack({ botToken: 'xoxb-sock', appToken: 'xapp-1-sock' });
  surface = await startSlackSurface({
    core,
    botToken: 'xoxb-sock',
    signingSecret: '',
    appToken: 'xapp-1-sock',
    apiUrl: fake.apiUrl,
    port: 0,
    logger: logs.logger,
    retryConfig: { retries: 0 },
    routes: [{ method: 'GET', path: '/healthz', handler: (_req, res) => void res.writeHead(200).end('ok') }],
  });
  await fake.waitFor(() => fake.socketMode.connections > 0, 'the Socket Mode connection');
});
afterAll(async () => {
  await surface.stop();
  await fake.close();
});

const slash = (text: string, triggerId = fake.issueTriggerId()) => {
  const responseUrl = fake.responseUrl();
  return { responseUrl, triggerId, payload: slashCommandPayload({ text, userId: 'U0OPER1', responseUrl, triggerId }) };
};

describe('Socket Mode', () => {
  it('connects with the app token through apps.connections.open', () => {
    expect(fake.callsTo('apps.connections.open').at(-1)?.answer.ok).toBe(true);
  });

  it('acks a slash command envelope and answers through response_url', async () => {
    const c = slash('help');
    const ack = await fake.socketMode.sendEnvelope('slash_commands', c.payload);
    expect(ack).toEqual({});
    const [reply] = await fake.waitFor(() => (fake.responsesAt(c.responseUrl).length > 0 ? fake.responsesAt(c.responseUrl) : null), 'help reply');
    expect(shownText(reply ?? {})).toMatch(/settings/);
  });

  it('runs a re-sent envelope (retry_attempt 1, same trigger_id) once', async () => {
    const runs = core.runs.length;
    const c = slash('help');
    await fake.socketMode.sendEnvelope('slash_commands', c.payload);
    await fake.socketMode.sendEnvelope('slash_commands', c.payload, { retryAttempt: 1 });
    await fake.waitFor(() => fake.responsesAt(c.responseUrl).length > 0, 'the reply');
    const sentinel = slash('help');
    await fake.socketMode.sendEnvelope('slash_commands', sentinel.payload);
    await fake.waitFor(() => fake.responsesAt(sentinel.responseUrl).length > 0, 'the sentinel reply');
    expect(core.runs.length).toBe(runs + 2);
    expect(fake.responsesAt(c.responseUrl)).toHaveLength(1);
  });

  it('routes a click to the core as the user in the payload', async () => {
    const c = slash('list prod-1');
    await fake.socketMode.sendEnvelope('slash_commands', c.payload);
    const [list] = await fake.waitFor(() => (fake.responsesAt(c.responseUrl).length > 0 ? fake.responsesAt(c.responseUrl) : null), 'list');
    const del = walkBlocks(list?.blocks).buttons.find((b) => b.text === 'Delete');
    const responseUrl = fake.responseUrl();
    await fake.socketMode.sendEnvelope('interactive', blockActionsPayload({ userId: 'U0ADMIN1', button: { actionId: del?.actionId ?? '', value: del?.value }, responseUrl, triggerId: fake.issueTriggerId() }));
    await fake.waitFor(() => core.acts.at(-1)?.actor.userId === 'U0ADMIN1', 'the click');
    expect(core.acts.at(-1)?.value).toBe('delete:bk-1');
  });

  it('opens the settings modal and answers a bad submission with field errors in the ack', async () => {
    const c = slash('settings prod-1');
    await fake.socketMode.sendEnvelope('slash_commands', c.payload);
    const opened = await fake.waitFor(() => fake.views.find((v) => v.triggerId === c.triggerId), 'views.open');
    const submit = (retention: string) =>
      fake.socketMode.sendEnvelope(
        'interactive',
        viewSubmissionPayload({ userId: 'U0OPER1', view: opened.view, values: fillViewState(opened.view, { retention: { value: retention } }), triggerId: fake.issueTriggerId() }),
      );
    expect(await submit('40')).toEqual({ response_action: 'errors', errors: { retention: expect.stringContaining('got 40') } });
    const posts = fake.callsTo('chat.postMessage').length;
    expect(await submit('10')).toEqual({});
    const post = await fake.waitFor(() => fake.callsTo('chat.postMessage')[posts], 'the saved message');
    expect(String(post.args.text)).toContain('retention 10 days');
  });

  it('opens a new connection after Slack sends disconnect, and answers on it', async () => {
    const opened = fake.socketMode.connectionsOpened;
    const opens = fake.callsTo('apps.connections.open').length;
    fake.socketMode.sendDisconnect('refresh_requested');
    // The client waits its clientPingTimeout (5 s by default) before it reconnects.
    await fake.waitFor(() => fake.socketMode.connectionsOpened > opened && fake.socketMode.connections === 1, 'the new connection', 15_000);
    expect(fake.callsTo('apps.connections.open')).toHaveLength(opens + 1);
    const c = slash('help');
    expect(await fake.socketMode.sendEnvelope('slash_commands', c.payload)).toEqual({});
    const [reply] = await fake.waitFor(() => (fake.responsesAt(c.responseUrl).length > 0 ? fake.responsesAt(c.responseUrl) : null), 'help reply');
    expect(shownText(reply ?? {})).toMatch(/settings/);
  });

  it('checks payloads in the listeners too: a command without text or with a forged user gets a refusal in the ack', async () => {
    const runs = core.runs.length;
    const { text: _dropped, ...noText } = slash('help').payload;
    expect(await fake.socketMode.sendEnvelope('slash_commands', noText)).toEqual({ response_type: 'ephemeral', text: 'This request could not be read: text is missing. Nothing was done.' });
    const forged = { ...slash('help').payload, user_id: `U${'A'.repeat(100_000)}` };
    expect(await fake.socketMode.sendEnvelope('slash_commands', forged)).toMatchObject({ text: 'This request could not be read: user_id is not a Slack user id. Nothing was done.' });
    const responseUrl = fake.responseUrl();
    const click = { ...blockActionsPayload({ userId: 'U0ADMIN1', button: { actionId: 'backup_action_0', value: 'delete:bk-1' }, responseUrl, triggerId: fake.issueTriggerId() }), user: 'U0ADMIN1' };
    await fake.socketMode.sendEnvelope('interactive', click);
    const [refusal] = await fake.waitFor(() => (fake.responsesAt(responseUrl).length > 0 ? fake.responsesAt(responseUrl) : null), 'the refusal');
    expect(shownText(refusal ?? {})).toContain('This request could not be read: user is not an object. Nothing was done.');
    expect(core.runs.length).toBe(runs);
    expect(Math.max(...logs.lines.map((l) => JSON.stringify(l).length))).toBeLessThan(2500);
  });

  it('serves the routes on its own HTTP port', async () => {
    const res = await fetch(`http://127.0.0.1:${surface.port}/healthz`);
    expect(res.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${surface.port}/slack/events`, { method: 'POST' })).status).toBe(404);
  });

  it('fails clearly when Slack refuses the app token', async () => {
    const { logger } = captureLogger();
    await expect(
      startSlackSurface({ core, botToken: 'xoxb-sock', signingSecret: '', appToken: 'xapp-wrong', apiUrl: fake.apiUrl, port: 0, logger, retryConfig: { retries: 0 } }),
    ).rejects.toMatchObject({ system: 'slack', kind: 'auth', message: expect.stringContaining('SLACK_APP_TOKEN') });
  });
});
