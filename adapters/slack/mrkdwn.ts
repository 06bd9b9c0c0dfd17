// Text conversion from the Reply's markdown subset (*bold*, `code`, line breaks, "- " bullets)
// to Slack mrkdwn, plus the length rules Slack enforces on text objects.

import type { Tone } from '../../src/reply';

/** Slack needs `&`, `<` and `>` escaped in every text it renders as mrkdwn. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The Reply subset to mrkdwn. `*bold*` and `` `code` `` mean the same in Slack; "- " bullets
 * become "•" (nested ones "◦"); `**bold**` (a common slip) becomes `*bold*`.
 */
export function toMrkdwn(text: string): string {
  return escapeSlack(text.replace(/\r\n?/g, '\n'))
    .split('\n')
    .map((line) =>
      line
        .replace(/^( {2,}|\t+)- /, (_m, indent: string) => `${indent}◦ `)
        .replace(/^- /, '• ')
        .replace(/\*\*([^*\n]+)\*\*/g, '*$1*'),
    )
    .join('\n');
}

/** mrkdwn back to readable plain text (for the notification fallback `text`). */
export function plainFallback(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/^- /gm, '• ');
}

export const TONE_EMOJI: Record<Tone, string> = {
  info: ':information_source:',
  success: ':white_check_mark:',
  warning: ':warning:',
  error: ':x:',
};

/** Cuts to at most `max` characters, ending with "…", never inside an `&amp;`-style entity. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const amp = text.lastIndexOf('&', cut);
  if (amp >= 0 && amp > cut - 6) {
    const semi = text.indexOf(';', amp);
    if (semi < 0 || semi >= cut) cut = amp;
  }
  return `${text.slice(0, cut)}…`;
}

/**
 * Splits mrkdwn into chunks of at most `max` characters: at a line break when one is close,
 * else at a space, else hard (never inside an entity).
 */
export function splitText(text: string, max: number): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) {
      cut = max;
      const amp = rest.lastIndexOf('&', cut - 1);
      if (amp >= 0 && amp > cut - 6) {
        const semi = rest.indexOf(';', amp);
        if (semi < 0 || semi >= cut) cut = amp;
      }
    }
    const head = rest.slice(0, cut);
    if (head.trim() !== '') chunks.push(head);
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  if (rest.trim() !== '') chunks.push(rest);
  return chunks;
}
