// Reply → DingTalk markdown. DingTalk renders a subset (headings, bold, links, lists, quotes);
// a single line break is not always kept, so lines become paragraphs and bullets stay lists.
// Pure: the same Reply always gives the same message, within DingTalk's lengths.

import type { Button, Field, Form, Reply, ReplyItem, Tone } from '../../src/reply';

export const TONE_MARK: Record<Tone, string> = { info: 'ℹ️', success: '✅', warning: '⚠️', error: '❌' };

/** DingTalk cuts markdown messages around 5,000 characters; stay below. */
export const MAX_MARKDOWN = 4500;
/** The title shows in notifications and the conversation list. */
export const MAX_TITLE = 60;

// eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f\u2028\u2029]/g;

/** The Reply's markdown subset (*bold*, `code`, "- " bullets, line breaks) as DingTalk markdown. */
export function toMarkdown(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').replace(CONTROL, '').split('\n');
  let out = '';
  let previousBullet = false;
  for (const raw of lines) {
    const bullet = /^\s*[-•] /.test(raw);
    const line = raw
      .replace(/^(\s*)• /, '$1- ')
      .replace(/\*\*([^*\n]+)\*\*/g, '*$1*')
      .replace(/(^|[^*\w])\*([^*\n]+)\*(?=[^*\w]|$)/g, '$1**$2**');
    if (out !== '') out += bullet && previousBullet ? '\n' : '\n\n';
    out += line;
    previousBullet = bullet;
  }
  return out.replace(/\n{3,}/g, '\n\n').trim();
}

/** Plain text of the subset, for titles and short status lines. */
export function plain(text: string): string {
  return text.replace(CONTROL, '').replace(/\*\*?([^*\n]+)\*\*?/g, '$1').replace(/`([^`\n]+)`/g, '$1').replace(/\s+/g, ' ').trim();
}

export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** The message title: the reply's title, else its first line, plain and short. */
export function titleOf(reply: Reply): string {
  const source = reply.title !== undefined && reply.title.trim() !== '' ? reply.title : (reply.text.split('\n')[0] ?? '');
  return truncate(`${TONE_MARK[reply.tone]} ${plain(source)}`.trim(), MAX_TITLE);
}

function fieldLines(fields: Field[]): string {
  return fields.map((f) => `- **${plain(f.label)}**: ${toMarkdown(f.value).replace(/\n+/g, ' ')}`).join('\n');
}

function itemBlock(item: ReplyItem): string {
  const head = toMarkdown(item.text);
  const fields = (item.fields ?? []).map((f) => `${plain(f.label)}: ${plain(f.value)}`).join(' · ');
  return fields === '' ? head : `${head}\n\n> ${fields}`;
}

/** A form, where a chat cannot show one: its fields with the current values. */
function formBlock(form: Form): string {
  const rows = form.fields.map((f): Field => {
    switch (f.kind) {
      case 'toggle':
        return { label: f.label, value: f.initial ? 'on' : 'off' };
      case 'weekdays':
        return { label: f.label, value: f.initial.length ? f.initial.join(', ') : 'none' };
      case 'time':
        return { label: f.label, value: f.initial };
      case 'number':
        return { label: f.label, value: `${f.initial} (${f.min} to ${f.max})` };
      case 'text':
        return { label: f.label, value: f.initial === '' ? '—' : f.initial };
      case 'choice':
        return { label: f.label, value: `${f.initial === '' ? '—' : f.initial} (one of ${f.options.map((o) => o.value).join(', ') || 'none'})` };
      case 'readonly':
        return { label: f.label, value: f.value };
    }
  });
  return `**${plain(form.title)}** (current values)\n\n${fieldLines(rows)}`;
}

/** Each part of a reply's body as DingTalk markdown, in order; cards and messages share them. */
export function bodyParts(reply: Reply, opts: { withTitle: boolean }): string[] {
  const parts: string[] = [];
  if (opts.withTitle && reply.title !== undefined && reply.title.trim() !== '') parts.push(`#### ${TONE_MARK[reply.tone]} ${plain(reply.title)}`);
  const text = toMarkdown(reply.text);
  if (text !== '') parts.push(opts.withTitle && (reply.title ?? '').trim() === '' ? `${TONE_MARK[reply.tone]} ${text}` : text);
  if (reply.fields?.length) parts.push(fieldLines(reply.fields));
  for (const item of reply.items ?? []) parts.push(itemBlock(item));
  if (reply.form !== undefined) parts.push(formBlock(reply.form));
  for (const note of reply.notes ?? []) if (note.trim() !== '') parts.push(`> ${toMarkdown(note).replace(/\n+/g, ' ')}`);
  return parts;
}

/** Joins parts, leaving out whole parts (and saying so) past `max` characters. */
export function fit(parts: string[], max: number): string {
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const next = out === '' ? part : `${out}\n\n${part}`;
    if (next.length > max - 40) {
      const rest = parts.length - i;
      const cut = out === '' ? truncate(part, max - 40) : out;
      return `${cut}\n\n> … ${rest} more part${rest === 1 ? '' : 's'} not shown here`;
    }
    out = next;
  }
  return out;
}

/** `[label](dtmd://...sendMessage?content=/backup <token>)`: clicking sends the token back as a message. */
export function buttonLink(button: Button): string {
  return `[${plain(button.label).replace(/[[\]]/g, '')}](dtmd://dingtalkclient/sendMessage?content=${encodeURIComponent(`/backup ${button.value}`)})`;
}

/** A markdown message: title and text. Buttons become links that send the click back as a message. */
export function renderMarkdown(reply: Reply): { title: string; text: string } {
  const parts = bodyParts(reply, { withTitle: true });
  const buttons = [...(reply.buttons ?? []), ...(reply.items ?? []).flatMap((i) => i.buttons ?? [])];
  if (buttons.length > 0) parts.push(buttons.map(buttonLink).join('  '));
  return { title: titleOf(reply), text: fit(parts, MAX_MARKDOWN) };
}
