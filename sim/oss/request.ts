// A request as the simulator's handlers see it, after routing and authentication.

import type { IncomingHttpHeaders } from 'node:http';
import type { SimBucket } from './buckets';
import type { ErrorContext } from './errors';

export interface SimRequest {
  method: string;
  bucket: SimBucket;
  /** Decoded key; empty for bucket-level calls. */
  key: string;
  /** Decoded query (last value wins). */
  query: ReadonlyMap<string, string>;
  headers: IncomingHttpHeaders;
  body: Buffer;
  errorContext: ErrorContext;
}
