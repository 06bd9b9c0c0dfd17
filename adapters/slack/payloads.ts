// What Slack sends this bot, parsed before anything reads it: a slash command, a button click,
// a modal submission or close. Every field the bot or Bolt reads is checked here (identity
// strictly, display names leniently); what is not listed is dropped, so Bolt and the handlers
// only ever see checked data. A request that fails gets a refusal naming the field, never the
// value (a 100 KB user id is not repeated back or logged).

import { z } from 'zod';
import { inputBlockIds } from './read-form';

/** Longest `/backup` text accepted; Slack's own message limits are far above any command. */
export const MAX_COMMAND_TEXT = 4000;

const userId = z.string().regex(/^[UW][A-Z0-9]{2,31}$/, 'is not a Slack user id');
const channelId = z.string().regex(/^[CDG][A-Z0-9]{2,31}$/, 'is not a Slack channel id');
const shortId = z.string().max(64);
const triggerId = z.string().regex(/^[A-Za-z0-9._-]{1,256}$/, 'is not a Slack trigger id');
const httpUrl = z
  .string()
  .max(2000, 'is too long')
  .refine((s) => /^https?:\/\/[^\s]+$/.test(s) && URL.canParse(s), 'is not an http(s) URL');
/** A name shown to people: dropped when it is not a short string (the id is what counts). */
const displayName = z.string().max(80).optional().catch(undefined);
const optional = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

const user = z.object({ id: userId, username: displayName, name: displayName, team_id: optional(shortId) });
const team = z.object({ id: shortId, domain: optional(z.string().max(100)) }).nullish().catch(undefined);
const enterprise = z.object({ id: shortId }).nullish().catch(undefined);

export const slashCommandSchema = z.object({
  command: z.string().regex(/^\/[\w-]{1,64}$/, 'is not a slash command'),
  text: z.string().max(MAX_COMMAND_TEXT, `is longer than ${MAX_COMMAND_TEXT} characters`),
  user_id: userId,
  user_name: displayName,
  channel_id: channelId,
  channel_name: optional(z.string().max(100)),
  team_id: optional(shortId),
  team_domain: optional(z.string().max(100)),
  enterprise_id: optional(shortId),
  api_app_id: optional(shortId),
  is_enterprise_install: optional(z.enum(['true', 'false'])),
  response_url: httpUrl,
  trigger_id: triggerId,
});
export type SlashCommandPayload = z.infer<typeof slashCommandSchema>;

const viewSchema = z.object({
  id: z.string().min(1).max(64),
  type: optional(z.string().max(20)),
  callback_id: z.string().max(255),
  private_metadata: z.string().max(3000),
  /** Read by read-form.ts with its own schema; an unreadable state reads as no values. */
  state: z.object({ values: z.unknown() }).optional().catch(undefined),
  blocks: z.array(z.unknown()).max(100).optional().catch(undefined),
  hash: optional(z.string().max(100)),
  app_installed_team_id: optional(shortId),
});

/** The bot renders buttons only: a click on anything else is not one of its elements. */
const buttonSchema = z.object({
  type: z.literal('button'),
  action_id: z.string().min(1).max(255),
  block_id: optional(z.string().max(255)),
  value: z.string().max(2000).optional(),
  action_ts: z.string().max(40).optional(),
});

export const blockActionsSchema = z.object({
  type: z.literal('block_actions'),
  user,
  team,
  enterprise,
  is_enterprise_install: optional(z.boolean()),
  api_app_id: optional(shortId),
  trigger_id: triggerId,
  response_url: httpUrl.optional(),
  /** Slack leaves it out (or sends null) for clicks in a modal. */
  channel: z
    .object({ id: channelId, name: optional(z.string().max(100)) })
    .nullish()
    .transform((c) => c ?? undefined),
  container: z
    .object({ type: optional(z.string().max(40)), channel_id: channelId.optional(), message_ts: optional(z.string().max(40)), view_id: optional(z.string().max(64)) })
    .nullish()
    .transform((c) => c ?? undefined),
  view: viewSchema.optional(),
  actions: z.array(buttonSchema).min(1, 'is empty').max(25),
});
export type BlockActionsPayload = z.infer<typeof blockActionsSchema>;

export const viewSubmissionSchema = z.object({
  type: z.literal('view_submission'),
  user,
  team,
  enterprise,
  is_enterprise_install: optional(z.boolean()),
  api_app_id: optional(shortId),
  trigger_id: triggerId,
  view: viewSchema,
});
export type ViewSubmissionPayload = z.infer<typeof viewSubmissionSchema>;

export const viewClosedSchema = z.object({
  type: z.literal('view_closed'),
  user,
  team,
  enterprise,
  is_enterprise_install: optional(z.boolean()),
  api_app_id: optional(shortId),
  view: viewSchema,
});

/** A request body after parsing: what kind it is and, when it can be used, its checked data. */
export type SlackRequest =
  | { kind: 'command'; body: SlashCommandPayload }
  | { kind: 'action'; body: BlockActionsPayload }
  | { kind: 'submission'; body: ViewSubmissionPayload }
  | { kind: 'closed'; body: z.infer<typeof viewClosedSchema> }
  | { kind: 'refused'; of: 'command' | 'action' | 'submission' | 'closed'; problem: string; raw: Record<string, unknown> }
  | { kind: 'other'; type: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Sorts a parsed body (a JSON object, or the form fields of a slash command: `formFields`) and
 * checks it. Slack sends form fields only for slash commands; everything else is a `payload`.
 */
export function readSlackRequest(body: Record<string, unknown>, formFields = false): SlackRequest {
  if (formFields || 'command' in body) return check('command', slashCommandSchema, body);
  switch (body.type) {
    case 'block_actions':
      return check('action', blockActionsSchema, body);
    case 'view_submission':
      return check('submission', viewSubmissionSchema, body);
    case 'view_closed':
      return check('closed', viewClosedSchema, body);
    default:
      return { kind: 'other', type: clip(typeof body.type === 'string' ? body.type : typeof body.type, 40) };
  }
}

function check<K extends 'command' | 'action' | 'submission' | 'closed', S extends z.ZodType>(
  kind: K,
  schema: S,
  body: Record<string, unknown>,
): SlackRequest {
  const parsed = schema.safeParse(body);
  if (parsed.success) return { kind, body: parsed.data } as SlackRequest;
  return { kind: 'refused', of: kind, problem: describeIssue(parsed.error.issues[0]), raw: body };
}

/** `user.id is not a Slack user id`, `text is missing`: the field and what is wrong, no value. */
function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) return 'the request is not one Slack sends';
  const field = issue.path.map(String).join('.') || 'the request';
  if (issue.code === 'invalid_type') {
    if (/received undefined$/.test(issue.message)) return `${field} is missing`;
    return `${field} is not ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
  }
  if (issue.code === 'too_big') return `${field} is too long or has too many entries`;
  if (issue.code === 'too_small') return `${field} is empty`;
  if (issue.code === 'invalid_value') return `${field} has an unexpected value`;
  if (issue.code === 'custom' || issue.code === 'invalid_format') return `${field} ${issue.message}`;
  return `${field} is not valid`;
}

/** A value for a log line: strings cut to `max` characters (with the full length said). */
export function clip(value: unknown, max = 64): string {
  const s = typeof value === 'string' ? value : value === undefined ? 'undefined' : safeJson(value);
  return s.length <= max ? s : `${s.slice(0, max)}… (${s.length} chars)`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The user id a refused request claims, for the log only (cut short; it is not trusted). */
export function claimedUser(raw: Record<string, unknown>): string {
  const u = raw.user;
  return clip(isRecord(u) ? u.id : (raw.user_id ?? u), 40);
}

export type RefusedRequest = Extract<SlackRequest, { kind: 'refused' }>;

/** The refusal a person reads: the field and what is wrong with it. */
export function refusalText(request: RefusedRequest): string {
  return `This request could not be read: ${request.problem}. Nothing was done.`;
}

/**
 * The ack that shows the refusal where Slack shows an ack: a slash command's reply, a modal's
 * field error (on its first input). Undefined where Slack shows nothing (a click, a close).
 */
export function refusalAck(request: RefusedRequest): Record<string, unknown> | undefined {
  if (request.of === 'command') return { response_type: 'ephemeral', text: refusalText(request) };
  if (request.of !== 'submission') return undefined;
  const view = request.raw.view;
  const first = isRecord(view) ? inputBlockIds(view.blocks)[0] : undefined;
  return first === undefined ? undefined : { response_action: 'errors', errors: { [first]: clip(refusalText(request), 150) } };
}

/** Where a refused click's refusal can be posted: its response_url, when it is one. */
export function refusalResponseUrl(request: RefusedRequest): string | undefined {
  if (request.of !== 'action') return undefined;
  const url = httpUrl.safeParse(request.raw.response_url);
  return url.success ? url.data : undefined;
}
