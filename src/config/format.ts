// Small helpers that keep configuration problems short, printable and free of secrets.

/** Longest piece of user input quoted in a problem. */
export const MAX_QUOTED = 40;

/** A string cut to `max` characters (code points), with an ellipsis when cut. */
export function truncate(text: string, max = MAX_QUOTED): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max).join('')}…`;
}

/** Control, format (bidi) and other invisible characters are shown escaped. */
function escapeInvisible(text: string): string {
  return text.replace(/[\p{C}\u2028\u2029]/gu, (c) => {
    const code = c.codePointAt(0) ?? 0;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Input quoted for a message: `"Asia/Shangai"`, truncated and with invisible characters escaped. */
export function quote(value: unknown): string {
  if (typeof value === 'string') {
    return escapeInvisible(JSON.stringify(truncate(value)));
  }
  return describe(value);
}

/** What a value is, for "expected ..., got ..." messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'nothing (null)';
  if (typeof value === 'string') return `text ${quote(value)}`;
  if (typeof value === 'number') return Number.isFinite(value) ? `the number ${value}` : `the number ${String(value)}`;
  if (typeof value === 'boolean') return `${value}`;
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

const PLAIN_KEY = /^[A-Za-z0-9_*-]{1,40}$/;

/** `instances[1].timezone`, `regions.cn-hangzhou.bucket`; the whole file is `(top level)`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = String(segment);
      out += PLAIN_KEY.test(key) ? (out === '' ? key : `.${key}`) : `[${quote(key)}]`;
    }
  }
  return out === '' ? '(top level)' : out;
}

export function problemAt(path: readonly PropertyKey[], message: string): string {
  return `${formatPath(path)}: ${message}`;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return row[b.length] ?? 0;
}

/** The known word closest to a typo (`timezon` → `timezone`), or null when none is close. */
export function closest(word: string, known: readonly string[]): string | null {
  if (word.length > 64) return null;
  const lower = word.toLowerCase();
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  return best !== null && bestDistance <= limit ? best : null;
}

/** `a, b or c`. */
export function oneOf(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1] ?? ''}`;
}
