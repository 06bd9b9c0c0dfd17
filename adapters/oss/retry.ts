// Our own retry around each OSS call: ali-oss retries only socket errors, at a fixed 500 ms,
// and never 5xx, throttling or response timeouts (reference/oss-api.md §2.7).

import { classifyFailure, failureFields, toOutsideError } from './errors';
import { runWithHints } from './oss-client';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  /** In [0, 1); for the jitter. */
  random: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 200,
  maxDelayMs: 20_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/**
 * Exponential back-off with jitter: half the doubling ceiling fixed, half random. A throttled
 * answer's `x-oss-qos-delay-time` is a floor (still capped by `maxDelayMs`).
 */
export function backoffDelayMs(attempt: number, qosDelayMs: number | null, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = ceiling / 2 + (policy.random() * ceiling) / 2;
  return Math.round(Math.min(policy.maxDelayMs, Math.max(jittered, qosDelayMs ?? 0)));
}

/**
 * Runs `op` until it succeeds, fails with something not worth retrying (4xx, a bad answer), or
 * runs out of attempts; then throws an `OutsideError` describing `what`.
 */
export async function withRetry<T>(what: string, op: () => Promise<T>, policy: RetryPolicy, secrets: readonly string[]): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const { outcome, hints } = runWithHints(op);
    try {
      return await outcome;
    } catch (error) {
      const { retryable } = classifyFailure(failureFields(error));
      if (!retryable || attempt >= policy.maxAttempts) throw toOutsideError(error, what, secrets, attempt);
      await policy.sleep(backoffDelayMs(attempt, hints.qosDelayMs, policy));
    }
  }
}
