// The simulator's buckets and objects, kept in memory, with keys in UTF-8 byte order.

import { createHash } from 'node:crypto';
import type { BucketJournal } from './persist';

export interface OssBucketSpec {
  name: string;
  /** Region id without `oss-`, e.g. `cn-hangzhou`. */
  region: string;
  versioning?: 'Enabled' | 'Suspended';
  worm?: { state: 'InProgress' | 'Locked'; days: number };
  lifecycle?: { id: string; prefix: string; status: 'Enabled' | 'Disabled'; expirationDays?: number }[];
}

export interface StoredObject {
  body: Buffer;
  /** Upper-case hex MD5, as OSS reports it (quoted on the wire). */
  etag: string;
  lastModified: Date;
  contentType: string;
}

const isSurrogate = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdfff;

/**
 * UTF-8 byte order, which is code point order. It differs from JavaScript's UTF-16 order only
 * where a surrogate (a code point above U+FFFF) meets a unit from U+E000 to U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (isSurrogate(x) && !isSurrogate(y) && y >= 0xe000) return 1;
    if (isSurrogate(y) && !isSurrogate(x) && x >= 0xe000) return -1;
    return x - y;
  }
  return a.length - b.length;
}

export class SimBucket {
  readonly createdAt: Date;
  private readonly objects = new Map<string, StoredObject>();
  private sorted: string[] | null = null;
  /** Keys were deleted since `sorted` was built: filter them out (the order stays). */
  private deletedSinceSort = false;

  constructor(
    readonly spec: OssBucketSpec,
    private readonly now: () => Date,
    /** Where every change is also written (the sandbox's files); none = memory only. */
    private readonly journal: BucketJournal | null = null,
  ) {
    this.createdAt = now();
  }

  /** Puts objects back as they were (loaded from the journal), without writing them again. */
  restore(entries: Iterable<{ key: string; object: StoredObject }>): void {
    for (const { key, object } of entries) this.objects.set(key, object);
    this.sorted = null;
  }

  get name(): string {
    return this.spec.name;
  }

  put(key: string, body: Buffer, contentType = 'application/octet-stream'): StoredObject {
    const object: StoredObject = {
      body,
      etag: createHash('md5').update(body).digest('hex').toUpperCase(),
      lastModified: this.now(),
      contentType,
    };
    this.journal?.put(key, object);
    if (!this.objects.has(key)) this.sorted = null;
    this.objects.set(key, object);
    return object;
  }

  get(key: string): StoredObject | undefined {
    return this.objects.get(key);
  }

  /**
   * A retention policy (WORM, InProgress or Locked) protects an object until its period, counted
   * from when it was written, has passed: it can then be neither changed nor deleted.
   */
  isImmutable(key: string): boolean {
    const worm = this.spec.worm;
    const object = this.objects.get(key);
    if (!worm || !object) return false;
    return object.lastModified.getTime() + worm.days * 86_400_000 > this.now().getTime();
  }

  delete(key: string): boolean {
    const existed = this.objects.delete(key);
    if (existed) {
      this.journal?.delete(key);
      this.deletedSinceSort = true;
    }
    return existed;
  }

  /**
   * Every key in UTF-8 byte order (cached until the key set changes). A deletion keeps the order,
   * so it only filters the cache; a new key sorts again.
   */
  keys(): readonly string[] {
    if (this.sorted && this.deletedSinceSort) this.sorted = this.sorted.filter((key) => this.objects.has(key));
    if (!this.sorted) this.sorted = [...this.objects.keys()].sort(compareUtf8);
    this.deletedSinceSort = false;
    return this.sorted;
  }

  totalBytes(): number {
    let total = 0;
    for (const object of this.objects.values()) total += object.body.length;
    return total;
  }

  get objectCount(): number {
    return this.objects.size;
  }
}

export interface ListRequest {
  prefix: string;
  delimiter: string;
  /** Exclusive: only names after it are returned (marker, start-after, continuation). */
  after: string;
  maxKeys: number;
}

export interface ListPage {
  keys: string[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last name returned (a key or a common prefix); the next page starts after it. */
  last: string | null;
}

/**
 * One page of a listing (reference/oss-api.md §4.5): prefix filter, delimiter roll-up into
 * common prefixes (each counted once against max-keys), exclusive start, byte order. When the
 * start is itself a common prefix, the listing resumes after everything under it.
 */
export function listPage(sortedKeys: readonly string[], req: ListRequest): ListPage {
  const groupOf = (key: string): string | null => {
    if (req.delimiter === '' || !key.startsWith(req.prefix)) return null;
    const at = key.indexOf(req.delimiter, req.prefix.length);
    return at < 0 ? null : key.slice(0, at + req.delimiter.length);
  };
  const skipUnder = req.after !== '' && groupOf(req.after) === req.after ? req.after : null;
  const page: ListPage = { keys: [], commonPrefixes: [], isTruncated: false, last: null };
  let count = 0;
  const from = compareUtf8(req.after, req.prefix) > 0 ? req.after : req.prefix;
  for (let i = firstAfter(sortedKeys, from, from === req.after); i < sortedKeys.length; i += 1) {
    const key = sortedKeys[i] ?? '';
    if (!key.startsWith(req.prefix)) break;
    if (skipUnder !== null && key.startsWith(skipUnder)) continue;
    const group = groupOf(key);
    if (group !== null && group === page.last) continue;
    if (count === req.maxKeys) {
      page.isTruncated = true;
      break;
    }
    if (group !== null) page.commonPrefixes.push(group);
    else page.keys.push(key);
    page.last = group ?? key;
    count += 1;
  }
  return page;
}

/** Index of the first key greater than `bound` (or equal to it when not exclusive). */
function firstAfter(sortedKeys: readonly string[], bound: string, exclusive: boolean): number {
  let low = 0;
  let high = sortedKeys.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const order = compareUtf8(sortedKeys[mid] ?? '', bound);
    if (order < 0 || (exclusive && order === 0)) low = mid + 1;
    else high = mid;
  }
  return low;
}
