// Requests as Slack sends them to a bot: signed (v0 HMAC-SHA256 over `v0:<ts>:<raw body>`),
// form-encoded with the exact Content-Type Bolt expects, and the bodies of a slash command,
// a button click and a modal submission.

import { createHmac } from 'node:crypto';
import http from 'node:http';
import { isObject, type Json, type JsonObject } from './limits';

export const TEST_TEAM = { id: 'T0TEST', domain: 'test' } as const;
export const TEST_APP_ID = 'A0TEST';

/** Headers of a signed request. The Content-Type must be exactly this (no charset). */
export function signSlackRequest(secret: string, rawBody: string, ts: number = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${rawBody}`).digest('hex')}`;
  return {
    'Content-Type': 'application/x-www-form-urlencoded',
    'X-Slack-Request-Timestamp': String(ts),
    'X-Slack-Signature': signature,
  };
}

export interface SlashCommandInput {
  text: string;
  userId: string;
  userName?: string;
  channelId?: string;
  channelName?: string;
  command?: string;
  responseUrl: string;
  triggerId: string;
}

/** The form body Slack POSTs for a slash command (HTTP mode). */
export function slashCommandBody(c: SlashCommandInput): string {
  return new URLSearchParams(slashCommandPayload(c)).toString();
}

/** A slash command's fields (the form fields in HTTP mode, the envelope payload in Socket Mode). */
export function slashCommandPayload(c: SlashCommandInput): Record<string, string> {
  return {
    token: 'legacy-verification-token',
    team_id: TEST_TEAM.id,
    team_domain: TEST_TEAM.domain,
    channel_id: c.channelId ?? 'C0OPS',
    channel_name: c.channelName ?? 'ops',
    user_id: c.userId,
    user_name: c.userName ?? c.userId.toLowerCase(),
    command: c.command ?? '/backup',
    text: c.text,
    api_app_id: TEST_APP_ID,
    is_enterprise_install: 'false',
    response_url: c.responseUrl,
    trigger_id: c.triggerId,
  };
}

export interface ButtonClickInput {
  userId: string;
  userName?: string;
  /** The clicked button as rendered: action_id and value (block_id optional). */
  button: { actionId: string; value?: string | undefined; blockId?: string | undefined; text?: string };
  channelId?: string;
  messageTs?: string;
  /** The message the button is in, as Slack sends it back. */
  message?: JsonObject;
  responseUrl: string;
  triggerId: string;
  actionTs?: string;
}

/** The form body Slack POSTs for a button click (HTTP mode). */
export function blockActionsBody(c: ButtonClickInput): string {
  return new URLSearchParams({ payload: JSON.stringify(blockActionsPayload(c)) }).toString();
}

/** A button click's payload (JSON in the `payload` form field, or a Socket Mode envelope). */
export function blockActionsPayload(c: ButtonClickInput): JsonObject {
  const channelId = c.channelId ?? 'C0OPS';
  const messageTs = c.messageTs ?? '1700000000.000100';
  return {
    type: 'block_actions',
    team: TEST_TEAM,
    user: { id: c.userId, username: c.userName ?? c.userId.toLowerCase(), name: c.userName ?? c.userId.toLowerCase(), team_id: TEST_TEAM.id },
    api_app_id: TEST_APP_ID,
    token: 'legacy-verification-token',
    trigger_id: c.triggerId,
    container: { type: 'message', message_ts: messageTs, channel_id: channelId, is_ephemeral: false },
    channel: { id: channelId, name: 'ops' },
    message: c.message ?? { type: 'message', ts: messageTs, text: '', blocks: [] },
    response_url: c.responseUrl,
    state: { values: {} },
    actions: [
      {
        type: 'button',
        action_id: c.button.actionId,
        block_id: c.button.blockId ?? 'b1',
        text: { type: 'plain_text', text: c.button.text ?? 'Button', emoji: true },
        ...(c.button.value !== undefined ? { value: c.button.value } : {}),
        action_ts: c.actionTs ?? (Date.now() / 1000).toFixed(6),
      },
    ],
    is_enterprise_install: false,
  };
}

export interface ViewSubmissionInput {
  userId: string;
  userName?: string;
  /** The modal as the fake stored it (views.open), ids filled in. */
  view: JsonObject;
  /** `view.state.values`; see fillViewState. */
  values: JsonObject;
  triggerId: string;
}

/** The form body Slack POSTs for a modal submission (HTTP mode). */
export function viewSubmissionBody(c: ViewSubmissionInput): string {
  return new URLSearchParams({ payload: JSON.stringify(viewSubmissionPayload(c)) }).toString();
}

/** A modal submission's payload (JSON in the `payload` form field, or a Socket Mode envelope). */
export function viewSubmissionPayload(c: ViewSubmissionInput): JsonObject {
  return {
    type: 'view_submission',
    team: TEST_TEAM,
    user: { id: c.userId, username: c.userName ?? c.userId.toLowerCase(), name: c.userName ?? c.userId.toLowerCase(), team_id: TEST_TEAM.id },
    api_app_id: TEST_APP_ID,
    token: 'legacy-verification-token',
    trigger_id: c.triggerId,
    view: { ...c.view, state: { values: c.values } },
    response_urls: [],
    is_enterprise_install: false,
  };
}

/**
 * `view.state.values` of a user who leaves every input at its initial value except those in
 * `set` (by block_id), whose state value is given as Slack would send it.
 */
export function fillViewState(view: JsonObject, set: Record<string, JsonObject> = {}): JsonObject {
  const values: JsonObject = {};
  const blocks = Array.isArray(view.blocks) ? view.blocks : [];
  for (const b of blocks) {
    if (!isObject(b) || b.type !== 'input' || typeof b.block_id !== 'string' || !isObject(b.element)) continue;
    const el = b.element;
    const actionId = typeof el.action_id === 'string' ? el.action_id : 'a';
    const type = typeof el.type === 'string' ? el.type : 'unknown';
    let v: JsonObject = { type };
    if (type === 'timepicker') v.selected_time = el.initial_time ?? null;
    else if (type === 'checkboxes') v.selected_options = Array.isArray(el.initial_options) ? el.initial_options : [];
    else if (type === 'static_select' || type === 'radio_buttons') v.selected_option = el.initial_option ?? null;
    else v.value = el.initial_value ?? null;
    const override = set[b.block_id];
    if (override !== undefined) v = { type, ...override };
    values[b.block_id] = { [actionId]: v };
  }
  return values;
}

export interface BoltAnswer {
  status: number;
  body: string;
  /** Time to the whole HTTP answer, in ms. */
  ms: number;
  headers: http.IncomingHttpHeaders;
}

/** POSTs a raw body to the bot with the given headers and measures the answer. */
export function postToBot(url: string, rawBody: string, headers: Record<string, string>, agent?: http.Agent): Promise<BoltAnswer> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { ...headers, 'Content-Length': String(Buffer.byteLength(rawBody)) }, ...(agent ? { agent } : {}) }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        data += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data, ms: Number(process.hrtime.bigint() - t0) / 1e6, headers: res.headers }));
    });
    req.on('error', reject);
    req.setTimeout(15_000, () => req.destroy(new Error('no answer in 15 s')));
    req.end(rawBody);
  });
}

/** POSTs a body signed with `secret` (extra headers such as X-Slack-Retry-Num added). */
export function postSigned(url: string, secret: string, rawBody: string, extra: Record<string, string> = {}, agent?: http.Agent): Promise<BoltAnswer> {
  return postToBot(url, rawBody, { ...signSlackRequest(secret, rawBody), ...extra }, agent);
}

export type { Json, JsonObject };
