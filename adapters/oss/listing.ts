// Listing a prefix page by page with ListObjectsV2 (reference/oss-api.md §2.1): 1000 keys a page,
// a fresh query object each page (ali-oss deletes `continuation-token` from the one it gets), and
// `prefixes` normalised from null to [].

import { z } from 'zod';
import { OutsideError } from '../../src/domain/errors';
import { parseAnswer, type OssSession } from './session';

export const PAGE_SIZE = 1000;

const ListV2Answer = z.object({
  objects: z.array(z.object({ name: z.string(), size: z.number().nonnegative(), lastModified: z.string().nullish() })).nullish(),
  prefixes: z.array(z.string()).nullish(),
  isTruncated: z.boolean(),
  nextContinuationToken: z.string().nullish(),
});

export interface ListedPage {
  objects: { key: string; size: number; lastModified: Date | null }[];
  /** Common prefixes ("folders"), only with a delimiter. */
  prefixes: string[];
}

function parseTime(text: string | null | undefined): Date | null {
  if (!text) return null;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? null : at;
}

export async function* listPages(session: OssSession, prefix: string, delimiter?: string): AsyncGenerator<ListedPage> {
  let token: string | null = null;
  const seenTokens = new Set<string>();
  const what = `listing '${prefix}' in bucket ${session.bucket}`;
  do {
    const query: Record<string, string> = { prefix, 'max-keys': String(PAGE_SIZE) };
    if (delimiter !== undefined) query.delimiter = delimiter;
    if (token !== null) query['continuation-token'] = token;
    const page = await session.call(what, async (wire) => parseAnswer(ListV2Answer, await wire.listV2(query, {}), what));
    yield {
      objects: (page.objects ?? []).map((o) => ({ key: o.name, size: o.size, lastModified: parseTime(o.lastModified) })),
      prefixes: page.prefixes ?? [],
    };
    token = page.isTruncated ? (page.nextContinuationToken ?? null) : null;
    if (page.isTruncated && token === null) throw new OutsideError('oss', 'protocol', `OSS ${what}: truncated page without a continuation token`);
    if (token !== null && seenTokens.has(token)) throw new OutsideError('oss', 'protocol', `OSS ${what}: the listing repeats itself`);
    if (token !== null) seenTokens.add(token);
  } while (token !== null);
}

/** Sum of sizes and count of every object under the prefix. */
export async function usageUnder(session: OssSession, prefix: string): Promise<{ bytes: number; objects: number }> {
  let bytes = 0;
  let objects = 0;
  for await (const page of listPages(session, prefix)) {
    for (const object of page.objects) bytes += object.size;
    objects += page.objects.length;
  }
  return { bytes, objects };
}
