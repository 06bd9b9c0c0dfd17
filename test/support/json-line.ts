// The simulators' description is the first stdout line that starts with `{` (SPEC section 5):
// npm's own banner may come before it.

import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';

export function firstJsonLine(stdout: Readable, exited: Promise<unknown>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: stdout });
    const seen: string[] = [];
    lines.on('line', (line) => {
      if (line.startsWith('{')) {
        lines.close();
        resolve(line);
      } else seen.push(line);
    });
    void exited.then((code) => reject(new Error(`exited (${String(code)}) before a JSON line; printed: ${seen.join(' | ').slice(0, 400)}`)));
  });
}
