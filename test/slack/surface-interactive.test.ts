// Modals and buttons over the signed HTTP contract: the settings form round trip with
// Slack's `response_action: errors`, buttons with confirm dialogs, and clicks that reach the
// core as the user Slack signed for.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isObject, shownText, walkBlocks, type FoundButton, type JsonObject } from '../../sim/slack';
import { startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

const blocksOf = (view: JsonObject): JsonObject[] => (Array.isArray(view.blocks) ? view.blocks.filter(isObject) : []);
const block = (view: JsonObject, id: string): JsonObject | undefined => blocksOf(view).find((b) => b.block_id === id);

describe('the settings modal round trip', () => {
  it('opens, refuses retention=40 on the retention block, then saves and posts to the channel', async () => {
    const { answer, triggerId } = await h.slash('settings prod-1');
    expect(answer.status).toBe(200);
    const opened = await h.fake.waitFor(() => h.fake.views.find((v) => v.triggerId === triggerId), 'views.open');
    const view = opened.view;
    expect(view.type).toBe('modal');
    expect(String((view.title as JsonObject).text).length).toBeLessThanOrEqual(24);
    expect(view.callback_id).toBe('backup_form:settings');
    expect(JSON.parse(String(view.private_metadata))).toEqual({ f: 'settings', c: 'ctx:prod-1:v1', ch: 'C0OPS' });

    const enabled = block(view, 'enabled');
    expect(enabled).toMatchObject({ type: 'input', optional: true, element: { type: 'checkboxes', initial_options: [{ value: 'on' }] } });
    const days = block(view, 'days')?.element as JsonObject;
    expect((days.options as JsonObject[]).map((o) => o.value)).toEqual(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
    expect((days.initial_options as JsonObject[]).map((o) => o.value)).toEqual(['mon', 'thu']);
    expect(block(view, 'time')).toMatchObject({ element: { type: 'timepicker', initial_time: '02:30' }, hint: { text: expect.stringContaining('Peak hours') } });
    expect(block(view, 'retention')).toMatchObject({ element: { type: 'number_input', is_decimal_allowed: false, min_value: '7', max_value: '31', initial_value: '14' } });
    expect(block(view, 'region')).toMatchObject({ type: 'section', text: { type: 'mrkdwn', text: expect.stringContaining('cn-hangzhou') } });

    const bad = await h.submit(opened, { retention: { value: '40' } }, 'U0OPER1');
    expect(bad.status).toBe(200);
    expect(JSON.parse(bad.body)).toEqual({ response_action: 'errors', errors: { retention: expect.stringContaining('7 to 31, got 40') } });

    const posts = h.fake.callsTo('chat.postMessage').length;
    const good = await h.submit(opened, { retention: { value: '21' }, days: { selected_options: [{ value: 'tue' }, { value: 'sat' }] } }, 'U0OPER1');
    expect(good.status).toBe(200);
    expect(good.body).toBe('');
    const post = await h.fake.waitFor(() => h.fake.callsTo('chat.postMessage')[posts], 'the saved message');
    expect(post.args.channel).toBe('C0OPS');
    expect(String(post.args.text)).toContain('on, tue,sat at 02:30, retention 21 days');
    expect(h.core.submits.at(-1)).toMatchObject({
      formId: 'settings',
      context: 'ctx:prod-1:v1',
      actor: { userId: 'U0OPER1' },
      values: { enabled: true, days: ['tue', 'sat'], time: '02:30', retention: '21' },
    });
  });

  it('a repeated submission gets the same answer and does not reach the core twice', async () => {
    const { triggerId } = await h.slash('settings prod-1');
    const opened = await h.fake.waitFor(() => h.fake.views.find((v) => v.triggerId === triggerId), 'views.open');
    const submitTrigger = h.fake.issueTriggerId();
    const submits = h.core.submits.length;
    const first = await h.submit(opened, { retention: { value: '40' } }, 'U0OPER1', { triggerId: submitTrigger });
    const retry = await h.submit(opened, { retention: { value: '40' } }, 'U0OPER1', { triggerId: submitTrigger, headers: { 'X-Slack-Retry-Num': '1' } });
    expect(retry.body).toBe(first.body);
    expect(h.core.submits.length).toBe(submits + 1);
  });

  it('a click that returns a form opens it with the click trigger; errors of unknown fields go on the first input', async () => {
    const { responseUrl } = await h.slash('list prod-1');
    const [list] = await h.fake.waitFor(() => (h.fake.responsesAt(responseUrl).length > 0 ? h.fake.responsesAt(responseUrl) : null), 'list');
    const restore = walkBlocks(list?.blocks).buttons.find((b) => b.text === 'Restore');
    expect(restore).toBeDefined();
    const trigger = h.fake.issueTriggerId();
    await h.click(restore as FoundButton, 'U0OPER1', { triggerId: trigger });
    const opened = await h.fake.waitFor(() => h.fake.views.find((v) => v.triggerId === trigger), 'restore form');
    const r = await h.submit(opened, { target: { value: '' } }, 'U0OPER1');
    expect(JSON.parse(r.body)).toEqual({ response_action: 'errors', errors: { target: 'Name a target instance.' } });
  });
});

describe('buttons', () => {
  let buttons: FoundButton[] = [];
  let listText = '';

  beforeAll(async () => {
    const { responseUrl } = await h.slash('list prod-1');
    const [list] = await h.fake.waitFor(() => (h.fake.responsesAt(responseUrl).length > 0 ? h.fake.responsesAt(responseUrl) : null), 'list');
    buttons = walkBlocks(list?.blocks).buttons;
    listText = shownText(list ?? {});
  });

  it('render with unique action ids, the value, the style and a full confirm dialog', () => {
    expect(listText).toContain('bk-1');
    expect(buttons.map((b) => b.text)).toEqual(['Restore', 'Delete', 'Restore', 'Delete']);
    expect(new Set(buttons.map((b) => b.actionId)).size).toBe(4);
    for (const b of buttons) expect(b.actionId).toMatch(/^backup_action_\d+$/);
    const del = buttons[1];
    expect(del).toMatchObject({ value: 'delete:bk-1', style: 'danger' });
    expect(del?.confirm).toEqual({
      title: { type: 'plain_text', text: 'Delete bk-1?' },
      text: { type: 'mrkdwn', text: 'Backup *bk-1* will be removed permanently.' },
      confirm: { type: 'plain_text', text: 'Delete' },
      deny: { type: 'plain_text', text: 'Keep' },
      style: 'danger',
    });
  });

  it('a click reaches the core as the user Slack signed for; a viewer is refused, ephemerally', async () => {
    const del = buttons[1] as FoundButton;
    const acts = h.core.acts.length;
    const { answer, responseUrl } = await h.click(del, 'U0VIEW1');
    expect(answer.status).toBe(200);
    const [refusal] = await h.fake.waitFor(() => (h.fake.responsesAt(responseUrl).length > 0 ? h.fake.responsesAt(responseUrl) : null), 'refusal');
    expect(h.core.acts[acts]).toMatchObject({ value: 'delete:bk-1', actor: { platform: 'slack', userId: 'U0VIEW1' }, channel: { platform: 'slack', channelId: 'C0OPS' } });
    expect(refusal).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(shownText(refusal ?? {})).toMatch(/Only an admin may delete bk-1; U0VIEW1 is a viewer/);
  });

  it('an admin click acts and posts to the channel; its retry is dropped', async () => {
    const del = buttons[1] as FoundButton;
    const posts = h.fake.callsTo('chat.postMessage').length;
    const acts = h.core.acts.length;
    const trigger = h.fake.issueTriggerId();
    const actionTs = '1700000001.000200';
    await h.click(del, 'U0ADMIN1', { triggerId: trigger, actionTs });
    const post = await h.fake.waitFor(() => h.fake.callsTo('chat.postMessage')[posts], 'deleted message');
    expect(String(post.args.text)).toContain('Backup bk-1 deleted by U0ADMIN1');
    const retry = await h.click(del, 'U0ADMIN1', { triggerId: trigger, actionTs, headers: { 'X-Slack-Retry-Num': '1' } });
    expect(retry.answer.status).toBe(200);
    const sentinel = await h.slash('help', 'U0SENTINEL');
    await h.fake.waitFor(() => h.fake.responsesAt(sentinel.responseUrl).length > 0, 'the sentinel reply');
    expect(h.core.acts.length).toBe(acts + 1);
  });

  it('`run` asks with a primary confirm button', async () => {
    const { responseUrl } = await h.slash('run prod-1');
    const [ask] = await h.fake.waitFor(() => (h.fake.responsesAt(responseUrl).length > 0 ? h.fake.responsesAt(responseUrl) : null), 'run question');
    const [run] = walkBlocks(ask?.blocks).buttons;
    expect(run).toMatchObject({ text: 'Run now', style: 'primary', value: 'run:prod-1' });
    expect(run?.confirm).toMatchObject({ style: 'primary', confirm: { text: 'Run' }, deny: { text: 'Not now' } });
  });
});
