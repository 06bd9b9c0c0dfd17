// The append-only audit log beside the store file (`audit.jsonl`): one JSON event per line. A
// line torn by a crash is closed when the store opens, so the next event starts a line of its own.

import { appendFile, open, readFile } from 'node:fs/promises';

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

export async function appendAuditLines(path: string, events: readonly unknown[]): Promise<void> {
  if (events.length === 0) return;
  await appendFile(path, events.map((e) => `${JSON.stringify(e)}\n`).join(''), { encoding: 'utf8', mode: 0o600 });
}

/** Ends a last line a crash left without its newline. */
export async function closeTornLine(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return;
    throw e;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    if (last[0] === 0x0a) return;
  } finally {
    await handle.close();
  }
  await appendFile(path, '\n', 'utf8');
}

/** The ids of the events the log holds (a line that is not an event is skipped). */
export async function loggedAuditIds(path: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return new Set();
    throw e;
  }
  const ids = new Set<string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed = JSON.parse(line) as { id?: unknown };
      if (typeof parsed.id === 'string') ids.add(parsed.id);
    } catch {
      // a torn line
    }
  }
  return ids;
}
