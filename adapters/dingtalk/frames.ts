// What DingTalk's Stream gateway sends, parsed with zod before anything is done with it: the
// frame envelope, a robot message (TOPIC_ROBOT) and a card button callback (TOPIC_CARD).
// Every parser answers with a value or a short reason, never an exception.

import { z } from 'zod';

export const TOPIC_ROBOT = '/v1.0/im/bot/messages/get';
export const TOPIC_CARD = '/v1.0/card/instances/callback';

export type Parsed<T> = { ok: true; value: T } | { ok: false; why: string };

const frameSchema = z.object({
  specVersion: z.string().optional(),
  type: z.enum(['SYSTEM', 'EVENT', 'CALLBACK']),
  headers: z.looseObject({
    messageId: z.string().min(1).max(200),
    topic: z.string().max(200).optional(),
    contentType: z.string().optional(),
  }),
  data: z.string().max(1_000_000).optional(),
});

export type StreamFrame = z.infer<typeof frameSchema>;

/** The id a frame's ACK must echo, read from a frame that may be broken otherwise. */
export function messageIdOf(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const headers = (raw as { headers?: unknown }).headers;
  if (typeof headers !== 'object' || headers === null) return null;
  const id = (headers as { messageId?: unknown }).messageId;
  return typeof id === 'string' && id !== '' && id.length <= 200 ? id : null;
}

export function parseFrame(text: string): Parsed<StreamFrame> & { raw?: unknown } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, why: 'the frame is not JSON' };
  }
  const parsed = frameSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, why: `the frame is not a Stream frame (${issueText(parsed.error)})`, raw };
  return { ok: true, value: parsed.data, raw };
}

const robotSchema = z.object({
  msgId: z.string().min(1).max(200),
  msgtype: z.string().max(40),
  conversationId: z.string().min(1).max(200),
  conversationType: z.enum(['1', '2']),
  conversationTitle: z.string().max(400).optional(),
  senderStaffId: z.string().max(200).optional(),
  senderNick: z.string().max(200).optional(),
  senderId: z.string().max(200).optional(),
  robotCode: z.string().max(200).optional(),
  sessionWebhook: z.string().url().max(2000).optional(),
  sessionWebhookExpiredTime: z.number().optional(),
  text: z.object({ content: z.string().max(20_000) }).optional(),
});

export interface RobotMessage {
  msgId: string;
  msgtype: string;
  conversationId: string;
  /** `1` a one-to-one chat with the robot, `2` a group. */
  conversationType: '1' | '2';
  /** The sender's staff id (userId) in the robot's organisation; empty for outsiders. */
  staffId: string;
  nick: string;
  robotCode: string | null;
  webhook: { url: string; expiresAt: number } | null;
  /** The text of a text message; null for pictures, rich text, files... */
  text: string | null;
}

/** The data of a robot message. `senderStaffId` is who DingTalk authenticated; `isAdmin` is ignored. */
export function parseRobotMessage(data: string | undefined): Parsed<RobotMessage> {
  const json = parseJson(data);
  if (!json.ok) return json;
  const parsed = robotSchema.safeParse(json.value);
  if (!parsed.success) return { ok: false, why: `the robot message is incomplete (${issueText(parsed.error)})` };
  const d = parsed.data;
  return {
    ok: true,
    value: {
      msgId: d.msgId,
      msgtype: d.msgtype,
      conversationId: d.conversationId,
      conversationType: d.conversationType,
      staffId: d.senderStaffId ?? '',
      nick: d.senderNick ?? '',
      robotCode: d.robotCode ?? null,
      webhook: d.sessionWebhook !== undefined ? { url: d.sessionWebhook, expiresAt: d.sessionWebhookExpiredTime ?? 0 } : null,
      text: d.msgtype === 'text' && d.text !== undefined ? d.text.content : null,
    },
  };
}

const paramValue = z.union([z.string().max(4000), z.number(), z.boolean()]);
const cardContentSchema = z.object({
  cardPrivateData: z.object({
    actionIds: z.array(z.string().max(200)).max(20).optional(),
    params: z.record(z.string().max(100), paramValue).optional(),
  }),
});
const cardCallbackSchema = z.object({
  outTrackId: z.string().min(1).max(200),
  userId: z.string().min(1).max(200),
  spaceType: z.string().max(40).optional(),
  spaceId: z.string().max(200).optional(),
  type: z.string().max(40).optional(),
  content: z.string().max(20_000),
});

export interface CardClick {
  cardId: string;
  /** The clicker's staff id, as DingTalk authenticated it. */
  staffId: string;
  /** `IM_GROUP` / `IM_ROBOT` and the conversation id or user id of the card's space. */
  spaceType: string | null;
  spaceId: string | null;
  actionIds: string[];
  params: Record<string, string>;
}

export function parseCardClick(data: string | undefined): Parsed<CardClick> {
  const json = parseJson(data);
  if (!json.ok) return json;
  const parsed = cardCallbackSchema.safeParse(json.value);
  if (!parsed.success) return { ok: false, why: `the card callback is incomplete (${issueText(parsed.error)})` };
  const content = parseJson(parsed.data.content);
  if (!content.ok) return { ok: false, why: 'the card callback content is not JSON' };
  const inner = cardContentSchema.safeParse(content.value);
  if (!inner.success) return { ok: false, why: `the card callback content is incomplete (${issueText(inner.error)})` };
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(inner.data.cardPrivateData.params ?? {})) params[k] = String(v);
  return {
    ok: true,
    value: {
      cardId: parsed.data.outTrackId,
      staffId: parsed.data.userId,
      spaceType: parsed.data.spaceType ?? null,
      spaceId: parsed.data.spaceId ?? null,
      actionIds: inner.data.cardPrivateData.actionIds ?? [],
      params,
    },
  };
}

function parseJson(data: string | undefined): Parsed<unknown> {
  if (data === undefined || data === '') return { ok: false, why: 'the frame has no data' };
  try {
    return { ok: true, value: JSON.parse(data) as unknown };
  } catch {
    return { ok: false, why: 'the frame data is not JSON' };
  }
}

function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid';
  return `${issue.path.join('.') || 'value'}: ${issue.message}`;
}
