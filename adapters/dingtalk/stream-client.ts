// The Stream Mode connection: the official `dingtalk-stream` client (pinned at 2.1.5), with
// what it lacks for a bot that must stay up:
// - the connection-open call goes to DINGTALK_API_URL (the SDK hard-codes api.dingtalk.com);
// - every frame is parsed before use: a frame that is not JSON or not a Stream frame is logged
//   (and acknowledged when its messageId can be read) instead of throwing inside the socket;
// - one reconnect loop with exponential back-off and jitter (2.1.5 reconnects every second and
//   can start two loops at once), started when the socket closes, when no pong came back, or
//   when the gateway sends SYSTEM `disconnect`;
// - a WebSocket ping of its own per socket (2.1.5 never clears its heartbeat timer).
// It relies on the SDK's `getEndpoint` / `_connect` / `onDownStream` being overridable and on
// the private fields `dw_url`, `socket` and `sslopts`; the tests in test/dingtalk cover them.

import { DWClient, type DWClientDownStream } from 'dingtalk-stream';
import type WebSocket from 'ws';
import { z } from 'zod';
import { OutsideError } from '../../src/domain/errors';
import { messageIdOf, parseFrame, type StreamFrame } from './frames';
import type { SurfaceLogger } from './logger';

export interface StreamClientOptions {
  clientId: string;
  clientSecret: string;
  /** The open API base, e.g. `https://api.dingtalk.com`. */
  apiUrl: string;
  /** CALLBACK topics to subscribe to; each frame of them goes to `onCallback`, which must ACK it. */
  topics: string[];
  onCallback: (frame: StreamFrame) => void;
  logger: SurfaceLogger;
  /** Reconnect delays: the first after a drop, doubling up to the last. Default 1 s .. 60 s. */
  backoff?: { minMs: number; maxMs: number };
  /** WebSocket ping interval; a ping without a pong by the next one ends the socket. 0 = none. */
  heartbeatMs?: number;
  /** How long the WebSocket upgrade may take before the attempt fails; default 15 s. */
  handshakeTimeoutMs?: number;
  random?: () => number;
}

const openAnswer = z.object({
  endpoint: z.string().regex(/^wss?:\/\//, 'a ws:// or wss:// URL'),
  ticket: z.string().min(1).max(500),
});

interface SdkInternals {
  dw_url?: string;
  socket?: WebSocket;
}

export class StreamClient extends DWClient {
  private stopped = true;
  private busy = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly opts: StreamClientOptions;
  /** Sockets this client opened and still watches (normally one). */
  private readonly live = new Set<WebSocket>();
  /** Connections opened so far (1 = the first); for logs and tests. */
  connections = 0;

  constructor(opts: StreamClientOptions) {
    // autoReconnect off: this class owns reconnecting. No EVENT subscription: the bot needs none.
    const config = { clientId: opts.clientId, clientSecret: opts.clientSecret, ua: 'starrocks-backup-bot', keepAlive: false, debug: false, autoReconnect: false, subscriptions: [] };
    super(config as ConstructorParameters<typeof DWClient>[0]);
    this.opts = opts;
    // The SDK hands these options to `ws`: a gateway that never completes the upgrade fails
    // the attempt (and it is retried) instead of holding the connection loop forever.
    (this as unknown as { sslopts: object }).sslopts = { rejectUnauthorized: true, handshakeTimeout: opts.handshakeTimeoutMs ?? 15_000 };
    for (const topic of opts.topics) {
      this.registerCallbackListener(topic, (frame: DWClientDownStream) => opts.onCallback(frame as unknown as StreamFrame));
    }
  }

  /** Connects; resolves once connected or once the first failure is scheduled for a retry. Refused credentials throw. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.attempt(true);
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    for (const socket of this.live) {
      socket.removeAllListeners('pong');
      socket.close(1000, 'bot stopping');
      setTimeout(() => socket.terminate(), 1000).unref();
    }
  }

  /** ACKs a CALLBACK frame: code 200, the same messageId, data `{"response": ...}`. */
  ack(messageId: string, response: unknown): void {
    this.socketCallBackResponse(messageId, response);
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** The connection-open call, against DINGTALK_API_URL. */
  override async getEndpoint(): Promise<this> {
    const url = `${this.opts.apiUrl.replace(/\/+$/, '')}/v1.0/gateway/connections/open`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ clientId: this.config.clientId, clientSecret: this.config.clientSecret, ua: this.config.ua, subscriptions: this.config.subscriptions }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new OutsideError('dingtalk', 'unreachable', `connections/open: ${err instanceof Error ? err.message : String(err)}`, err);
    }
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const code = typeof body === 'object' && body !== null && typeof (body as { code?: unknown }).code === 'string' ? (body as { code: string }).code : '';
      const kind = res.status === 401 || res.status === 403 || /auth|clientid|secret/i.test(code) ? 'auth' : res.status >= 500 ? 'server' : 'protocol';
      throw new OutsideError('dingtalk', kind, `connections/open: HTTP ${res.status}${code ? ` ${code}` : ''}`);
    }
    const parsed = openAnswer.safeParse(body);
    if (!parsed.success) throw new OutsideError('dingtalk', 'protocol', 'connections/open: the answer has no endpoint and ticket');
    const { endpoint, ticket } = parsed.data;
    (this as unknown as SdkInternals).dw_url = `${endpoint}${endpoint.includes('?') ? '&' : '?'}ticket=${encodeURIComponent(ticket)}`;
    return this;
  }

  /** Kept for the SDK's own callers: starts the loop like `start`, never throws. */
  override async connect(): Promise<void> {
    await this.start().catch((err: unknown) => this.opts.logger.error({ err: describe(err) }, 'DingTalk Stream connection refused'));
  }

  override onDownStream(data: string): void {
    const text = typeof data === 'string' ? data : Buffer.isBuffer(data) ? (data as Buffer).toString('utf8') : String(data);
    const parsed = parseFrame(text);
    if (!parsed.ok) {
      const id = messageIdOf(parsed.raw);
      this.opts.logger.warn({ why: parsed.why, messageId: id, length: text.length }, 'DingTalk frame ignored');
      if (id !== null) this.send(id, { response: null });
      return;
    }
    const frame = parsed.value;
    const topic = frame.headers.topic ?? '';
    if (frame.type === 'SYSTEM') {
      if (topic === 'disconnect') {
        this.opts.logger.info({ data: (frame.data ?? '').slice(0, 200) }, 'DingTalk asked to reconnect');
        this.reconnectNow();
        return;
      }
      this.onSystem(frame as unknown as DWClientDownStream); // ping: the SDK echoes headers and data
      return;
    }
    if (frame.type === 'EVENT') {
      this.send(frame.headers.messageId, { status: 'SUCCESS' });
      return;
    }
    if (this.listenerCount(topic) === 0) {
      this.opts.logger.warn({ topic, messageId: frame.headers.messageId }, 'DingTalk callback of a topic the bot did not subscribe to');
      this.send(frame.headers.messageId, { response: null });
      return;
    }
    try {
      this.onCallback(frame as unknown as DWClientDownStream);
    } catch (err) {
      this.opts.logger.error({ topic, err: describe(err) }, 'DingTalk callback handler failed');
    }
  }

  private async attempt(first: boolean): Promise<void> {
    if (this.stopped || this.busy) return;
    this.busy = true;
    try {
      await this.getEndpoint();
      await this._connect();
      const socket = (this as unknown as SdkInternals).socket;
      if (socket === undefined) throw new OutsideError('dingtalk', 'protocol', 'the Stream socket did not open');
      this.watch(socket);
      this.failures = 0;
      this.connections++;
      this.opts.logger.info({ connection: this.connections }, 'DingTalk Stream connected');
      if (this.stopped) this.stop();
    } catch (err) {
      this.failures++;
      if (first && err instanceof OutsideError && err.kind === 'auth') {
        this.stopped = true;
        throw new OutsideError('dingtalk', 'auth', `DingTalk refused DINGTALK_CLIENT_ID / DINGTALK_CLIENT_SECRET (${err.message})`, err);
      }
      this.opts.logger.warn({ err: describe(err), failures: this.failures }, 'DingTalk Stream connection failed; retrying');
      this.retryLater();
    } finally {
      this.busy = false;
    }
  }

  private watch(socket: WebSocket): void {
    this.live.add(socket);
    let heartbeat: NodeJS.Timeout | null = null;
    const every = this.opts.heartbeatMs ?? 8000;
    if (every > 0) {
      let answered = true;
      socket.on('pong', () => {
        answered = true;
      });
      heartbeat = setInterval(() => {
        if (!answered) {
          this.opts.logger.warn({}, 'DingTalk Stream socket gave no pong; reconnecting');
          socket.terminate();
          return;
        }
        answered = false;
        socket.ping();
      }, every);
      heartbeat.unref();
    }
    socket.once('close', (code: number) => {
      if (heartbeat !== null) clearInterval(heartbeat);
      this.live.delete(socket);
      if (this.stopped) return;
      this.opts.logger.warn({ code }, 'DingTalk Stream socket closed; reconnecting');
      this.retryLater();
    });
  }

  private reconnectNow(): void {
    for (const socket of this.live) socket.terminate(); // its close starts the next attempt
  }

  private retryLater(): void {
    if (this.stopped || this.retryTimer !== null) return;
    const { minMs, maxMs } = this.opts.backoff ?? { minMs: 1000, maxMs: 60_000 };
    const exp = Math.min(maxMs, minMs * 2 ** Math.max(0, this.failures - 1));
    const delay = Math.min(maxMs, exp + Math.floor((this.opts.random ?? Math.random)() * minMs));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.attempt(false);
    }, delay);
    this.retryTimer.unref();
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
