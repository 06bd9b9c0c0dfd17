// Echoing user input back safely: short, one line, no markup that could ping or format.

export function quoteInput(value: string, max = 40): string {
  const oneLine = value.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, ' ').replace(/[`*_~<>]/g, '');
  const cut = oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
  return `"${cut}"`;
}
