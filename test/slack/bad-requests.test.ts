// What a probe sent the Slack surface, correctly signed: bodies that are not an object, a
// forged `user`, missing fields, a null channel, a 100 KB user id, timestamps out of the
// window, replays. No request ends the process, none gets HTTP 500, each gets an answer a
// person can read where Slack shows one, and the log repeats nothing huge and no secret.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLowdbStore } from '../../adapters/store/lowdb';
import { blockActionsPayload, postSigned, postToBot, signSlackRequest, slashCommandPayload, viewSubmissionPayload, type JsonObject } from '../../sim/slack';
import { storedSeenKeys } from '../../src/app/seen-keys';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const payloadBody = (payload: unknown) => form({ payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });
const command = (over: Record<string, string | undefined> = {}) => {
  const fields: Record<string, string> = slashCommandPayload({ text: 'help', userId: 'U0OPER1', responseUrl: h.fake.responseUrl(), triggerId: h.fake.issueTriggerId() });
  for (const [k, v] of Object.entries(over)) if (v === undefined) delete fields[k];
  else fields[k] = v;
  return fields;
};
const click = (over: JsonObject = {}, value = 'run:prod-1') => ({
  ...blockActionsPayload({ userId: 'U0OPER1', button: { actionId: 'backup_action_0', value }, responseUrl: h.fake.responseUrl(), triggerId: h.fake.issueTriggerId() }),
  ...over,
});

/** The bot still answers: a signed /backup help gets its reply. */
async function stillAnswers(): Promise<void> {
  const { answer, responseUrl } = await h.slash('help', 'U0SENTINEL');
  expect(answer.status).toBe(200);
  await h.fake.waitFor(() => h.fake.responsesAt(responseUrl).length > 0, 'the sentinel reply');
}

describe('bodies that are not a JSON object', () => {
  const cases: [string, string, string][] = [
    ['payload=null (ended the process inside Bolt 5.1)', payloadBody('null'), 'application/x-www-form-urlencoded'],
    ['payload=[]', payloadBody('[]'), 'application/x-www-form-urlencoded'],
    ['payload=1', payloadBody('1'), 'application/x-www-form-urlencoded'],
    ['payload="text"', payloadBody('"text"'), 'application/x-www-form-urlencoded'],
    ['payload that is not JSON', payloadBody('{"type":'), 'application/x-www-form-urlencoded'],
    ['payload given twice', 'payload=%7B%7D&payload=%7B%7D', 'application/x-www-form-urlencoded'],
    ['a JSON body null', 'null', 'application/json'],
    ['a body of another content type', '{}', 'text/plain'],
  ];
  it.each(cases)('%s: HTTP 400, nothing run, the bot goes on', async (_what, body, type) => {
    const runs = h.core.runs.length + h.core.acts.length;
    const r = await postToBot(h.url, body, { ...signSlackRequest(h.secret, body), 'Content-Type': type });
    expect(r.status).toBe(400);
    await stillAnswers();
    expect(h.core.runs.length + h.core.acts.length).toBe(runs + 1);
  });
});

describe('forged or missing fields in signed requests', () => {
  it('a click whose user is a string runs nothing and is told why at its response_url', async () => {
    const acts = h.core.acts.length;
    const payload = click({ user: 'U0ADMIN1' });
    const r = await postSigned(h.url, h.secret, payloadBody(payload));
    expect(r.status).toBe(200);
    const [refusal] = await h.fake.waitFor(() => (h.fake.responsesAt(payload.response_url as string).length > 0 ? h.fake.responsesAt(payload.response_url as string) : null), 'the refusal');
    expect(refusal?.text).toBe('This request could not be read: user is not an object. Nothing was done.');
    await stillAnswers();
    expect(h.core.acts.length).toBe(acts);
  });

  it('a click whose user.id is a number, or missing, runs nothing', async () => {
    const acts = h.core.acts.length;
    for (const user of [{ id: 42, name: 'x' }, { name: 'x' }] as JsonObject[]) {
      const payload = click({ user });
      expect((await postSigned(h.url, h.secret, payloadBody(payload))).status).toBe(200);
      const [refusal] = await h.fake.waitFor(() => (h.fake.responsesAt(payload.response_url as string).length > 0 ? h.fake.responsesAt(payload.response_url as string) : null), 'the refusal');
      expect(refusal?.text).toMatch(/^This request could not be read: user\.id is (not a string|missing)\. Nothing was done\.$/);
    }
    expect(h.core.acts.length).toBe(acts);
  });

  it('a slash command without text gets a refusal in the ack (Slack shows it), not silence', async () => {
    const runs = h.core.runs.length;
    const r = await postSigned(h.url, h.secret, form(command({ text: undefined })));
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ response_type: 'ephemeral', text: 'This request could not be read: text is missing. Nothing was done.' });
    const forged = await postSigned(h.url, h.secret, form(command({ user_id: '' })));
    expect(JSON.parse(forged.body).text).toBe('This request could not be read: user_id is not a Slack user id. Nothing was done.');
    expect(h.core.runs.length).toBe(runs);
  });

  it('a click with a null channel is answered (not HTTP 500), to the clicker', async () => {
    const payload = click({ channel: null, container: null });
    const r = await postSigned(h.url, h.secret, payloadBody(payload));
    expect(r.status).toBe(200);
    const [answer] = await h.fake.waitFor(() => (h.fake.responsesAt(payload.response_url as string).length > 0 ? h.fake.responsesAt(payload.response_url as string) : null), 'the answer');
    expect(h.core.acts.at(-1)).toMatchObject({ value: 'run:prod-1', actor: { userId: 'U0OPER1' }, channel: null });
    expect(JSON.stringify(answer)).toContain('Backup of prod-1 started by U0OPER1');
  });

  it('a submission without user or without view gets an answer, not HTTP 500', async () => {
    const view = { id: 'V1', callback_id: 'backup_form:settings', private_metadata: '{}', blocks: [{ type: 'input', block_id: 'retention', element: { type: 'number_input', action_id: 'number' } }], state: { values: {} } };
    const submission = viewSubmissionPayload({ userId: 'U0OPER1', view, values: {}, triggerId: h.fake.issueTriggerId() });
    const noUser = await postSigned(h.url, h.secret, payloadBody({ ...submission, user: undefined }));
    expect(noUser.status).toBe(200);
    expect(JSON.parse(noUser.body)).toEqual({ response_action: 'errors', errors: { retention: 'This request could not be read: user is missing. Nothing was done.' } });
    const noView = await postSigned(h.url, h.secret, payloadBody({ ...submission, view: undefined }));
    expect(noView.status).toBe(200);
    expect(noView.body).toBe('');
    const noActions = await postSigned(h.url, h.secret, payloadBody(click({ actions: [] })));
    expect(noActions.status).toBe(200);
  });

  it('a 100 KB user id is refused, and no log line repeats it', async () => {
    const huge = `U${'A'.repeat(100_000)}`;
    const r = await postSigned(h.url, h.secret, form(command({ user_id: huge })));
    expect(JSON.parse(r.body).text).toBe('This request could not be read: user_id is not a Slack user id. Nothing was done.');
    await postSigned(h.url, h.secret, payloadBody(click({ user: { id: huge, name: huge } })));
    await stillAnswers();
    const lines = h.logs.map((l) => JSON.stringify(l));
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(1000);
    expect(lines.some((l) => l.includes('A'.repeat(100)))).toBe(false);
    expect(lines.some((l) => /"user":"UAAAA.*… \(100001 chars\)"/.test(l))).toBe(true);
  });
});

describe('the signed time window and replays', () => {
  it('refuses a timestamp more than 5 minutes in the future (Bolt accepts any future one)', async () => {
    const runs = h.core.runs.length;
    const body = form(command());
    const future = await postToBot(h.url, body, signSlackRequest(h.secret, body, Math.floor(Date.now() / 1000) + 301));
    expect(future.status).toBe(401);
    const okBody = form(command());
    expect((await postToBot(h.url, okBody, signSlackRequest(h.secret, okBody, Math.floor(Date.now() / 1000) + 240))).status).toBe(200);
    await stillAnswers();
    expect(h.core.runs.length).toBe(runs + 2); // the one 4 minutes ahead, and the sentinel
    expect(h.logs.some((l) => (l.obj as { reason?: string }).reason === 'the timestamp is more than 5 minutes in the future')).toBe(true);
  });

  it('drops the same signed click sent again, in this process and after a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slack-replay-'));
    const first = await openLowdbStore(dir);
    const a = await startHarness({ surface: { seenRequests: storedSeenKeys(first, 'slack.request', 600_000) } });
    const payload = { ...blockActionsPayload({ userId: 'U0OPER1', button: { actionId: 'backup_action_0', value: 'run:prod-1' }, responseUrl: a.fake.responseUrl(), triggerId: a.fake.issueTriggerId() }) };
    const body = payloadBody(payload);
    const headers = signSlackRequest(a.secret, body);
    expect((await postToBot(a.url, body, headers)).status).toBe(200);
    await a.fake.waitFor(() => a.core.acts.length === 1, 'the first click to reach the core');
    expect((await postToBot(a.url, body, headers)).status).toBe(200);
    await a.stop();
    await first.close();

    const reopened = await openLowdbStore(dir);
    const b = await startHarness({ secret: a.secret, surface: { seenRequests: storedSeenKeys(reopened, 'slack.request', 600_000) } });
    const replay = await postToBot(b.url, body, headers);
    expect(replay.status).toBe(200);
    const sentinel = await b.slash('help', 'U0SENTINEL');
    await b.fake.waitFor(() => b.fake.responsesAt(sentinel.responseUrl).length > 0, 'the sentinel reply');
    expect(a.core.acts).toHaveLength(1);
    expect(b.core.acts).toHaveLength(0);
    expect(a.logs.filter((l) => l.msg === 'repeated button click dropped')).toHaveLength(1);
    expect(b.logs.filter((l) => l.msg === 'repeated button click dropped')).toHaveLength(1);
    await b.stop();
    await reopened.close();
    await rm(dir, { recursive: true, force: true });
  });
});

describe('secrets', () => {
  it('never appear in a log line or a reply', () => {
    const all = JSON.stringify(h.logs) + JSON.stringify(h.fake.calls);
    expect(all).not.toContain(h.fake.botToken);
    expect(all).not.toContain(h.secret);
  });
});
