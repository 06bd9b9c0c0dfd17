// How the simulated FE/BEs reach a repository's location: the real OSS API through ali-oss,
// so wrong credentials, missing buckets and deleted objects fail as they would for StarRocks.

import OSS from 'ali-oss';
import { createHash } from 'node:crypto';

export function md5Hex(body: Buffer | string): string {
  return createHash('md5').update(body).digest('hex');
}

export interface ParsedLocation {
  bucket: string;
  /** Key of `<location>/__starrocks_repository_<repo>`, joined verbatim as older FEs do (§1.1). */
  rootKey(repo: string): string;
}

export function parseLocation(location: string): ParsedLocation | null {
  const m = /^oss:\/\/([^/]+)(\/.*)?$/.exec(location);
  if (!m || !m[1]) return null;
  const bucket = m[1];
  const rest = m[2] ?? '';
  return {
    bucket,
    rootKey: (repo) => (rest === '' ? '' : `${rest.slice(1)}/`) + `__starrocks_repository_${repo}`,
  };
}

export interface StoreCredentials {
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
}

interface ListedObject {
  name: string;
  size: number;
}

function errorText(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown };
    const code = typeof e.code === 'string' ? e.code : '';
    const message = typeof e.message === 'string' ? e.message : String(err);
    return code ? `${code}: ${message}` : message;
  }
  return String(err);
}

export function isNotFound(err: unknown): boolean {
  return !!err && typeof err === 'object' && (err as { code?: unknown }).code === 'NoSuchKey';
}

/** One bucket as a repository sees it. Every method throws an Error whose message is OSS' own. */
export class RepoStore {
  private constructor(private readonly client: OSS) {}

  static async open(bucket: string, creds: StoreCredentials, regionHint?: string): Promise<RepoStore> {
    const endpoint = /^https?:\/\//.test(creds.endpoint) ? creds.endpoint : `http://${creds.endpoint}`;
    const base = { endpoint, accessKeyId: creds.accessKeyId, accessKeySecret: creds.accessKeySecret, bucket, timeout: 10_000 };
    let region = regionHint;
    try {
      const info: unknown = await new OSS({ ...base, region: regionHint ?? 'oss-cn-hangzhou' }).getBucketInfo(bucket);
      const location = (info as { bucket?: { Location?: unknown } }).bucket?.Location;
      if (typeof location === 'string') region = location;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code !== 'AccessDenied' || !regionHint) throw new Error(errorText(err));
    }
    return new RepoStore(new OSS({ ...base, region: region ?? 'oss-cn-hangzhou' }));
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.head(key);
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw new Error(errorText(err));
    }
  }

  async put(key: string, body: Buffer | string): Promise<void> {
    try {
      await this.client.put(key, Buffer.isBuffer(body) ? body : Buffer.from(body));
    } catch (err) {
      throw new Error(errorText(err));
    }
  }

  async get(key: string): Promise<Buffer> {
    try {
      const r = await this.client.get(key);
      const content: unknown = r.content;
      return Buffer.isBuffer(content) ? content : Buffer.from(String(content));
    } catch (err) {
      const e = new Error(errorText(err));
      if (isNotFound(err)) Object.assign(e, { code: 'NoSuchKey' });
      throw e;
    }
  }

  /** Every object (and common prefix, with a delimiter) under a prefix, all pages. */
  async list(prefix: string, delimiter?: string): Promise<{ objects: ListedObject[]; prefixes: string[] }> {
    const objects: ListedObject[] = [];
    const prefixes: string[] = [];
    let token: string | undefined;
    try {
      do {
        const query: Record<string, string | number> = { prefix, 'max-keys': 1000 };
        if (delimiter) query.delimiter = delimiter;
        if (token) query['continuation-token'] = token;
        const page = await this.client.listV2(query as OSS.ListV2ObjectsQuery, { timeout: 10_000 });
        for (const o of page.objects ?? []) objects.push({ name: o.name, size: Number(o.size) });
        for (const p of page.prefixes ?? []) prefixes.push(p);
        token = page.isTruncated ? (page.nextContinuationToken ?? undefined) : undefined;
      } while (token);
    } catch (err) {
      throw new Error(errorText(err));
    }
    return { objects, prefixes };
  }
}
