// Reading a modal submission back: the private_metadata the modal was opened with, the
// values by the block_id / action_id scheme of render-modal.ts, and the core's field errors
// turned into Slack's `response_action: 'errors'` map.

import { z } from 'zod';
import type { FormErrors } from '../../src/reply';
import { FIELD_ACTION, TOGGLE_ON, weekdayValue } from './render-modal';
import { SLACK_LIMITS as L } from './limits';
import { truncate } from './mrkdwn';

/** What a modal carries between views.open and view_submission. */
export interface FormMetadata {
  formId: string;
  context: string;
  /** The channel the command was typed in; null when unknown. */
  channelId: string | null;
}

const metadataSchema = z.object({ f: z.string(), c: z.string(), ch: z.string().nullable() });

/** The private_metadata string, or null when it would pass Slack's 3000-char limit. */
export function encodeFormMetadata(meta: FormMetadata): string | null {
  const s = JSON.stringify({ f: meta.formId, c: meta.context, ch: meta.channelId });
  return s.length <= L.privateMetadata ? s : null;
}

export function decodeFormMetadata(raw: string): FormMetadata | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  const r = metadataSchema.safeParse(parsed);
  return r.success ? { formId: r.data.f, context: r.data.c, channelId: r.data.ch } : null;
}

/** One element's state as Slack sends it (only the keys this bot reads). */
const stateValueSchema = z.object({
  type: z.string(),
  value: z.string().nullish(),
  selected_time: z.string().nullish(),
  selected_options: z.array(z.object({ value: z.string() })).nullish(),
  selected_option: z.object({ value: z.string() }).nullish(),
});
export const viewStateSchema = z.record(z.string(), z.record(z.string(), stateValueSchema));
type StateValue = z.infer<typeof stateValueSchema>;

export type FormValues = Record<string, string | string[] | boolean | null>;

/** `view.state.values` → field name → value, by the kind each action_id names. */
export function readFormValues(state: unknown): FormValues {
  const parsed = viewStateSchema.safeParse(state);
  if (!parsed.success) return {};
  const out: FormValues = {};
  for (const [blockId, elements] of Object.entries(parsed.data)) {
    for (const [actionId, v] of Object.entries(elements)) {
      const read = readOne(actionId, v);
      if (read !== undefined) out[blockId] = read;
    }
  }
  return out;
}

function selectedValues(v: StateValue): string[] {
  if (v.selected_options) return v.selected_options.map((o) => o.value);
  if (v.selected_option) return [v.selected_option.value];
  if (typeof v.value === 'string') return v.value.split(/[\s,]+/).filter((s) => s !== '');
  return [];
}

function readOne(actionId: string, v: StateValue): string | string[] | boolean | null | undefined {
  switch (actionId) {
    case FIELD_ACTION.toggle: {
      if (v.selected_options || v.selected_option) return selectedValues(v).includes(TOGGLE_ON);
      if (typeof v.value === 'string') return /^(on|true|yes|1|enabled?)$/i.test(v.value.trim());
      return false;
    }
    case FIELD_ACTION.weekdays:
      return selectedValues(v).map((d) => weekdayValue(d) ?? d);
    case FIELD_ACTION.time:
      return v.selected_time ?? v.value ?? null;
    case FIELD_ACTION.choice:
      return v.selected_option?.value ?? v.value ?? null;
    case FIELD_ACTION.number:
    case FIELD_ACTION.text:
      return v.value ?? null;
    default:
      return undefined; // not an element this bot rendered
  }
}

/**
 * The core's errors (by field name) → Slack's errors (by input block_id). Errors of fields that
 * have no input block go on the first input block. Null when the view has no input block.
 */
export function toSlackErrors(errors: FormErrors, inputBlockIds: string[]): Record<string, string> | null {
  const first = inputBlockIds[0];
  if (first === undefined) return null;
  const known = new Set(inputBlockIds);
  const out: Record<string, string> = {};
  const stray: string[] = [];
  for (const [field, message] of Object.entries(errors)) {
    if (known.has(field)) out[field] = message;
    else stray.push(message);
  }
  if (stray.length > 0) out[first] = [out[first], ...stray].filter((m) => m !== undefined).join(' ');
  for (const k of Object.keys(out)) out[k] = truncate(out[k] ?? '', 2000);
  return out;
}

/** The block_ids of a view's input blocks, in order. */
export function inputBlockIds(blocks: unknown): string[] {
  const parsed = z.array(z.object({ type: z.string(), block_id: z.string().optional() }).loose()).safeParse(blocks);
  if (!parsed.success) return [];
  return parsed.data.filter((b) => b.type === 'input' && b.block_id !== undefined).map((b) => b.block_id ?? '');
}
