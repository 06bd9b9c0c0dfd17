// Renders the platform-neutral Reply as plain terminal text: a tone marker, aligned fields, a
// numbered list of items, buttons as numbered choices, the form with its current values, and
// dimmed notes. Colours only when asked (a TTY); never any control character from the reply.

import type { Button, Field, Form, FormField, Reply, Tone } from '../../src/reply';

/** The buttons of one rendered reply, numbered from 1 in the order they were shown. */
export interface ChoiceNumbering {
  buttons: Button[];
}

export function newChoices(): ChoiceNumbering {
  return { buttons: [] };
}

export interface RenderOptions {
  /** ANSI colours and bold (only for a TTY). */
  color: boolean;
}

export const MARKERS: Record<Tone, string> = { success: '✔', error: '✖', warning: '⚠', info: 'ℹ' };
const TONE_COLORS: Record<Tone, number> = { success: 32, error: 31, warning: 33, info: 36 };
const INDENT = '  ';
const MAX_LABEL_WIDTH = 28;

export interface Paint {
  bold(text: string): string;
  dim(text: string): string;
  tone(tone: Tone, text: string): string;
  danger(text: string): string;
}

export function painter(color: boolean): Paint {
  const sgr = (code: number, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  return {
    bold: (t) => sgr(1, t),
    dim: (t) => sgr(2, t),
    tone: (tone, t) => sgr(TONE_COLORS[tone], t),
    danger: (t) => sgr(31, t),
  };
}

/** Removes control characters (escape sequences included) that a reply must never send to a terminal. */
// eslint-disable-next-line no-control-regex -- escape sequences are exactly what is removed
const ESCAPE_SEQUENCE = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

export function sanitize(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(ESCAPE_SEQUENCE, '').replace(CONTROL, '');
}

/** The chat markdown subset as terminal text: *bold* becomes bold (or plain), the rest stays. */
function inline(text: string, paint: Paint): string {
  return sanitize(text).replace(/\*([^*\n]+)\*/g, (_, inner: string) => paint.bold(inner));
}

function indentLines(text: string, first: string, rest: string): string[] {
  return text.split('\n').map((line, i) => (i === 0 ? first : rest) + line);
}

/** Fields as aligned `label: value` lines; a hint goes on its own dimmed line under the value. */
function fieldLines(fields: (Field & { hint?: string })[], indent: string, paint: Paint): string[] {
  const width = Math.min(MAX_LABEL_WIDTH, Math.max(0, ...fields.map((f) => sanitize(f.label).length)));
  return fields.flatMap((f) => {
    const label = `${sanitize(f.label)}:`.padEnd(width + 2);
    const head = label.endsWith(' ') ? label : `${label} `;
    const under = indent + ' '.repeat(Math.min(head.length, width + 2));
    const lines = indentLines(inline(f.value, paint), indent + head, under);
    if (f.hint) lines.push(...indentLines(inline(f.hint, paint), under, under).map(paint.dim));
    return lines;
  });
}

function buttonLine(buttons: Button[], choices: ChoiceNumbering, indent: string, paint: Paint): string {
  const shown = buttons.map((b) => {
    choices.buttons.push(b);
    const label = `[${choices.buttons.length}] ${sanitize(b.label)}${b.confirm ? '…' : ''}`;
    return b.style === 'danger' ? paint.danger(label) : b.style === 'primary' ? paint.bold(label) : label;
  });
  return indent + shown.join('  ');
}

function formValue(field: FormField): string {
  switch (field.kind) {
    case 'toggle':
      return field.initial ? 'on' : 'off';
    case 'weekdays':
      return field.initial.length > 0 ? field.initial.join(', ') : '(none)';
    case 'time':
      return field.initial;
    case 'number':
      return `${field.initial} (${field.min} to ${field.max})`;
    case 'text':
      return field.initial === '' ? (field.optional ? '(empty, optional)' : '(empty)') : field.initial;
    case 'choice':
      return `${field.initial === '' ? '(none chosen)' : field.initial} (one of ${field.options.map((o) => o.value).join(', ') || 'none'})`;
    case 'readonly':
      return `${field.value} (read-only)`;
  }
}

function formLines(form: Form, paint: Paint): string[] {
  const lines = [`${INDENT}${paint.bold(`Form: ${sanitize(form.title)}`)}`];
  const fields = form.fields.map((f) => ({ label: f.label, value: formValue(f), ...(f.hint ? { hint: f.hint } : {}) }));
  lines.push(...fieldLines(fields, INDENT + INDENT, paint));
  lines.push(paint.dim(`${INDENT}To change these values here, type the text form of the command (see below, or /backup help).`));
  return lines;
}

export function renderReply(reply: Reply, choices: ChoiceNumbering, options: RenderOptions = { color: false }): string {
  const paint = painter(options.color);
  const marker = paint.tone(reply.tone, MARKERS[reply.tone]);
  const lines: string[] = [];
  const text = inline(reply.text, paint);
  if (reply.title) {
    lines.push(`${marker} ${paint.bold(sanitize(reply.title))}`);
    if (text.trim() !== '') lines.push(...indentLines(text, INDENT, INDENT));
  } else {
    lines.push(...indentLines(text, `${marker} `, INDENT));
  }
  const before = choices.buttons.length;
  if (reply.fields?.length) lines.push(...fieldLines(reply.fields, INDENT, paint));
  const items = reply.items ?? [];
  const numberWidth = String(items.length).length;
  items.forEach((item, i) => {
    const number = `${String(i + 1).padStart(numberWidth)}. `;
    const rest = INDENT + ' '.repeat(number.length);
    lines.push(...indentLines(inline(item.text, paint), INDENT + number, rest));
    if (item.fields?.length) lines.push(...fieldLines(item.fields, rest, paint));
    if (item.buttons?.length) lines.push(buttonLine(item.buttons, choices, rest, paint));
  });
  if (reply.buttons?.length) lines.push(buttonLine(reply.buttons, choices, INDENT, paint));
  if (reply.form) lines.push(...formLines(reply.form, paint));
  for (const note of reply.notes ?? []) lines.push(...indentLines(inline(note, paint), `${INDENT}· `, `${INDENT}  `).map(paint.dim));
  if (choices.buttons.length > before) lines.push(paint.dim(`${INDENT}(type a number to choose)`));
  return `${lines.join('\n')}\n`;
}
