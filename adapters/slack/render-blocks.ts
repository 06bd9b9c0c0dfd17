// Reply → Block Kit message. Pure: the same Reply always gives the same JSON, always within
// Slack's limits (50 blocks, 3000 chars per section, 10 fields, button value ≤ 2000, confirm
// dialogs with all four parts), and always with a `text` fallback for notifications.

import type { types as SlackTypes } from '@slack/bolt';
import type { Button, Field, Reply } from '../../src/reply';
import { SLACK_LIMITS as L } from './limits';
import { escapeSlack, plainFallback, splitText, toMrkdwn, TONE_EMOJI, truncate } from './mrkdwn';

type KnownBlock = SlackTypes.KnownBlock;
type ActionsBlock = SlackTypes.ActionsBlock;
type ButtonElement = SlackTypes.Button;
type SectionBlock = SlackTypes.SectionBlock;
type ContextBlock = SlackTypes.ContextBlock;

/** Action ids of rendered buttons start with this; the app listens for it. */
export const ACTION_ID_PREFIX = 'backup_action_';

/** Most text sections one message gets before the rest is cut (the whole text stays in `text`). */
const MAX_TEXT_SECTIONS = 12;

export interface RenderedMessage {
  text: string;
  blocks: KnownBlock[];
}

export interface RenderDetails extends RenderedMessage {
  /** Why something was left out (a button whose value is too long, items past 50 blocks). */
  problems: string[];
}

export function renderMessage(reply: Reply): RenderedMessage {
  const { text, blocks } = renderMessageDetailed(reply);
  return { text, blocks };
}

export function renderMessageDetailed(reply: Reply): RenderDetails {
  const problems: string[] = [];
  const buttons = new ButtonRenderer(problems);
  const emoji = TONE_EMOJI[reply.tone];

  const head: KnownBlock[] = [];
  if (reply.title !== undefined && reply.title.trim() !== '') {
    head.push({ type: 'header', text: { type: 'plain_text', text: truncate(`${emoji} ${reply.title.trim()}`, L.headerText), emoji: true } });
  }
  const body = toMrkdwn(reply.text);
  const firstLine = head.length === 0 ? `${emoji} ` : '';
  const chunks = splitText(`${firstLine}${body}`, L.sectionText);
  if (chunks.length > MAX_TEXT_SECTIONS) {
    problems.push(`text of ${reply.text.length} chars cut to ${MAX_TEXT_SECTIONS} sections`);
    chunks.length = MAX_TEXT_SECTIONS;
    chunks[MAX_TEXT_SECTIONS - 1] = truncate(`${chunks[MAX_TEXT_SECTIONS - 1] ?? ''}\n…`, L.sectionText);
  }
  for (const chunk of chunks) head.push(section(chunk));
  head.push(...fieldSections(reply.fields ?? []));

  const itemGroups: KnownBlock[][] = (reply.items ?? []).map((item) => {
    const fields = (item.fields ?? []).slice(0, L.sectionFields).map(fieldText);
    const text = toMrkdwn(item.text).trim();
    const block: SectionBlock =
      text === '' && fields.length > 0 ? { type: 'section' } : section(truncate(text === '' ? '•' : text, L.sectionText));
    if (fields.length > 0) block.fields = fields.map((t) => ({ type: 'mrkdwn', text: t }));
    return [block, ...buttons.actions(item.buttons ?? [])];
  });

  const tail: KnownBlock[] = [];
  tail.push(...buttons.actions(reply.buttons ?? []));
  const notes = (reply.notes ?? []).filter((n) => n.trim() !== '');
  if (notes.length > 0) tail.push(contextOf(notes.map(toMrkdwn)));

  const blocks = fitIntoLimit(head, itemGroups, tail, problems);
  return { text: fallbackText(reply), blocks, problems };
}

/** Head first, then whole items while they fit, then the tail; a final context says what was cut. */
function fitIntoLimit(head: KnownBlock[], items: KnownBlock[][], tail: KnownBlock[], problems: string[]): KnownBlock[] {
  const all = items.reduce((n, g) => n + g.length, 0);
  if (head.length + all + tail.length <= L.blocksPerMessage) return [...head, ...items.flat(), ...tail];
  const budget = L.blocksPerMessage - head.length - tail.length - 1;
  const shown: KnownBlock[] = [];
  let count = 0;
  for (const group of items) {
    if (shown.length + group.length > budget) break;
    shown.push(...group);
    count++;
  }
  const hidden = items.length - count;
  problems.push(`${hidden} of ${items.length} items left out (50-block limit)`);
  const more = contextOf([`… and ${hidden} more not shown here`]);
  const out = [...head, ...shown, more, ...tail];
  return out.slice(0, L.blocksPerMessage);
}

function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function fieldText(f: Field): string {
  return truncate(`*${escapeSlack(f.label)}*\n${toMrkdwn(f.value)}`, L.fieldText);
}

function fieldSections(fields: Field[]): SectionBlock[] {
  const out: SectionBlock[] = [];
  for (let i = 0; i < fields.length; i += L.sectionFields) {
    out.push({ type: 'section', fields: fields.slice(i, i + L.sectionFields).map((f) => ({ type: 'mrkdwn', text: fieldText(f) })) });
  }
  return out;
}

function contextOf(texts: string[]): ContextBlock {
  const parts = texts.slice(0, L.contextElements - 1);
  const rest = texts.slice(L.contextElements - 1);
  if (rest.length > 0) parts.push(rest.join('\n'));
  return { type: 'context', elements: parts.map((t) => ({ type: 'mrkdwn', text: truncate(t, L.sectionText) })) };
}

/** Numbers the buttons of one message so every action_id is unique within it. */
class ButtonRenderer {
  private next = 0;
  constructor(private readonly problems: string[]) {}

  actions(buttons: Button[]): ActionsBlock[] {
    const elements = buttons.map((b) => this.button(b)).filter((e): e is ButtonElement => e !== null);
    const out: ActionsBlock[] = [];
    for (let i = 0; i < elements.length; i += L.actionsElements) {
      out.push({ type: 'actions', elements: elements.slice(i, i + L.actionsElements) });
    }
    return out;
  }

  private button(b: Button): ButtonElement | null {
    if (b.value.length > L.buttonValue) {
      this.problems.push(`button "${b.label}" left out: its value has ${b.value.length} chars (max ${L.buttonValue})`);
      return null;
    }
    const el: ButtonElement = {
      type: 'button',
      action_id: `${ACTION_ID_PREFIX}${this.next++}`,
      text: { type: 'plain_text', text: truncate(b.label.trim() || 'OK', L.buttonText), emoji: true },
      value: b.value,
    };
    if (b.style !== undefined) el.style = b.style;
    if (b.confirm !== undefined) {
      el.confirm = {
        title: { type: 'plain_text', text: truncate(b.confirm.title.trim() || 'Are you sure?', L.confirmTitle) },
        text: { type: 'mrkdwn', text: truncate(toMrkdwn(b.confirm.text).trim() || 'Are you sure?', L.confirmText) },
        confirm: { type: 'plain_text', text: truncate(b.confirm.confirm.trim() || 'Confirm', L.confirmButton) },
        deny: { type: 'plain_text', text: truncate(b.confirm.deny.trim() || 'Cancel', L.confirmButton) },
        style: b.style === 'danger' ? 'danger' : 'primary',
      };
    }
    return el;
  }
}

/** The notification / screen-reader text: title and text, plain. */
export function fallbackText(reply: Reply): string {
  const title = reply.title !== undefined && reply.title.trim() !== '' ? `${reply.title.trim()}\n` : '';
  const text = `${TONE_EMOJI[reply.tone]} ${title}${plainFallback(reply.text)}`;
  return truncate(escapeSlack(text), L.fallbackText);
}
