// Property-based: signed Slack requests with fields removed, replaced by values of the wrong
// type, nulls and huge strings, and command texts of any kind, sent over HTTP to the real
// Bolt surface. Whatever arrives: never HTTP 500 or a dropped connection, the bot goes on,
// and every request either reaches the core as the user Slack signed for or gets a refusal
// where Slack shows one (the ack of a command, the response_url of a click, the modal's errors).

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockActionsPayload, postSigned, slashCommandPayload, viewSubmissionPayload, type JsonObject } from '../../sim/slack';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

const HUGE = `U${'Q'.repeat(100_000)}`;
/** Any value a field could be replaced with: wrong types, null, empty, huge, nested. */
const anyValue = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.integer(),
  fc.string({ maxLength: 30 }),
  fc.constant(''),
  fc.constant(HUGE),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.constant(null)), { maxKeys: 3 }),
);
type Path = (string | number)[];
const mutation = (paths: Path[]) => fc.tuple(fc.constantFrom(...paths), anyValue);

function mutate(base: JsonObject, changes: [Path, unknown][]): Record<string, unknown> {
  const copy = structuredClone(base) as Record<string, unknown>;
  for (const [path, value] of changes) {
    let node: unknown = copy;
    for (const key of path.slice(0, -1)) {
      if (typeof node !== 'object' || node === null) break;
      node = (node as Record<string | number, unknown>)[key];
    }
    const last = path.at(-1) as string | number;
    if (typeof node !== 'object' || node === null) continue;
    if (value === undefined) delete (node as Record<string | number, unknown>)[last];
    else (node as Record<string | number, unknown>)[last] = value;
  }
  return copy;
}

const refusal = /^This request could not be read: .+\. Nothing was done\.$/;
const reached = (url: string) => h.fake.responsesAt(url).length > 0;

describe('whatever a signed request carries', () => {
  it('a slash command is answered: by the core as the signed user, or with a refusal in the ack', async () => {
    const paths: Path[] = [['text'], ['user_id'], ['user_name'], ['channel_id'], ['response_url'], ['trigger_id'], ['command'], ['team_id'], ['is_enterprise_install']];
    const text = fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 100 }), fc.constantFrom('help', 'list prod-1', 'run prod-1', 'settings prod-1'));
    await fc.assert(
      fc.asyncProperty(text, fc.array(mutation(paths), { maxLength: 3 }), async (typed, changes) => {
        const responseUrl = h.fake.responseUrl();
        const base = slashCommandPayload({ text: typed, userId: 'U0OPER1', responseUrl, triggerId: h.fake.issueTriggerId() });
        const fields = mutate(base, changes);
        // A form body: a field is a string, or repeated (a list), or absent.
        const params = new URLSearchParams();
        for (const [k, v] of Object.entries(fields)) {
          if (Array.isArray(v)) for (const item of v) params.append(k, String(item));
          else if (v !== null) params.append(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
        }
        const runs = h.core.runs.length;
        const r = await postSigned(h.url, h.secret, params.toString());
        expect(r.status).toBe(200);
        if (r.body !== '') {
          expect(JSON.parse(r.body)).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(refusal) });
          expect(h.core.runs.length).toBe(runs);
          return;
        }
        await h.fake.waitFor(() => h.core.runs.length > runs, 'the command to reach the core');
        expect(h.core.runs.at(-1)).toMatchObject({ text: params.get('text'), actor: { userId: params.get('user_id') } });
        expect(params.getAll('user_id')).toHaveLength(1);
      }),
      { numRuns: 60 },
    );
  });

  it('a click reaches the core as the signed user, or gets a refusal at its response_url', async () => {
    const paths: Path[] = [['user'], ['user', 'id'], ['user', 'name'], ['user', 'username'], ['channel'], ['channel', 'id'], ['container'], ['container', 'channel_id'], ['team'], ['enterprise'], ['trigger_id'], ['type'], ['view'], ['message'], ['actions'], ['actions', 0], ['actions', 0, 'value'], ['actions', 0, 'action_id'], ['actions', 0, 'type'], ['actions', 0, 'action_ts']];
    await fc.assert(
      fc.asyncProperty(fc.array(mutation(paths), { minLength: 1, maxLength: 3 }), async (changes) => {
        const responseUrl = h.fake.responseUrl();
        const base = blockActionsPayload({ userId: 'U0OPER1', button: { actionId: 'backup_action_0', value: 'list:prod-1' }, responseUrl, triggerId: h.fake.issueTriggerId() });
        const payload = mutate(base, changes);
        const acts = h.core.acts.length;
        const r = await postSigned(h.url, h.secret, new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
        expect([200, 400]).toContain(r.status); // 400: the payload is no longer an object
        if (r.status === 400) return;
        // Either the core got it (and answered at the response_url), or a refusal was posted
        // there, or the click is one this bot ignores (not a button of ours, not a click).
        const ours = typeof payload.type === 'string' && payload.type === 'block_actions' && Array.isArray(payload.actions) && typeof (payload.actions[0] as { action_id?: unknown } | undefined)?.action_id === 'string' && /^backup_action_/.test((payload.actions[0] as { action_id: string }).action_id);
        if (!ours) return;
        await h.fake.waitFor(() => reached(responseUrl) || h.core.acts.length > acts, 'an answer to the click');
        if (h.core.acts.length > acts) {
          expect(h.core.acts.at(-1)?.actor.userId).toMatch(/^[UW][A-Z0-9]+$/);
          expect(h.core.acts.at(-1)?.actor.userId).toBe((payload.user as { id: string }).id);
        } else {
          const [answer] = h.fake.responsesAt(responseUrl);
          expect(answer?.text).toMatch(refusal);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a modal submission is answered in the modal, or reaches the core as the signed user', async () => {
    const paths: Path[] = [['user'], ['user', 'id'], ['view'], ['view', 'id'], ['view', 'callback_id'], ['view', 'private_metadata'], ['view', 'state'], ['view', 'state', 'values'], ['view', 'blocks'], ['trigger_id'], ['team']];
    const view = { id: 'V0PROP', callback_id: 'backup_form:settings', private_metadata: JSON.stringify({ f: 'settings', c: 'ctx:prod-1:v1', ch: 'C0OPS' }), blocks: [{ type: 'input', block_id: 'retention', element: { type: 'number_input', action_id: 'number' } }] };
    await fc.assert(
      fc.asyncProperty(fc.array(mutation(paths), { minLength: 1, maxLength: 3 }), async (changes) => {
        const base = viewSubmissionPayload({ userId: 'U0OPER1', view, values: { retention: { number: { type: 'number_input', value: '40' } } }, triggerId: h.fake.issueTriggerId() });
        const payload = mutate(base, changes);
        const submits = h.core.submits.length;
        const r = await postSigned(h.url, h.secret, new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
        expect([200, 400]).toContain(r.status);
        if (r.status === 400 || r.body === '') return;
        const ack = JSON.parse(r.body) as { response_action: string; errors: Record<string, string> };
        expect(ack.response_action).toBe('errors');
        const message = Object.values(ack.errors).join(' ');
        if (h.core.submits.length > submits) {
          expect(h.core.submits.at(-1)?.actor.userId).toBe((payload.user as { id: string }).id);
          expect(message).toMatch(/7 to 31|can no longer be read|Unknown form/);
        } else {
          expect(message).toMatch(/could not be read|can no longer be read/);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('afterwards the bot still answers, logs nothing huge and no secret', async () => {
    const { responseUrl } = await h.slash('help', 'U0SENTINEL');
    await h.fake.waitFor(() => reached(responseUrl), 'the sentinel reply');
    const lines = h.logs.map((l) => JSON.stringify(l));
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(2500);
    expect(lines.some((l) => l.includes('Q'.repeat(200)))).toBe(false);
    const all = lines.join('\n') + JSON.stringify(h.fake.calls);
    expect(all).not.toContain(h.fake.botToken);
    expect(all).not.toContain(h.secret);
  });
});
