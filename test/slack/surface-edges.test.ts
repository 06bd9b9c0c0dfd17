// The surface's edges: routes on the same port, a huge reply Slack accepts, a form that can
// no longer open, and start-up when auth.test fails.

import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackSurface } from '../../adapters/slack';
import { postToBot, shownText, signSlackRequest, slashCommandBody, startFakeSlack } from '../../sim/slack';
import { captureLogger, startHarness, type Harness } from './harness';
import { TestCore } from './test-core';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    surface: {
      routes: [{ method: 'GET', path: '/healthz', handler: (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}') }],
    },
  });
});
afterAll(async () => {
  await h.stop();
});

describe('the Slack surface', () => {
  it('serves custom routes such as /healthz on the same port', async () => {
    const res = await fetch(`http://127.0.0.1:${h.surface.port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('delivers a huge reply cut to what Slack accepts', async () => {
    const { responseUrl } = await h.slash('big');
    const [posted] = await h.fake.waitFor(() => (h.fake.responsesAt(responseUrl).length > 0 ? h.fake.responsesAt(responseUrl) : null), 'big reply');
    const blocks = Array.isArray(posted?.blocks) ? posted.blocks : [];
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(shownText(posted ?? {})).toMatch(/… and \d+ more not shown here/);
    expect(h.logs.some((l) => l.level === 'warn' && JSON.stringify(l.obj).includes('items left out'))).toBe(true);
  });

  it('tells the user when the form cannot open (expired trigger)', async () => {
    const { responseUrl } = await h.slash('settings prod-1', 'U0OPER1', { triggerId: 'never-issued' });
    const [posted] = await h.fake.waitFor(() => (h.fake.responsesAt(responseUrl).length > 0 ? h.fake.responsesAt(responseUrl) : null), 'fallback reply');
    expect(shownText(posted ?? {})).toMatch(/form could not be opened/);
    expect(h.fake.callsTo('views.open').at(-1)?.answer.error).toBe('invalid_trigger_id');
  });

  it('falls back to chat.postEphemeral when response_url refuses', async () => {
    const before = h.fake.ephemerals.length;
    const { answer } = await h.slash('help', 'U0OPER1', { responseUrl: `${h.fake.baseUrl}/gone` });
    expect(answer.status).toBe(200);
    const e = await h.fake.waitFor(() => h.fake.ephemerals[before], 'chat.postEphemeral');
    expect(e).toMatchObject({ channel: 'C0OPS', user: 'U0OPER1' });
    expect(shownText(e)).toMatch(/settings/);
  });
});

describe('start-up', () => {
  it('fails clearly when Slack refuses the bot token', async () => {
    const fake = await startFakeSlack({ botToken: 'xoxb-right' });
    const { logger } = captureLogger();
    await expect(
      startSlackSurface({ core: new TestCore(), botToken: 'xoxb-wrong', signingSecret: 's', apiUrl: fake.apiUrl, port: 0, logger, retryConfig: { retries: 0 } }),
    ).rejects.toThrow(/Slack refused SLACK_BOT_TOKEN \(auth.test: invalid_auth\)/);
    await fake.close();
  });

  it('starts anyway, with a warning, when the Web API cannot be reached', async () => {
    const { logger, lines } = captureLogger();
    const surface = await startSlackSurface({ core: new TestCore(), botToken: 'xoxb-x', signingSecret: 's', apiUrl: 'http://127.0.0.1:9/api/', port: 0, logger, retryConfig: { retries: 0 } });
    expect(surface.port).toBeGreaterThan(0);
    expect(lines.some((l) => l.level === 'warn' && /auth.test failed/.test(l.msg ?? ''))).toBe(true);
    await surface.stop();
  });
});

describe('with a pino logger', () => {
  it('logs the refusal of a forged request as a JSON line, never the secrets', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const p = await startHarness({ surface: { logger: pino({ level: 'debug' }, sink) } });
    try {
      const body = slashCommandBody({ text: 'help', userId: 'U0FORGED', responseUrl: p.fake.responseUrl(), triggerId: p.fake.issueTriggerId() });
      expect((await postToBot(p.url, body, signSlackRequest('wrong', body))).status).toBe(401);
      const { responseUrl } = await p.slash('help');
      await p.fake.waitFor(() => p.fake.responsesAt(responseUrl).length > 0, 'help reply');
      const all = lines.join('');
      expect(all).toMatch(/"level":40,.*"reason":"the signature does not match","msg":"Slack request refused: not signed by Slack"/);
      expect(all).toMatch(/"msg":"slash command"/);
      expect(all).not.toContain(p.fake.botToken);
      expect(all).not.toContain(p.secret);
    } finally {
      await p.stop();
    }
  });
});
