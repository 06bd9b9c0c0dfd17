// Splits the text after `/backup` into words, `key=value` options and `--flags`.
// Quotes ("..." or '...') group words; a backslash escapes the next character inside quotes.
// Chat clients turn quotes into typographic ones, and people paste ids from code spans, so
// typographic quotes and backticks count as quotes too. A value that a space cut off is joined
// again: `days=mon, thu` is `days=mon,thu` and `retention= 14` is `retention=14`.

import { UserError } from '../src/domain/errors';

export interface Tokens {
  /** Plain words in order (the subcommand first). */
  words: string[];
  /** `key=value` pairs; keys lower-cased. */
  options: Record<string, string>;
  /** `--flag` names, lower-cased, without dashes. */
  flags: string[];
}

export const MAX_COMMAND_LENGTH = 2000;

const OPENING: Record<string, string> = { '"': '"', "'": "'", '`': '`', '\u201c': '\u201d', '\u2018': '\u2019' };
const FLAG = /^--?[A-Za-z][\w-]*$/;
const OPTION_KEY = /^[A-Za-z][\w-]*$/;

function optionKey(word: string): string | null {
  const eq = word.indexOf('=');
  return eq > 0 && OPTION_KEY.test(word.slice(0, eq)) ? word.slice(0, eq).toLowerCase() : null;
}

/** The value of the option just before `word` was cut by a space: empty, or around a comma. */
function continues(value: string, word: string): boolean {
  return (value === '' || value.endsWith(',') || word.startsWith(',')) && !FLAG.test(word) && optionKey(word) === null;
}

function splitWords(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let inWord = false;
  let closing: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (closing !== null) {
      if (ch === '\\' && i + 1 < text.length) {
        current += text[++i];
      } else if (ch === closing) {
        closing = null;
      } else {
        current += ch;
      }
      continue;
    }
    if (/\s/.test(ch)) {
      if (inWord) out.push(current);
      current = '';
      inWord = false;
      continue;
    }
    const close = OPENING[ch];
    if (close !== undefined) {
      closing = close;
      inWord = true;
      continue;
    }
    current += ch;
    inWord = true;
  }
  if (closing !== null) throw new UserError(`a quote is not closed: add the closing ${closing}`);
  if (inWord) out.push(current);
  return out;
}

export function tokenize(raw: string): Tokens {
  if (raw.length > MAX_COMMAND_LENGTH) {
    throw new UserError(`the command is too long (${raw.length} characters; at most ${MAX_COMMAND_LENGTH})`);
  }
  // Strip control characters that chat clients or terminals may carry along.
  const text = raw.replace(/\p{Cc}/gu, (c) => (c === '\n' || c === '\t' ? c : ' '));
  const tokens: Tokens = { words: [], options: {}, flags: [] };
  /** The option given just before the current word, whose value may go on in it. */
  let open: string | null = null;
  for (const word of splitWords(text)) {
    const value = open === null ? undefined : tokens.options[open];
    if (open !== null && value !== undefined && continues(value, word)) {
      tokens.options[open] = value + word;
      continue;
    }
    open = null;
    if (FLAG.test(word)) {
      tokens.flags.push(word.replace(/^-+/, '').toLowerCase());
      continue;
    }
    const key = optionKey(word);
    if (key !== null) {
      if (key in tokens.options) throw new UserError(`${key}= is given twice`);
      tokens.options[key] = word.slice(word.indexOf('=') + 1);
      open = key;
      continue;
    }
    tokens.words.push(word);
  }
  return tokens;
}
