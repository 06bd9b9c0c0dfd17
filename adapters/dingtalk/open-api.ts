// DingTalk's open API as this bot uses it: an app access token (POST /v1.0/oauth2/accessToken,
// cached until shortly before it expires), calls with `x-acs-dingtalk-access-token`, and
// session webhooks. A refused token is renewed once; throttling (HTTP 429, QPS-limit codes,
// errcode 130101 / 90002 / 90018 / 90019) is waited out and retried a few times; every other
// failure is an `OutsideError` in the core's words, with DingTalk's code kept in the message.

import { z } from 'zod';
import { OutsideError, type OutsideErrorKind } from '../../src/domain/errors';
import type { SurfaceLogger } from './logger';

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface OpenApiOptions {
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  logger: SurfaceLogger;
  timeoutMs?: number;
  now?: () => number;
  sleep?: Sleep;
  /** Throttled answers waited out per call before it fails as `throttled`. Default 4. */
  maxThrottleWaits?: number;
}

const tokenAnswer = z.object({ accessToken: z.string().min(1), expireIn: z.number().positive() });
const errorBody = z.looseObject({ code: z.string().optional(), message: z.string().optional(), errcode: z.number().optional(), errmsg: z.string().optional() });

const THROTTLE_CODES = new Set([130101, 90002, 90018, 90019]);
const THROTTLE_TEXT = /qpslimit|flow ?control|too fast|throttl|rate ?limit/i;

/** Renew the token this long before DingTalk says it expires. */
const TOKEN_MARGIN_MS = 5 * 60_000;

class Throttled extends Error {
  constructor(
    readonly what: string,
    readonly retryAfterMs: number | null,
  ) {
    super(`${what}: throttled by DingTalk`);
  }
}

export class OpenApi {
  private token: { value: string; expiresAt: number } | null = null;
  private pending: Promise<string> | null = null;
  private readonly base: string;
  private readonly now: () => number;
  private readonly sleep: Sleep;

  constructor(private readonly opts: OpenApiOptions) {
    this.base = opts.apiUrl.replace(/\/+$/, '');
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? realSleep;
  }

  /** The app's access token, fetched once and shared by concurrent callers. */
  accessToken(): Promise<string> {
    if (this.token !== null && this.now() < this.token.expiresAt) return Promise.resolve(this.token.value);
    if (this.pending === null) {
      this.pending = this.fetchToken().finally(() => {
        this.pending = null;
      });
    }
    return this.pending;
  }

  /** An open API call; resolves with DingTalk's JSON answer. */
  async call(method: 'POST' | 'PUT', path: string, body: object): Promise<unknown> {
    return this.withThrottleWaits(path, async () => {
      let token = await this.accessToken();
      let res = await this.request(method, path, body, token);
      if (res.status === 401) {
        this.token = null; // expired or revoked: one fresh token, one more try
        token = await this.accessToken();
        res = await this.request(method, path, body, token);
      }
      if (res.status >= 200 && res.status < 300) return res.body;
      throw this.failure(path, res.status, res.body, res.retryAfterMs);
    });
  }

  /** POSTs to a message's session webhook; DingTalk answers 200 with an errcode. */
  async postWebhook(url: string, body: object): Promise<void> {
    await this.withThrottleWaits('sessionWebhook', async () => {
      const res = await this.send('POST', url, body, {});
      const parsed = errorBody.safeParse(res.body);
      const errcode = parsed.success ? (parsed.data.errcode ?? 0) : -1;
      if (res.status >= 200 && res.status < 300 && errcode === 0) return;
      throw this.failure('sessionWebhook', res.status, res.body, res.retryAfterMs);
    });
  }

  private async fetchToken(): Promise<string> {
    const res = await this.send('POST', `${this.base}/v1.0/oauth2/accessToken`, { appKey: this.opts.clientId, appSecret: this.opts.clientSecret }, {});
    const parsed = tokenAnswer.safeParse(res.body);
    if (res.status !== 200 || !parsed.success) {
      const e = this.failure('oauth2/accessToken', res.status, res.body, null);
      throw e instanceof Throttled ? new OutsideError('dingtalk', 'throttled', e.message) : new OutsideError('dingtalk', res.status === 400 || res.status === 401 ? 'auth' : e.kind, e.message);
    }
    this.token = { value: parsed.data.accessToken, expiresAt: this.now() + Math.max(60_000, parsed.data.expireIn * 1000 - TOKEN_MARGIN_MS) };
    return parsed.data.accessToken;
  }

  private request(method: 'POST' | 'PUT', path: string, body: object, token: string) {
    return this.send(method, `${this.base}${path}`, body, { 'x-acs-dingtalk-access-token': token });
  }

  private async send(method: string, url: string, body: object, headers: Record<string, string>): Promise<{ status: number; body: unknown; retryAfterMs: number | null }> {
    const what = url.startsWith(this.base) ? url.slice(this.base.length) : 'sessionWebhook';
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: { 'content-type': 'application/json; charset=utf-8', accept: 'application/json', ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 15_000),
      });
    } catch (err) {
      const timeout = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw new OutsideError('dingtalk', timeout ? 'timeout' : 'unreachable', `${what}: ${err instanceof Error ? err.message : String(err)}`, err);
    }
    const text = await res.text().catch(() => '');
    let parsed: unknown = null;
    try {
      parsed = text === '' ? null : (JSON.parse(text) as unknown);
    } catch {
      parsed = null;
    }
    const retryAfter = Number(res.headers.get('retry-after'));
    return { status: res.status, body: parsed, retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : null };
  }

  /** The error for a refused call: `Throttled` (retried) or an `OutsideError`. */
  private failure(what: string, status: number, body: unknown, retryAfterMs: number | null): OutsideError | Throttled {
    const parsed = errorBody.safeParse(body);
    const code = parsed.success ? (parsed.data.code ?? (parsed.data.errcode !== undefined ? String(parsed.data.errcode) : '')) : '';
    const message = parsed.success ? (parsed.data.message ?? parsed.data.errmsg ?? '') : '';
    const errcode = parsed.success ? parsed.data.errcode : undefined;
    if (status === 429 || (errcode !== undefined && THROTTLE_CODES.has(errcode)) || THROTTLE_TEXT.test(code) || THROTTLE_TEXT.test(message)) {
      return new Throttled(what, retryAfterMs);
    }
    let kind: OutsideErrorKind = 'other';
    if (status === 401 || /auth|token/i.test(code)) kind = 'auth';
    else if (status === 403) kind = 'privileges';
    else if (status === 404 || /notexist|not\.?found|300001/i.test(code)) kind = 'not_found';
    else if (status >= 500) kind = 'server';
    else if (status === 400) kind = 'protocol';
    const detail = [code, message.slice(0, 200)].filter(Boolean).join(' ');
    return new OutsideError('dingtalk', kind, `${what}: HTTP ${status}${detail ? ` ${detail}` : ''}`);
  }

  private async withThrottleWaits<T>(what: string, call: () => Promise<T>): Promise<T> {
    const max = this.opts.maxThrottleWaits ?? 4;
    for (let waits = 0; ; waits++) {
      try {
        return await call();
      } catch (err) {
        if (!(err instanceof Throttled)) throw err;
        if (waits >= max) throw new OutsideError('dingtalk', 'throttled', `${what}: still throttled after ${waits} waits`);
        const ms = err.retryAfterMs ?? Math.min(30_000, 1000 * 2 ** waits);
        this.opts.logger.warn({ what, waitMs: ms, attempt: waits + 1 }, 'DingTalk throttled the bot: waiting before retrying');
        await this.sleep(ms);
      }
    }
  }
}
