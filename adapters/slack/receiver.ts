// The HTTP side of the Slack surface, in front of Bolt: a Bolt Receiver that reads POST
// /slack/events itself, checks Slack's signature and that the timestamp is within 5 minutes
// either way (Bolt checks only the past), parses the body into a JSON object, checks it
// (payloads.ts) and hands Bolt only checked data. No request can end the process: a body
// that is not an object (`payload=null` crashes Bolt 5.1's own HTTPReceiver), a missing user
// or view, a null channel all get an answer here. /healthz and /metrics share the port.

import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { HTTPResponseAck, type App, type BufferedIncomingMessage, type Logger as BoltLogger, type Receiver } from '@slack/bolt';
import type { SurfaceLogger } from './logger';
import { claimedUser, clip, readSlackRequest, refusalAck, refusalResponseUrl, refusalText, type RefusedRequest, type SlackRequest } from './payloads';
import { postJson } from './post-json';

export interface SlackRoute {
  method: 'GET' | 'HEAD';
  path: string;
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface GatedReceiverOptions {
  signingSecret: string;
  routes: SlackRoute[];
  logger: SurfaceLogger;
  /** Bolt's logger (secrets masked), for the ack bookkeeping Bolt does. */
  boltLogger: BoltLogger;
  /** Largest body read; Slack's biggest (a modal submission) is far below. */
  bodyLimitBytes?: number;
  now?: () => number;
  /** POSTs a refusal to a click's response_url (tests may replace it). */
  postJson?: (url: string, body: unknown) => Promise<number>;
}

export const EVENTS_PATH = '/slack/events';
/** Slack's window for a signed request, both ways. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;
const DEFAULT_BODY_LIMIT = 1024 * 1024;

type Answer = { status: number; json?: unknown };

export class GatedReceiver implements Receiver {
  private app: App | undefined;
  private server: Server | undefined;
  private readonly now: () => number;
  private readonly post: (url: string, body: unknown) => Promise<number>;

  constructor(private readonly opts: GatedReceiverOptions) {
    this.now = opts.now ?? Date.now;
    this.post = opts.postJson ?? postJson;
  }

  init(app: App): void {
    this.app = app;
  }

  start(port: number): Promise<Server> {
    const server = http.createServer((req, res) => this.route(req, res));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, () => resolve(server));
    });
  }

  stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    if (path === EVENTS_PATH && req.method === 'POST') {
      this.handleEvent(req, res).catch((err: unknown) => {
        const errorId = randomUUID().slice(0, 8);
        this.opts.logger.error({ errorId, err: clip(err instanceof Error ? err.message : String(err), 300) }, 'Slack request failed');
        if (!res.headersSent) send(res, { status: 500 });
      });
      return;
    }
    const handler = routeFor(this.opts.routes, path, req.method);
    if (handler === undefined) send(res, { status: 404 });
    else handler(req, res);
  }

  private async handleEvent(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const log = this.opts.logger;
    const raw = await readBody(req, this.opts.bodyLimitBytes ?? DEFAULT_BODY_LIMIT);
    if (raw === 'too large') {
      log.warn({}, 'Slack request refused: body too large');
      return send(res, { status: 413 });
    }
    const text = raw.toString('utf8');
    const type = String(req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    // Slack's SSL check is the one request it does not sign; it carries nothing.
    if (type === 'application/x-www-form-urlencoded' && parseQuery(text).ssl_check === '1') return send(res, { status: 200 });
    const unsigned = verify(this.opts.signingSecret, req.headers, text, this.now());
    if (unsigned !== null) {
      log.warn({ reason: unsigned }, 'Slack request refused: not signed by Slack');
      return send(res, { status: 401 });
    }
    const body = parseBody(type, text);
    if (typeof body === 'string') {
      log.warn({ reason: body }, 'Slack request refused: malformed body');
      return send(res, { status: 400 });
    }
    const { type: kind, challenge } = body.fields;
    if (kind === 'url_verification' && typeof challenge === 'string' && challenge.length <= 200) {
      return send(res, { status: 200, json: { challenge } });
    }
    const request = readSlackRequest(body.fields, body.formFields);
    if (request.kind === 'other') {
      log.info({ type: request.type }, 'Slack request of a kind this bot does not handle: acknowledged, nothing done');
      return send(res, { status: 200 });
    }
    if (request.kind === 'refused') {
      log.warn({ kind: request.of, problem: request.problem, user: claimedUser(request.raw) }, 'Slack request refused: a field is missing or wrong');
      return send(res, this.refuse(request));
    }
    await this.dispatch(req, res, raw, request);
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse, raw: Buffer, request: Exclude<SlackRequest, { kind: 'refused' | 'other' }>): Promise<void> {
    const app = this.app;
    if (app === undefined) throw new Error('the Slack receiver was started without its Bolt app');
    const buffered = Object.assign(req, { rawBody: raw }) as BufferedIncomingMessage;
    const body = request.body as unknown as Record<string, unknown>;
    const ack = new HTTPResponseAck({ logger: this.opts.boltLogger, processBeforeResponse: false, httpRequest: buffered, httpRequestBody: body, httpResponse: res });
    const retry = headerValue(req.headers['x-slack-retry-num']);
    const retryReason = headerValue(req.headers['x-slack-retry-reason']);
    await app.processEvent({
      body,
      ack: ack.bind(),
      ...(retry !== undefined && /^\d{1,3}$/.test(retry) ? { retryNum: Number(retry) } : {}),
      ...(retryReason !== undefined ? { retryReason: clip(retryReason, 40) } : {}),
    });
  }

  /** The answer Slack shows for a refused request, where it shows one. */
  private refuse(request: RefusedRequest): Answer {
    // A click's ack shows nothing; its response_url (when it is one) carries the refusal.
    const url = refusalResponseUrl(request);
    if (url !== undefined) {
      this.post(url, { response_type: 'ephemeral', replace_original: false, text: refusalText(request) }).catch((err: unknown) => {
        this.opts.logger.warn({ err: clip(err instanceof Error ? err.message : String(err), 200) }, 'could not post a refusal to the response_url');
      });
    }
    const json = refusalAck(request);
    return json === undefined ? { status: 200 } : { status: 200, json };
  }
}

/** The route serving `path`, for the Socket Mode server too. */
export function routeFor(routes: SlackRoute[], path: string | undefined, method: string | undefined): SlackRoute['handler'] | undefined {
  return routes.find((r) => r.path === path && r.method === method)?.handler;
}

function send(res: ServerResponse, answer: Answer): void {
  if (answer.json === undefined) {
    res.writeHead(answer.status).end();
    return;
  }
  res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(answer.json));
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? undefined : v;
}

/** Why the request is not Slack's (null when it is): signature and a ±5 minute timestamp. */
export function verify(secret: string, headers: IncomingMessage['headers'], body: string, nowMs: number): string | null {
  const ts = headerValue(headers['x-slack-request-timestamp']);
  const signature = headerValue(headers['x-slack-signature']);
  if (ts === undefined || signature === undefined) return 'no signature headers';
  if (!/^\d{1,12}$/.test(ts)) return 'the timestamp header is not a number';
  const skew = Number(ts) - Math.floor(nowMs / 1000);
  if (skew < -MAX_CLOCK_SKEW_SECONDS) return 'the timestamp is more than 5 minutes old';
  if (skew > MAX_CLOCK_SKEW_SECONDS) return 'the timestamp is more than 5 minutes in the future';
  const expected = Buffer.from(`v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`);
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'the signature does not match';
  return null;
}

/**
 * A signed body as one JSON object (`formFields` when it is the form fields of a slash command
 * rather than a JSON payload), or why it is not one.
 */
export function parseBody(contentType: string | undefined, text: string): { fields: Record<string, unknown>; formFields: boolean } | string {
  let fields: Record<string, unknown> | string;
  if (contentType === 'application/x-www-form-urlencoded') {
    const form = parseQuery(text);
    if (!('payload' in form)) return { fields: { ...form }, formFields: true };
    fields = jsonObject(form.payload, 'the payload field');
  } else if (contentType === 'application/json') {
    fields = jsonObject(text, 'the body');
  } else {
    return `content type ${clip(contentType, 60)} is not one Slack sends`;
  }
  return typeof fields === 'string' ? fields : { fields, formFields: false };
}

function jsonObject(text: unknown, what: string): Record<string, unknown> | string {
  if (typeof text !== 'string') return `${what} is given more than once`;
  let value: unknown;
  try {
    // A `__proto__` key is dropped: data never gets to choose an object's prototype.
    value = JSON.parse(text, (key, v: unknown) => (key === '__proto__' ? undefined : v));
  } catch {
    return `${what} is not JSON`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${what} is not a JSON object`;
  return value as Record<string, unknown>;
}

/** The whole body, or 'too large' past the limit (the rest is not read). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        req.resume();
        resolve('too large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!done) reject(err);
    });
  });
}
