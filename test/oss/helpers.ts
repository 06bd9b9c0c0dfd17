// Shared set-up for the OSS tests: a simulator with one bucket and ali-oss clients pointed at it.

import { request } from 'node:http';
import OSS from 'ali-oss';
import { signV1, stringToSignV1 } from '../../sim/oss/signature';
import { startOssServer, type OssBucketSpec, type OssSimulator } from '../../sim/oss/server';

export const ACCESS_KEY_ID = 'LTAI5tSimulatorKey';
export const ACCESS_KEY_SECRET = 'sim-secret-0123456789abcdef';
export const BUCKET = 'backups-hz';

export async function startSimulator(extra: OssBucketSpec[] = []): Promise<OssSimulator> {
  return startOssServer({
    buckets: [{ name: BUCKET, region: 'cn-hangzhou' }, ...extra],
    credentials: [{ accessKeyId: ACCESS_KEY_ID, accessKeySecret: ACCESS_KEY_SECRET }],
  });
}

/** A raw ali-oss client configured as the reference recommends for an IP endpoint. */
export function rawClient(sim: OssSimulator, overrides: Partial<OSS.Options> & Record<string, unknown> = {}): OSS {
  const options: OSS.Options = {
    accessKeyId: ACCESS_KEY_ID,
    accessKeySecret: ACCESS_KEY_SECRET,
    bucket: BUCKET,
    endpoint: sim.endpoint,
    region: 'oss-cn-hangzhou',
    ...overrides,
  };
  return new OSS(options);
}

/** What ali-oss throws: an Error with OSS's fields. */
export interface OssClientError {
  code?: string;
  status?: number;
  name?: string;
  message: string;
  requestId?: string;
  ecCode?: string;
}

export async function caught(promise: Promise<unknown>): Promise<OssClientError> {
  try {
    await promise;
  } catch (error) {
    return error as OssClientError;
  }
  throw new Error('expected the call to fail');
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A hand-made V1-signed request (for what ali-oss cannot send: a wrong Content-MD5, path-style
 * addressing, no Authorization at all).
 */
export async function rawRequest(
  sim: OssSimulator,
  opts: {
    method: string;
    path: string;
    host?: string;
    bucket?: string;
    key?: string;
    query?: [string, string][];
    headers?: Record<string, string>;
    body?: string;
    secret?: string | null;
  },
): Promise<RawResponse> {
  const headers: Record<string, string> = { 'x-oss-date': new Date().toUTCString(), ...opts.headers };
  headers.host = opts.host ?? `${BUCKET}.oss-cn-hangzhou.aliyuncs.com`;
  if (opts.secret !== null) {
    const toSign = stringToSignV1({ method: opts.method, headers, bucket: opts.bucket ?? BUCKET, key: opts.key ?? '', query: opts.query ?? [] });
    headers.authorization = `OSS ${ACCESS_KEY_ID}:${signV1(opts.secret ?? ACCESS_KEY_SECRET, toSign)}`;
  }
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: sim.port, method: opts.method, path: opts.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** The text of one element of an XML body (tests only; the bodies are simple). */
export function xmlText(body: string, element: string): string | undefined {
  return new RegExp(`<${element}>([\\s\\S]*?)</${element}>`).exec(body)?.[1];
}
