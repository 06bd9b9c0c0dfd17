// A thin typed wrapper around ali-oss: builds the client the way the reference recommends,
// exposes only the calls the adapter uses (answers typed `unknown`, parsed by the callers), and
// captures OSS's `x-oss-qos-delay-time` throttling hint, which ali-oss drops from its errors.

import { AsyncLocalStorage } from 'node:async_hooks';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import OSS from 'ali-oss';
import type { ObjectStoreConnection } from '../../src/ports';

/** The ali-oss calls the adapter makes. @types/ali-oss gets several of these wrong (§1). */
export interface OssWire {
  listV2(query: Record<string, string>, options: Record<string, never>): Promise<unknown>;
  get(name: string): Promise<unknown>;
  deleteMulti(names: string[], options: { quiet: boolean }): Promise<unknown>;
  getBucketInfo(name: string): Promise<unknown>;
  getBucketLocation(name: string): Promise<unknown>;
  getBucketVersioning(name: string): Promise<unknown>;
  getBucketWorm(name: string): Promise<unknown>;
  getBucketLifecycle(name: string): Promise<unknown>;
}

const WIRE_METHODS = [
  'listV2',
  'get',
  'deleteMulti',
  'getBucketInfo',
  'getBucketLocation',
  'getBucketVersioning',
  'getBucketWorm',
  'getBucketLifecycle',
] as const satisfies readonly (keyof OssWire)[];

/** What the last response of the current call said besides its body. */
export interface ResponseHints {
  qosDelayMs: number | null;
}

const responseHints = new AsyncLocalStorage<ResponseHints>();

/** Runs one OSS call and returns, next to its outcome, the hints its response carried. */
export function runWithHints<T>(op: () => Promise<T>): { outcome: Promise<T>; hints: ResponseHints } {
  const hints: ResponseHints = { qosDelayMs: null };
  return { outcome: responseHints.run(hints, op), hints };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

interface Requester {
  request(url: unknown, params: unknown): Promise<unknown>;
}

function isRequester(value: unknown): value is Requester {
  return isRecord(value) && typeof value.request === 'function';
}

/** Wraps this client's HTTP layer (not the shared urllib module) to read response headers. */
function captureHints(client: object): void {
  const holder = client as { urllib?: unknown };
  const original = holder.urllib;
  if (!isRequester(original)) return; // no hint then; retries still back off on their own
  holder.urllib = {
    request: async (url: unknown, params: unknown): Promise<unknown> => {
      const result = await original.request(url, params);
      const hints = responseHints.getStore();
      if (hints && isRecord(result) && isRecord(result.headers)) {
        const delay = Number(result.headers['x-oss-qos-delay-time']);
        hints.qosDelayMs = Number.isFinite(delay) && delay >= 0 ? delay : null;
      }
      return result;
    },
  };
}

/**
 * Keep-alive socket pools. ali-oss's default agent is module-global (its `maxSockets` option
 * changes it for every client in the process), so the adapter brings its own.
 */
export interface SocketPools {
  http: HttpAgent;
  https: HttpsAgent;
}

export function createSocketPools(maxSockets: number): SocketPools {
  return { http: new HttpAgent({ keepAlive: true, maxSockets }), https: new HttpsAgent({ keepAlive: true, maxSockets }) };
}

export interface ClientSettings {
  /** Per-request timeout in ms (ali-oss's default is 60 s). */
  timeoutMs: number;
  pools: SocketPools;
}

/** `endpoint` with a scheme and without a bucket label or trailing slash. */
export function normalizeEndpoint(endpoint: string, bucket: string): string {
  const withScheme = /^https?:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`;
  const url = new URL(withScheme);
  // ali-oss prepends the bucket itself; an endpoint that already names it would get it twice.
  if (url.hostname.startsWith(`${bucket}.`)) url.hostname = url.hostname.slice(bucket.length + 1);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/** OSS region id (`oss-cn-hangzhou`) from a region id with or without the prefix. */
export function ossRegionId(region: string): string {
  return region.startsWith('oss-') ? region : `oss-${region}`;
}

/**
 * The client for one bucket. With an IP endpoint ali-oss leaves the bucket out of the URL and
 * sends `Host: <bucket>.<region>.aliyuncs.com` (hence the region option); with a hostname it
 * addresses `<bucket>.<endpoint>` (virtual-hosted). ali-oss's own retry stays off: ours covers
 * network errors, 5xx, throttling and timeouts alike.
 */
export function createOssWire(conn: ObjectStoreConnection, settings: ClientSettings): OssWire {
  const options: OSS.Options & { retryMax: number; agent: HttpAgent; httpsAgent: HttpsAgent } = {
    accessKeyId: conn.accessKeyId,
    accessKeySecret: conn.accessKeySecret,
    bucket: conn.bucket,
    endpoint: normalizeEndpoint(conn.endpoint, conn.bucket),
    region: ossRegionId(conn.region),
    timeout: settings.timeoutMs,
    retryMax: 0,
    agent: settings.pools.http,
    httpsAgent: settings.pools.https,
  };
  const client: object = new OSS(options);
  const methods = client as Record<string, unknown>;
  const missing = WIRE_METHODS.filter((name) => typeof methods[name] !== 'function');
  if (missing.length > 0) throw new Error(`this ali-oss version lacks ${missing.join(', ')}`);
  captureHints(client);
  return client as OssWire;
}
