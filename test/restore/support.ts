// Restores as a chat user asks for them, and waiting for them to end.

import type { RestoreRequest } from '../../src/domain/types';
import type { Reply } from '../../src/reply';
import type { Harness } from '../support/harness';
import { waitFor } from '../support/wait';

/** The rs- id a reply names. */
export function restoreIdIn(reply: Reply): string {
  const id = /\*(rs-[^*]+)\*/.exec(reply.text)?.[1];
  if (!id) throw new Error(`no restore named in: ${reply.text}`);
  return id;
}

/** The request once it has ended (FINISHED or FAILED, or any other end). */
export async function endedRestore(h: Harness, id: string, timeoutMs = 20_000): Promise<RestoreRequest> {
  return waitFor(async () => {
    const r = await h.store.restores.get(id);
    return r && ['FINISHED', 'FAILED', 'REJECTED', 'WITHDRAWN', 'APPROVAL_EXPIRED'].includes(r.state) ? r : null;
  }, `restore ${id} to end`, timeoutMs);
}

/** Every version of the channel message whose title names `what`, latest last (after delivering). */
export async function channelMessage(h: Harness, title: RegExp): Promise<Reply[]> {
  await h.flush();
  const found = h.channel.messages.find((m) => m.versions.some((v) => title.test(v.title ?? '')));
  if (!found) throw new Error(`no channel message titled ${title}; titles: ${h.channel.messages.map((m) => m.versions.at(-1)?.title).join(' | ')}`);
  return found.versions;
}

/** The latest version of that message. */
export async function latest(h: Harness, title: RegExp): Promise<Reply> {
  return (await channelMessage(h, title)).at(-1) as Reply;
}

/** Plain text of a reply: title, text, fields, notes. */
export function shown(reply: Reply): string {
  return [reply.title ?? '', reply.text, ...(reply.fields ?? []).map((f) => `${f.label}: ${f.value}`), ...(reply.notes ?? [])].join('\n');
}
