// "Did you mean ...?" for mistyped subcommands and instance ids.

export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j] as number;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      prev[j] = Math.min(above + 1, (prev[j - 1] as number) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return prev[b.length] as number;
}

/** The closest candidate within a small distance, or null. */
export function closest(input: string, candidates: readonly string[]): string | null {
  const needle = input.toLowerCase().slice(0, 64);
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c.startsWith(needle) && needle.length >= 3) return c;
    const d = editDistance(needle, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const allowed = Math.max(1, Math.floor(needle.length / 3));
  return bestDistance <= allowed ? best : null;
}
