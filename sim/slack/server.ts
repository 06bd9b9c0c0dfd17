// A test Slack Web API on a real node:http server: the methods this bot calls, Slack's
// answers and limits (invalid_blocks, invalid_trigger_id, message_not_found, ...), the
// response_url endpoint, trigger ids, and fault injection (429 with Retry-After, 500,
// `ok:false` errors). Everything it was asked is kept for the tests to read.

import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { blockProblem, isObject, viewProblem, type Json, type JsonObject } from './limits';
import { attachSocketMode, type SocketModeSide } from './socket-mode';

export interface FakeCall {
  seq: number;
  method: string;
  args: JsonObject;
  status: number;
  answer: JsonObject;
  at: number;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: Json[] | undefined;
  /** Every version, the first post included, oldest first. */
  history: { text: string; blocks: Json[] | undefined; at: number }[];
}

export interface FakeEphemeral {
  channel: string;
  user: string;
  ts: string;
  text: string;
  blocks: Json[] | undefined;
}

export interface FakeView {
  id: string;
  method: string;
  triggerId: string | undefined;
  view: JsonObject;
}

export interface FakeResponse {
  url: string;
  body: JsonObject;
  at: number;
}

export type Fault = { status: 429; retryAfter?: number } | { status: number } | { error: string };

export interface FakeSlackOptions {
  botToken?: string;
  /** The app-level token (`xapp-`) apps.connections.open accepts (Socket Mode). */
  appToken?: string;
  /** How long an issued trigger_id can open a modal; Slack's is about 3 s. */
  triggerTtlMs?: number;
}

export interface FakeSlack {
  /** The Web API base for SLACK_API_URL, e.g. `http://127.0.0.1:P/api/`. */
  apiUrl: string;
  baseUrl: string;
  botToken: string;
  calls: FakeCall[];
  messages: Map<string, FakeMessage>;
  ephemerals: FakeEphemeral[];
  views: FakeView[];
  responses: FakeResponse[];
  /** A trigger_id as Slack puts in a slash command or click; usable once, for a short time. */
  issueTriggerId(): string;
  /** A response_url on this fake; what is posted there lands in `responses`. */
  responseUrl(): string;
  responsesAt(url: string): JsonObject[];
  callsTo(method: string): FakeCall[];
  /** The next `times` calls of `method` fail this way. */
  failNext(method: string, fault: Fault, times?: number): void;
  /** An outage: until called with null, every Web API call fails this way (and is recorded). */
  outage(fault: Fault | null): void;
  /**
   * Opt-in, for tests that stop the bot at an exact point: the next Web API call of `method`
   * whose arguments `match` accepts is held when it arrives while `hook` runs; then it is carried
   * out ('run': recorded, its answer going to whoever still listens) or its connection is dropped
   * unanswered ('drop': it never happened, nothing recorded).
   */
  interceptNext(method: string, match: (args: JsonObject) => boolean, hook: (args: JsonObject) => Promise<'run' | 'drop'>): void;
  /** Socket Mode: the connections the bot opened, envelopes to send it. */
  socketMode: SocketModeSide;
  /** Polls `probe` until it gives a value, or fails after `timeoutMs` (default 5000). */
  waitFor<T>(probe: () => T | null | undefined | false, what?: string, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

const TEAM_ID = 'T0TEST';

export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const botToken = opts.botToken ?? 'xoxb-fake-token';
  const triggerTtl = opts.triggerTtlMs ?? 3000;
  const calls: FakeCall[] = [];
  const messages = new Map<string, FakeMessage>();
  const ephemerals: FakeEphemeral[] = [];
  const views: FakeView[] = [];
  const responses: FakeResponse[] = [];
  const triggers = new Map<string, { issuedAt: number; used: boolean }>();
  const faults = new Map<string, Fault[]>();
  let down: Fault | null = null;
  const intercepts: { method: string; match: (args: JsonObject) => boolean; hook: (args: JsonObject) => Promise<'run' | 'drop'> }[] = [];
  let seq = 0;
  let tsCounter = 0;
  let viewCounter = 0;
  let responseCounter = 0;
  const nextTs = (): string => `${Math.floor(Date.now() / 1000)}.${String(++tsCounter).padStart(6, '0')}`;
  const err = (error: string, detail?: string): JsonObject => ({ ok: false, error, ...(detail !== undefined ? { response_metadata: { messages: [detail] } } : {}) });
  const blocksOf = (v: Json | undefined): Json[] | undefined => (Array.isArray(v) ? v : undefined);
  const str = (v: Json | undefined): string => (typeof v === 'string' ? v : '');

  function storeView(method: string, args: JsonObject, id: string): JsonObject {
    const view = isObject(args.view) ? args.view : {};
    const full: JsonObject = {
      id, team_id: TEAM_ID, app_id: 'A0TEST', bot_id: 'B0BOT', hash: String(Date.now()), state: { values: {} },
      private_metadata: '', callback_id: '', previous_view_id: null, root_view_id: id, ...view,
    };
    const existing = views.findIndex((v) => v.id === id);
    const entry: FakeView = { id, method, triggerId: typeof args.trigger_id === 'string' ? args.trigger_id : undefined, view: full };
    if (existing >= 0) views[existing] = entry;
    else views.push(entry);
    return { ok: true, view: full };
  }

  function answer(method: string, a: JsonObject): JsonObject {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://test.slack.com/', team: 'test', user: 'backupbot', team_id: TEAM_ID, user_id: 'UBOT', bot_id: 'B0BOT' };
      case 'chat.postMessage':
      case 'chat.postEphemeral': {
        const channel = str(a.channel);
        if (channel === '') return err('channel_not_found');
        if (str(a.text) === '' && a.blocks === undefined) return err('no_text');
        const p = blockProblem(a.blocks);
        if (p !== null) return err('invalid_blocks', p);
        const ts = nextTs();
        const text = str(a.text);
        const blocks = blocksOf(a.blocks);
        if (method === 'chat.postEphemeral') {
          if (str(a.user) === '') return err('user_not_in_channel');
          ephemerals.push({ channel, user: str(a.user), ts, text, blocks });
          return { ok: true, message_ts: ts };
        }
        messages.set(ts, { channel, ts, text, blocks, history: [{ text, blocks, at: Date.now() }] });
        return { ok: true, channel, ts, message: { type: 'message', user: 'UBOT', bot_id: 'B0BOT', text, ts, ...(blocks ? { blocks } : {}) } };
      }
      case 'chat.update': {
        const prev = messages.get(str(a.ts));
        if (prev === undefined || (str(a.channel) !== '' && str(a.channel) !== prev.channel)) return err('message_not_found');
        const p = blockProblem(a.blocks);
        if (p !== null) return err('invalid_blocks', p);
        if (a.text !== undefined) prev.text = str(a.text);
        if (a.blocks !== undefined) prev.blocks = blocksOf(a.blocks);
        prev.history.push({ text: prev.text, blocks: prev.blocks, at: Date.now() });
        return { ok: true, channel: prev.channel, ts: prev.ts, text: prev.text };
      }
      case 'views.open':
      case 'views.push': {
        const trigger = triggers.get(str(a.trigger_id));
        if (trigger === undefined) return err('invalid_trigger_id');
        if (trigger.used) return err('exchanged_trigger_id');
        if (Date.now() - trigger.issuedAt > triggerTtl) return err('expired_trigger_id');
        const p = viewProblem(a.view);
        if (p !== null) return err('invalid_arguments', p);
        trigger.used = true;
        return storeView(method, a, `V${String(++viewCounter).padStart(8, '0')}`);
      }
      case 'views.update': {
        const p = viewProblem(a.view);
        if (p !== null) return err('invalid_arguments', p);
        const id = str(a.view_id);
        if (id === '' || !views.some((v) => v.id === id)) return err('not_found');
        return storeView(method, a, id);
      }
      case 'users.info': {
        const user = str(a.user);
        if (user === '') return err('user_not_found');
        return { ok: true, user: { id: user, team_id: TEAM_ID, name: user.toLowerCase(), real_name: user, tz: 'Asia/Shanghai', is_bot: false, deleted: false } };
      }
      case 'conversations.info': {
        const channel = str(a.channel);
        if (channel === '') return err('channel_not_found');
        return { ok: true, channel: { id: channel, name: channel.toLowerCase(), is_channel: true, is_member: true, is_private: false } };
      }
      default:
        return err('unknown_method');
    }
  }

  function parseBody(type: string | undefined, raw: string): JsonObject {
    if (/json/.test(type ?? '')) {
      try {
        const v: unknown = JSON.parse(raw === '' ? '{}' : raw);
        return isObject(v) ? v : {};
      } catch {
        return {};
      }
    }
    const a: JsonObject = {};
    for (const [k, v] of new URLSearchParams(raw)) {
      a[k] = v;
      if (['blocks', 'attachments', 'view', 'metadata'].includes(k) && /^[[{]/.test(v)) {
        try {
          a[k] = JSON.parse(v) as Json;
        } catch {
          /* keep the string */
        }
      }
    }
    return a;
  }

  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      raw += d;
    });
    req.on('end', () => {
      const url = (req.url ?? '/').split('?')[0] ?? '/';
      if (req.method === 'POST' && url.startsWith('/api/')) {
        const method = url.slice(5);
        const args = parseBody(req.headers['content-type'], raw);
        const i = intercepts.findIndex((x) => x.method === method && x.match(args));
        const held = i < 0 ? null : (intercepts.splice(i, 1)[0] ?? null);
        if (held) {
          void held.hook(args).then(
            (outcome) => (outcome === 'drop' ? req.socket.destroy() : handle(url)),
            () => req.socket.destroy(),
          );
          return;
        }
      }
      handle(url);
    });
    const handle = (url: string): void => {
      const send = (status: number, obj: JsonObject, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(JSON.stringify(obj));
      };
      if (req.method === 'POST' && url.startsWith('/api/')) {
        const method = url.slice(5);
        const args = parseBody(req.headers['content-type'], raw);
        const token = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '') || str(args.token);
        const fault = down ?? faults.get(method)?.shift();
        let status = 200;
        let out: JsonObject;
        const headers: Record<string, string> = {};
        if (fault !== undefined && 'error' in fault) out = err(fault.error);
        else if (fault !== undefined) {
          status = fault.status;
          out = err(status === 429 ? 'ratelimited' : 'internal_error');
          if ('retryAfter' in fault && fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
        } else if (token === '') out = err('not_authed');
        else if (method === 'apps.connections.open') out = token === opts.appToken ? socketMode.open() : err('invalid_auth');
        else if (token !== botToken) out = err('invalid_auth');
        else out = answer(method, args);
        calls.push({ seq: ++seq, method, args, status, answer: out, at: Date.now() });
        send(status, out, headers);
        return;
      }
      if (req.method === 'POST' && /^\/response\/\d+$/.test(url)) {
        responses.push({ url: `${baseUrl}${url}`, body: parseBody(req.headers['content-type'], raw), at: Date.now() });
        calls.push({ seq: ++seq, method: 'response_url', args: parseBody(req.headers['content-type'], raw), status: 200, answer: { ok: true }, at: Date.now() });
        send(200, { ok: true });
        return;
      }
      res.writeHead(404).end();
    };
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  const socketMode = attachSocketMode(server, `ws://127.0.0.1:${port}`);

  return {
    apiUrl: `${baseUrl}/api/`,
    baseUrl,
    botToken,
    calls,
    messages,
    ephemerals,
    views,
    responses,
    socketMode,
    issueTriggerId: () => {
      const t = `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(16).toString('hex')}`;
      triggers.set(t, { issuedAt: Date.now(), used: false });
      return t;
    },
    responseUrl: () => `${baseUrl}/response/${++responseCounter}`,
    responsesAt: (url) => responses.filter((r) => r.url === url).map((r) => r.body),
    callsTo: (method) => calls.filter((c) => c.method === method),
    failNext: (method, fault, times = 1) => {
      const list = faults.get(method) ?? [];
      for (let i = 0; i < times; i++) list.push(fault);
      faults.set(method, list);
    },
    outage: (fault) => {
      down = fault;
    },
    interceptNext: (method, match, hook) => {
      intercepts.push({ method, match, hook });
    },
    waitFor: async <T>(probe: () => T | null | undefined | false, what = 'condition', timeoutMs = 5000): Promise<T> => {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const v = probe();
        if (v !== null && v !== undefined && v !== false) return v;
        if (Date.now() > end) throw new Error(`fake Slack: timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        socketMode.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
