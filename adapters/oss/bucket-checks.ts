// What the bot checks about a bucket before trusting it with backups: its region, and what could
// make deletions free nothing (versioning), fail (a retention lock) or happen behind the bot's
// back (lifecycle rules). Reference/oss-api.md §2.5, §2.6.

import { z } from 'zod';
import { OutsideError } from '../../src/domain/errors';
import type { BucketSafety } from '../../src/ports';
import { ossCode } from './errors';
import type { OssWire } from './oss-client';
import { parseAnswer, type OssSession } from './session';

const Count = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(Number);

const BucketInfoAnswer = z.object({ bucket: z.object({ Location: z.string().min(1) }) });
// With an xmlns attribute on the root, xml2js returns `{_: 'oss-cn-hangzhou', $: {...}}`.
const LocationAnswer = z.object({ location: z.union([z.string().min(1), z.object({ _: z.string().min(1) })]) });
const VersioningAnswer = z.object({ versionStatus: z.enum(['Enabled', 'Suspended']).nullish() });
const WormAnswer = z.object({ state: z.string().min(1), days: Count });
const LifecycleAnswer = z.object({
  rules: z
    .array(
      z.object({
        id: z.string().nullish(),
        prefix: z.string().nullish(),
        status: z.string(),
        expiration: z.object({ days: Count.nullish() }).nullish(),
      }),
    )
    .nullish(),
});

function stripOssPrefix(location: string): string {
  return location.replace(/^oss-/, '');
}

/** The region id without `oss-`: GetBucketInfo, or GetBucketLocation when that is refused. */
export async function bucketRegionOf(session: OssSession): Promise<string> {
  const what = `reading the region of bucket ${session.bucket}`;
  try {
    const info = await session.call(what, async (wire) => parseAnswer(BucketInfoAnswer, await wire.getBucketInfo(session.bucket), what));
    return stripOssPrefix(info.bucket.Location);
  } catch (error) {
    const fallback = error instanceof OutsideError && (error.kind === 'auth' || error.kind === 'protocol' || error.kind === 'other');
    if (!fallback) throw error;
  }
  const answer = await session.call(what, async (wire) => parseAnswer(LocationAnswer, await wire.getBucketLocation(session.bucket), what));
  return stripOssPrefix(typeof answer.location === 'string' ? answer.location : answer.location._);
}

/** Runs a bucket getter whose "not configured" answer is a 404 with the given code. */
async function unlessUnset<T>(
  session: OssSession,
  what: string,
  unsetCode: string,
  op: (wire: OssWire) => Promise<unknown>,
  parse: (answer: unknown) => T,
): Promise<T | null> {
  return session.call(what, async (wire) => {
    let answer: unknown;
    try {
      answer = await op(wire);
    } catch (error) {
      if (ossCode(error) === unsetCode) return null;
      throw error;
    }
    return parse(answer);
  });
}

/** A lifecycle rule touches the prefix when either prefix contains the other ('' = whole bucket). */
export function ruleCovers(rulePrefix: string, keyPrefix: string): boolean {
  return keyPrefix.startsWith(rulePrefix) || rulePrefix.startsWith(keyPrefix);
}

export async function bucketSafetyOf(session: OssSession, keyPrefix: string): Promise<BucketSafety> {
  const b = session.bucket;
  const versioningWhat = `reading the versioning of bucket ${b}`;
  const wormWhat = `reading the retention lock (WORM) of bucket ${b}`;
  const lifecycleWhat = `reading the lifecycle rules of bucket ${b}`;
  const [versioning, worm, lifecycle] = await Promise.all([
    session.call(versioningWhat, async (wire) => parseAnswer(VersioningAnswer, await wire.getBucketVersioning(b), versioningWhat)),
    unlessUnset(session, wormWhat, 'NoSuchWORMConfiguration', (wire) => wire.getBucketWorm(b), (v) => parseAnswer(WormAnswer, v, wormWhat)),
    unlessUnset(session, lifecycleWhat, 'NoSuchLifecycle', (wire) => wire.getBucketLifecycle(b), (v) =>
      parseAnswer(LifecycleAnswer, v, lifecycleWhat),
    ),
  ]);
  const rules = lifecycle?.rules ?? [];
  return {
    versioning: versioning.versionStatus ?? 'Off',
    retentionLock: worm ? { state: worm.state, days: worm.days } : null,
    lifecycleRules: rules
      .filter((rule) => ruleCovers(rule.prefix ?? '', keyPrefix))
      .map((rule) => ({
        id: rule.id ?? '',
        prefix: rule.prefix ?? '',
        status: rule.status,
        expirationDays: rule.expiration?.days ?? null,
      })),
  };
}
