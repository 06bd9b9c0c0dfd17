// One line for a progress message edited in place: marker, title and the text's lines joined.
// When it does not fit, the title stays (which work this is) and the end of the text stays
// (where the numbers that change usually are); the middle gives way. Cuts fall between words
// and never inside an id (bk-..., rs-...): a line without its id says nothing.

import type { Reply } from '../../src/reply';
import { MARKERS, painter, sanitize, type RenderOptions } from './render';

const ID = /\b(?:bk|rs)-[\w-]+/g;

/** Index ranges of the ids in a line, as code-point positions. */
function idRanges(chars: string[]): [number, number][] {
  const text = chars.join('');
  const out: [number, number][] = [];
  for (const m of text.matchAll(ID)) {
    const start = Array.from(text.slice(0, m.index)).length;
    out.push([start, start + Array.from(m[0]).length]);
  }
  return out;
}

/**
 * The start of `chars`, at most `room` long with its `…`, cut after a word. The first id is
 * always kept, whole, even past `room`; no other id is cut in two.
 */
function head(chars: string[], room: number): string {
  if (chars.length <= room) return chars.join('');
  let cut = room - 1;
  const ids = idRanges(chars);
  const first = ids[0];
  if (first && cut < first[1]) cut = first[1];
  for (const [start, end] of ids) if (start < cut && end > cut) cut = end;
  if (cut === room - 1) {
    let space = cut;
    while (space > 0 && chars[space] !== ' ') space--;
    if (space > 0) cut = space;
  }
  return cut >= chars.length ? chars.join('') : `${chars.slice(0, cut).join('').trimEnd()}…`;
}

/** The end of `chars`, at most `room` long with its `…`, starting at a word. */
function tail(chars: string[], room: number): string {
  if (chars.length <= room) return chars.join('');
  let start = chars.length - room + 1;
  while (start < chars.length && chars[start - 1] !== ' ') start++;
  return `…${chars.slice(start).join('')}`;
}

export function renderProgressLine(reply: Reply, width: number, options: RenderOptions = { color: false }): string {
  const paint = painter(options.color);
  const body = sanitize(reply.text)
    .replace(/\*([^*\n]+)\*/g, '$1')
    .split('\n')
    .map((line) => line.trim().replace(/^- /, ''))
    .filter((line) => line !== '')
    .join(' · ');
  const max = Math.max(10, width - 2);
  const title = Array.from(reply.title ? sanitize(reply.title) : '');
  const text = Array.from(body);
  let line: string;
  if (title.length === 0 || text.length === 0) {
    line = head(title.length > 0 ? title : text, max);
  } else if (title.length + 3 + text.length <= max) {
    line = `${title.join('')} — ${body}`;
  } else {
    const shownTitle = head(title, Math.max(8, Math.floor(max / 2), Math.min(title.length, max - 12)));
    const room = max - Array.from(shownTitle).length - 3;
    // Too little room for any of the text: the title alone (cut as a title, its id whole).
    line = room < 8 ? head(title, max) : `${shownTitle} — ${tail(text, room)}`;
  }
  return `${paint.tone(reply.tone, MARKERS[reply.tone])} ${line}`;
}
