// An OSS-compatible HTTP server for tests, benchmarks and the sandbox. It follows the wire
// contract of reference/oss-api.md §4: V1 signatures checked before anything else, buckets from
// the Host header (virtual-hosted) or the first path segment (path-style), OSS error XML, and
// faults on demand. Listens on 127.0.0.1 only.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { bucketInfo, bucketLifecycle, bucketLocation, bucketStat, bucketVersioning, bucketWorm, listObjects } from './bucket-api';
import { SimBucket, type OssBucketSpec } from './buckets';
import { errorResponse, type ErrorContext, type SimResponse } from './errors';
import { OssFaults } from './faults';
import { BucketFiles } from './persist';
import { deleteMultipleObjects, deleteObject, getObject, putObject } from './object-api';
import type { SimRequest } from './request';
import { checkV1, SIGNED_SUBRESOURCES } from './signature';

export type { OssBucketSpec } from './buckets';
export { OssFaults, type FailSpec, type InterceptedRequest } from './faults';

export interface LoggedRequest {
  method: string;
  bucket: string;
  key: string;
  query: Record<string, string>;
}

export interface OssSimulator {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  port: number;
  faults: OssFaults;
  /** Every request received, in order (including refused and faulted ones). */
  requests: LoggedRequest[];
  putObject(bucket: string, key: string, body: Buffer | string): void;
  listKeys(bucket: string, prefix?: string): string[];
  getObject(bucket: string, key: string): Buffer | undefined;
  /** Removes an object behind the bot's back (no HTTP). */
  deleteObject(bucket: string, key: string): void;
  addBucket(spec: OssBucketSpec): void;
  close(): Promise<void>;
}

export interface OssServerOptions {
  port?: number;
  buckets: OssBucketSpec[];
  credentials: { accessKeyId: string; accessKeySecret: string }[];
  /** The server's clock, for RequestTimeTooSkewed and LastModified. */
  now?: () => Date;
  /** Keep the objects in files under this folder (one folder per bucket), loaded at start. */
  dataDir?: string;
}

const BUCKET_GETTERS = ['bucketInfo', 'location', 'versioning', 'worm', 'lifecycle', 'stat'] as const;

interface Target {
  bucket: string;
  key: string;
  query: [string, string][];
}

/** Splits the request target: bucket from the Host's first label, or path-style otherwise. */
function targetOf(req: IncomingMessage): Target {
  const url = req.url ?? '/';
  const mark = url.indexOf('?');
  const rawPath = mark < 0 ? url : url.slice(0, mark);
  const rawQuery = mark < 0 ? '' : url.slice(mark + 1);
  const query = rawQuery
    .split('&')
    .filter((part) => part !== '')
    .map((part): [string, string] => {
      const eq = part.indexOf('=');
      return eq < 0 ? [decodeURIComponent(part), ''] : [decodeURIComponent(part.slice(0, eq)), decodeURIComponent(part.slice(eq + 1))];
    });
  const path = decodeURIComponent(rawPath).replace(/^\//, '');
  const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  if (host.endsWith('.aliyuncs.com')) {
    const labels = host.split('.');
    const bucket = labels.length > 3 ? (labels[0] ?? '') : '';
    return { bucket, key: path, query };
  }
  const slash = path.indexOf('/');
  return slash < 0 ? { bucket: path, key: '', query } : { bucket: path.slice(0, slash), key: path.slice(slash + 1), query };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function startOssServer(opts: OssServerOptions): Promise<OssSimulator> {
  const now = opts.now ?? ((): Date => new Date());
  const buckets = new Map<string, SimBucket>();
  const secrets = new Map(opts.credentials.map((c) => [c.accessKeyId, c.accessKeySecret]));
  const faults = new OssFaults();
  const requests: LoggedRequest[] = [];
  let requestCounter = 0;
  const addBucket = (spec: OssBucketSpec): void => {
    const files = opts.dataDir === undefined ? null : new BucketFiles(join(opts.dataDir, spec.name));
    const bucket = new SimBucket(spec, now, files);
    if (files) bucket.restore(files.load());
    buckets.set(spec.name, bucket);
  };
  opts.buckets.forEach(addBucket);

  const route = (sim: SimRequest, faultsRef: OssFaults): SimResponse => {
    const { method, key, query } = sim;
    // continuation-token is signed, but it only pages a listing.
    const subresources = [...query.keys()].filter((name) => SIGNED_SUBRESOURCES.has(name) && name !== 'continuation-token');
    if (key === '') {
      if (method === 'GET' && subresources.length === 0) return listObjects(sim);
      if (method === 'POST' && subresources.length === 1 && query.has('delete')) return deleteMultipleObjects(sim, faultsRef);
      if (method === 'GET' && subresources.length === 1) {
        const getter = BUCKET_GETTERS.find((name) => query.has(name));
        const regionHost = (internal: boolean): string => `oss-${sim.bucket.spec.region}${internal ? '-internal' : ''}.aliyuncs.com`;
        switch (getter) {
          case 'bucketInfo':
            return bucketInfo(sim, regionHost);
          case 'location':
            return bucketLocation(sim);
          case 'versioning':
            return bucketVersioning(sim);
          case 'worm':
            return bucketWorm(sim);
          case 'lifecycle':
            return bucketLifecycle(sim);
          case 'stat':
            return bucketStat(sim);
          default:
            break;
        }
      }
      return errorResponse('NotImplemented', sim.errorContext);
    }
    const plainObjectCall = subresources.length === 0 || (method === 'HEAD' && subresources.every((s) => s === 'objectMeta'));
    if (!plainObjectCall) return errorResponse('NotImplemented', sim.errorContext);
    switch (method) {
      case 'PUT':
        return putObject(sim);
      case 'GET':
      case 'HEAD':
        return getObject(sim);
      case 'DELETE':
        return deleteObject(sim);
      default:
        return errorResponse('NotImplemented', sim.errorContext);
    }
  };

  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    requestCounter += 1;
    const requestId = `5F0A5${requestCounter.toString(16).toUpperCase().padStart(19, '0')}`;
    const method = (req.method ?? 'GET').toUpperCase();
    const body = await readBody(req);
    const errorContext: ErrorContext = { requestId, hostId: req.headers.host ?? '127.0.0.1', isHead: method === 'HEAD' };
    let target: Target;
    try {
      target = targetOf(req);
    } catch {
      requests.push({ method, bucket: '', key: '', query: {} });
      send(res, method, requestId, errorResponse('InvalidArgument', errorContext, { message: 'The request URI is not valid percent-encoding.' }));
      return;
    }
    const query = new Map(target.query);
    const logged = { method, bucket: target.bucket, key: target.key, query: Object.fromEntries(query) };
    requests.push(logged);
    const hook = faults.takeIntercept(logged);
    if (hook && (await hook(logged).catch(() => 'drop' as const)) === 'drop') {
      req.socket.destroy();
      return;
    }

    const fault = faults.take(method);
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    let response: SimResponse;
    if (fault?.kind === 'fail') {
      response = errorResponse(fault.code, errorContext, { status: fault.status });
      if (fault.qosDelayMs !== null) response.headers['x-oss-qos-delay-time'] = String(fault.qosDelayMs);
    } else {
      const auth = checkV1({ method, headers: req.headers, bucket: target.bucket, key: target.key, query: target.query }, secrets, now());
      if (!auth.ok) {
        const extras =
          auth.code === 'SignatureDoesNotMatch'
            ? { OSSAccessKeyId: auth.accessKeyId, SignatureProvided: auth.provided, StringToSign: auth.stringToSign }
            : undefined;
        response = errorResponse(auth.code, errorContext, { message: 'message' in auth ? auth.message : undefined, extras });
      } else {
        const bucket = buckets.get(target.bucket);
        response = bucket
          ? route({ method, bucket, key: target.key, query, headers: req.headers, body, errorContext }, faults)
          : errorResponse('NoSuchBucket', errorContext, { extras: { BucketName: target.bucket } });
      }
    }
    const delay = faults.latencyMs + (fault?.kind === 'delay' ? fault.ms : 0);
    if (delay > 0) await wait(delay);
    send(res, method, requestId, response);
  };

  const send = (res: ServerResponse, method: string, requestId: string, response: SimResponse): void => {
    if (res.destroyed || res.writableEnded) return;
    const payload = response.body === undefined ? undefined : Buffer.isBuffer(response.body) ? response.body : Buffer.from(response.body, 'utf8');
    res.writeHead(response.status, {
      server: 'AliyunOSS',
      date: now().toUTCString(),
      'x-oss-request-id': requestId,
      ...response.headers,
      ...(method === 'HEAD' ? {} : { 'content-length': String(payload?.length ?? 0) }),
    });
    res.end(method === 'HEAD' ? undefined : payload);
  };

  const server = createServer((req, res) => {
    answer(req, res).catch((error: unknown) => {
      if (res.headersSent || res.destroyed) return;
      const message = error instanceof Error ? error.message : String(error);
      const failure = errorResponse('InternalError', { requestId: 'simulator', hostId: '127.0.0.1', isHead: req.method === 'HEAD' }, { message });
      res.writeHead(failure.status, failure.headers);
      res.end(failure.body);
    });
  });
  server.keepAliveTimeout = 20_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const bucketNamed = (name: string): SimBucket => {
    const bucket = buckets.get(name);
    if (!bucket) throw new Error(`the OSS simulator has no bucket '${name}'`);
    return bucket;
  };

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    faults,
    requests,
    putObject: (bucket, key, content) => {
      bucketNamed(bucket).put(key, Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'));
    },
    listKeys: (bucket, prefix = '') => bucketNamed(bucket).keys().filter((key) => key.startsWith(prefix)),
    getObject: (bucket, key) => bucketNamed(bucket).get(key)?.body,
    deleteObject: (bucket, key) => {
      bucketNamed(bucket).delete(key);
    },
    addBucket,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
