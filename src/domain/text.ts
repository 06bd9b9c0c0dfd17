// Echoing user input back in a message: short, one line, no markup or control characters.

const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;
/** Chat markup characters, shown as look-alikes that no chat formats (dropping them would hide them). */
const MARKUP: Record<string, string> = { '`': '\u02cb', '*': '\u2217', '~': '\u02dc', '<': '\u2039', '>': '\u203a' };

/** The input in double quotes, made safe to show in chat: at most `max` characters, one line. */
export function quoteInput(value: string, max = 40): string {
  const clean = value.replace(UNSAFE, ' ').replace(/[`*~<>]/g, (c) => MARKUP[c] ?? '');
  const chars = Array.from(clean);
  const cut = chars.length > max ? `${chars.slice(0, max).join('')}…` : clean;
  return `"${cut.replace(/"/g, "'")}"`;
}

/** `a`, `a and b`, `a, b and c`. */
export function joinAnd(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
