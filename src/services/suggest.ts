// "Did you mean ...?" for mistyped subcommands and instance ids.

/** Edits from a to b: insert, delete, replace, or swap two neighbours (`lsit` → `list` is 1). */
export function editDistance(a: string, b: string): number {
  let before = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1).fill(i);
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (before[j - 2] as number) + 1);
      row[j] = best;
    }
    before = prev;
    prev = row;
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
