// One bucket's client plus the retry policy: every OSS call of the adapter goes through `call`.

import type { z } from 'zod';
import { OutsideError } from '../../src/domain/errors';
import type { OssWire } from './oss-client';
import { withRetry, type RetryPolicy } from './retry';

export interface OssSession {
  readonly bucket: string;
  /** Runs one call with retries; failures come out as `OutsideError('oss', ...)`. */
  call<T>(what: string, op: (wire: OssWire) => Promise<T>): Promise<T>;
}

export function createSession(bucket: string, wire: OssWire, policy: RetryPolicy, secrets: readonly string[]): OssSession {
  return {
    bucket,
    call: (what, op) => withRetry(what, () => op(wire), policy, secrets),
  };
}

/** Parses an answer of ali-oss; a shape we do not understand is a protocol error. */
export function parseAnswer<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  throw new OutsideError('oss', 'protocol', `OSS ${what}: unexpected answer (${issues})`);
}
