// A small SQL tokenizer and cursor for the statements the simulator understands.

import { SqlError } from './types';

export type Token =
  | { kind: 'word'; text: string; quoted: boolean }
  | { kind: 'string'; text: string }
  | { kind: 'number'; text: string }
  | { kind: 'punct'; text: string }
  | { kind: 'var'; text: string };

function readQuoted(sql: string, start: number, quote: string): { text: string; end: number } {
  let out = '';
  let i = start + 1;
  while (i < sql.length) {
    const ch = sql[i] as string;
    if (ch === '\\' && quote !== '`' && i + 1 < sql.length) {
      const next = sql[i + 1] as string;
      const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', Z: '\x1a' };
      out += map[next] ?? next;
      i += 2;
      continue;
    }
    if (ch === quote) {
      if (sql[i + 1] === quote) {
        out += quote;
        i += 2;
        continue;
      }
      return { text: out, end: i + 1 };
    }
    out += ch;
    i++;
  }
  throw new SqlError(`Getting syntax error at line 1, column ${start}. Detail message: Unterminated quoted text.`, 'syntax');
}

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (ch === "'" || ch === '"') {
      const q = readQuoted(sql, i, ch);
      tokens.push({ kind: 'string', text: q.text });
      i = q.end;
    } else if (ch === '`') {
      const q = readQuoted(sql, i, '`');
      tokens.push({ kind: 'word', text: q.text, quoted: true });
      i = q.end;
    } else if (ch === '@') {
      const m = /^@@?[A-Za-z0-9_.]+/.exec(sql.slice(i));
      const text = m ? m[0] : '@';
      tokens.push({ kind: 'var', text });
      i += text.length;
    } else if (/[0-9]/.test(ch)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(sql.slice(i));
      const text = m ? m[0] : ch;
      tokens.push({ kind: 'number', text });
      i += text.length;
    } else if (/[A-Za-z_$]/.test(ch)) {
      const m = /^[A-Za-z0-9_$]+/.exec(sql.slice(i));
      const text = m ? m[0] : ch;
      tokens.push({ kind: 'word', text, quoted: false });
      i += text.length;
    } else if (ch === '!' && sql[i + 1] === '=') {
      tokens.push({ kind: 'punct', text: '!=' });
      i += 2;
    } else if (ch === '<' && sql[i + 1] === '>') {
      tokens.push({ kind: 'punct', text: '!=' });
      i += 2;
    } else {
      tokens.push({ kind: 'punct', text: ch });
      i++;
    }
  }
  while (tokens.length > 0) {
    const last = tokens[tokens.length - 1];
    if (last && last.kind === 'punct' && last.text === ';') tokens.pop();
    else break;
  }
  return tokens;
}

export class Cursor {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  get done(): boolean {
    return this.pos >= this.tokens.length;
  }

  peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }

  next(): Token | undefined {
    return this.tokens[this.pos++];
  }

  /** True (and consumes) when the next tokens are these unquoted keywords. */
  acceptKw(...words: string[]): boolean {
    for (let k = 0; k < words.length; k++) {
      const t = this.tokens[this.pos + k];
      if (!t || t.kind !== 'word' || t.quoted || t.text.toUpperCase() !== words[k]) return false;
    }
    this.pos += words.length;
    return true;
  }

  isKw(word: string, offset = 0): boolean {
    const t = this.tokens[this.pos + offset];
    return !!t && t.kind === 'word' && !t.quoted && t.text.toUpperCase() === word;
  }

  expectKw(...words: string[]): void {
    if (!this.acceptKw(...words)) this.fail(`expecting ${words.join(' ')}`);
  }

  accept(punct: string): boolean {
    const t = this.tokens[this.pos];
    if (t && t.kind === 'punct' && t.text === punct) {
      this.pos++;
      return true;
    }
    return false;
  }

  expect(punct: string): void {
    if (!this.accept(punct)) this.fail(`expecting '${punct}'`);
  }

  ident(): string {
    const t = this.tokens[this.pos];
    if (!t || t.kind !== 'word') this.fail('expecting an identifier');
    this.pos++;
    return t.text;
  }

  string(): string {
    const t = this.tokens[this.pos];
    if (!t || t.kind !== 'string') this.fail('expecting a string literal');
    this.pos++;
    return t.text;
  }

  /** A value: string, number or bare word. */
  value(): string {
    const t = this.tokens[this.pos];
    if (!t || t.kind === 'punct' || t.kind === 'var') this.fail('expecting a value');
    this.pos++;
    return t.text;
  }

  /** `a.b` → [a, b]; `b` → [null, b]. */
  qualified(): [string | null, string] {
    const first = this.ident();
    if (this.accept('.')) return [first, this.ident()];
    return [null, first];
  }

  end(): void {
    if (!this.done) this.fail('unexpected input');
  }

  fail(detail: string): never {
    const t = this.tokens[this.pos];
    const near = t ? `'${t.text}'` : 'end of input';
    throw new SqlError(`Getting syntax error at ${near}. Detail message: ${detail}.`, 'syntax');
  }
}
