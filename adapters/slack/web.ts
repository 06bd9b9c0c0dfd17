// The Web API client this adapter calls Slack with, and how its failures become the core's
// `OutsideError`. Rate limits are handled here, not inside the client: a 429 waits the
// Retry-After it names and tries again, so nothing is dropped.

import { webApi } from '@slack/bolt';
import { OutsideError, type OutsideErrorKind } from '../../src/domain/errors';
import { boltLogger, type SurfaceLogger } from './logger';

export type WebClient = InstanceType<typeof webApi.WebClient>;
export type RetryConfig = NonNullable<ConstructorParameters<typeof webApi.WebClient>[1]>['retryConfig'];

/** A few quick retries of 5xx and network failures; the outbox retries for longer. */
export const DEFAULT_RETRY_CONFIG: RetryConfig = { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5000 };

export function createWebClient(opts: {
  botToken: string;
  apiUrl?: string;
  retryConfig?: RetryConfig;
  logger: SurfaceLogger;
  secrets: string[];
  timeoutMs?: number;
}): WebClient {
  return new webApi.WebClient(opts.botToken, {
    ...(opts.apiUrl !== undefined ? { slackApiUrl: opts.apiUrl } : {}),
    retryConfig: opts.retryConfig ?? DEFAULT_RETRY_CONFIG,
    rejectRateLimitedCalls: true,
    timeout: opts.timeoutMs ?? 15_000,
    logger: boltLogger(opts.logger, 'slack-web-api', opts.secrets),
  });
}

const KIND_BY_ERROR: Record<string, OutsideErrorKind> = {
  invalid_auth: 'auth',
  not_authed: 'auth',
  account_inactive: 'auth',
  token_revoked: 'auth',
  token_expired: 'auth',
  missing_scope: 'privileges',
  not_in_channel: 'privileges',
  is_archived: 'privileges',
  restricted_action: 'privileges',
  cant_update_message: 'privileges',
  channel_not_found: 'not_found',
  message_not_found: 'not_found',
  user_not_found: 'not_found',
  user_not_in_channel: 'not_found',
  ratelimited: 'throttled',
  rate_limited: 'throttled',
  invalid_blocks: 'protocol',
  invalid_arguments: 'protocol',
  msg_too_long: 'protocol',
  no_text: 'protocol',
  invalid_trigger_id: 'protocol',
  expired_trigger_id: 'timeout',
  exchanged_trigger_id: 'protocol',
  internal_error: 'server',
  fatal_error: 'server',
  service_unavailable: 'server',
  request_timeout: 'timeout',
};

/** The Slack error code of a failed call (`channel_not_found`, ...), when Slack gave one. */
export function slackErrorCode(err: unknown): string | null {
  if (err instanceof OutsideError) return slackErrorCode(err.cause);
  if (err instanceof webApi.WebAPIPlatformError) return err.data.error;
  return null;
}

/** Any failure of a Web API call, in the core's words; Slack's own text kept in the message. */
export function toOutsideError(err: unknown, method: string): OutsideError {
  if (err instanceof OutsideError) return err;
  if (err instanceof webApi.WebAPIPlatformError) {
    const code = err.data.error;
    return new OutsideError('slack', KIND_BY_ERROR[code] ?? 'other', `${method}: ${code}`, err);
  }
  if (err instanceof webApi.WebAPIRateLimitedError) {
    return new OutsideError('slack', 'throttled', `${method}: rate limited (retry after ${err.retryAfter} s)`, err);
  }
  if (err instanceof webApi.WebAPIHTTPError) {
    const kind: OutsideErrorKind = err.statusCode >= 500 ? 'server' : err.statusCode === 401 || err.statusCode === 403 ? 'auth' : 'protocol';
    return new OutsideError('slack', kind, `${method}: HTTP ${err.statusCode} ${err.statusMessage}`, err);
  }
  if (err instanceof webApi.WebAPIRequestError) {
    return new OutsideError('slack', 'unreachable', `${method}: ${err.original.message}`, err);
  }
  const message = err instanceof Error ? err.message : String(err);
  return new OutsideError('slack', 'other', `${method}: ${message}`, err);
}

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs one Web API call; on a 429 waits the Retry-After Slack named (at least `minWaitMs`)
 * and tries again, up to `maxRateLimitWaits` times. Every other failure is an `OutsideError`.
 */
export async function callSlack<T>(
  method: string,
  call: () => Promise<T>,
  opts: { sleep?: Sleep; maxRateLimitWaits?: number; logger?: SurfaceLogger } = {},
): Promise<T> {
  const sleep = opts.sleep ?? realSleep;
  const maxWaits = opts.maxRateLimitWaits ?? 20;
  for (let waits = 0; ; waits++) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof webApi.WebAPIRateLimitedError) || waits >= maxWaits) throw toOutsideError(err, method);
      const ms = Math.max(1, err.retryAfter) * 1000;
      opts.logger?.warn({ method, retryAfterSeconds: err.retryAfter, attempt: waits + 1 }, 'Slack rate limit: waiting before retrying');
      await sleep(ms);
    }
  }
}
