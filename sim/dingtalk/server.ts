// A fake DingTalk for tests and the sandbox: the open API (connection-open, access tokens,
// robot messages, advanced cards, session webhooks) and the Stream gateway (WebSocket) on one
// real HTTP server, and the people of a chat: `say` sends a robot message as DingTalk would
// (in a group the @mention leaves a leading space), `click` presses a card's button as the
// card describes it. What the robot shows is readable per conversation or per person.

import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gateway, type Ack, type Subscription } from './gateway';
import { FakeOpenApi, type FakeCard, type FakeMessage } from './open-api';

export const TOPIC_ROBOT = '/v1.0/im/bot/messages/get';
export const TOPIC_CARD = '/v1.0/card/instances/callback';

export interface FakeDingTalkOptions {
  clientId?: string;
  clientSecret?: string;
  tokenTtlSeconds?: number;
  /** Card templates that exist; unset = any id is accepted. */
  cardTemplates?: string[];
  /** Life of a message's session webhook; DingTalk's samples show about 90 minutes. */
  webhookTtlMs?: number;
}

export interface SayOptions {
  /** A group conversation id; default the fake's group. Ignored with `dm`. */
  conversationId?: string;
  /** The one-to-one chat of the user with the robot. */
  dm?: boolean;
  msgtype?: string;
  messageId?: string;
  msgId?: string;
  webhookExpired?: boolean;
  /** Close the socket right after the frame is written, so its ACK is lost. */
  dropAfter?: boolean;
  /** Fields to change in the message data (to break it on purpose). */
  patch?: Record<string, unknown>;
}

export interface Said {
  messageId: string;
  msgId: string;
  session: string;
  conversationId: string;
  at: number;
}

export interface FakeDingTalk {
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  group: string;
  openCalls: { body: unknown; ok: boolean; why?: string; accept: string; at: number }[];
  api: FakeOpenApi;
  gateway: Gateway;
  say(user: string, text: string, opts?: SayOptions): Said;
  /** Presses the button of a card whose label matches, as `user`; gives the frame's messageId. */
  click(cardId: string, user: string, label: string | RegExp, opts?: { params?: Record<string, string>; messageId?: string }): string;
  ping(): Promise<Ack>;
  cardText(card: FakeCard): string;
  buttonsOf(card: FakeCard): { text: string; params: Record<string, string> }[];
  /** Messages and cards shown in a conversation, oldest first (cards as they are now). */
  seenIn(conversationId: string, since?: number): string[];
  /** What one person got privately: one-to-one messages and cards. */
  seenBy(userId: string, since?: number): string[];
  repliesTo(said: Said): FakeMessage[];
  dmOf(user: string): string;
  waitFor<T>(probe: () => T | null | undefined | false, what?: string, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

export async function startFakeDingTalk(opts: FakeDingTalkOptions = {}): Promise<FakeDingTalk> {
  const clientId = opts.clientId ?? `dingfake${randomBytes(6).toString('hex')}`;
  const clientSecret = opts.clientSecret ?? randomBytes(24).toString('base64url');
  const corpId = `ding${randomBytes(8).toString('hex')}`;
  const chatbotUserId = `$:LWCP_v1:$${randomBytes(12).toString('base64')}`;
  const api = new FakeOpenApi({ clientId, clientSecret, tokenTtlSeconds: opts.tokenTtlSeconds ?? 7200, cardTemplates: opts.cardTemplates ?? null });
  const gateway = new Gateway(randomUUID());
  const openCalls: FakeDingTalk['openCalls'] = [];
  const group = 'cidFakeGroupOps';
  let port = 0;

  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      raw += d;
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const [status, body, headers] = url.pathname === '/v1.0/gateway/connections/open' && req.method === 'POST' ? open(raw, String(req.headers.accept ?? '')) : api.answer(req.method ?? 'GET', url, req.headers, raw);
      res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', ...(headers ?? {}) });
      res.end(JSON.stringify(body));
    });
  });
  server.on('upgrade', (req, socket, head: Buffer) => gateway.handleUpgrade(req, socket, head));

  function open(raw: string, accept: string): [number, unknown] {
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = null;
    }
    const call: FakeDingTalk['openCalls'][number] = { body, ok: false, accept, at: Date.now() };
    openCalls.push(call);
    const fault = api.takeFault('/v1.0/gateway/connections/open');
    if (fault !== undefined) {
      call.why = `injected HTTP ${fault.status}`;
      return [fault.status, fault.body ?? { code: 'ServiceUnavailable', message: 'injected' }];
    }
    const b = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : null;
    if (b === null) return [400, { code: 'InvalidParameter', message: 'body must be JSON' }];
    if (b.clientId !== clientId || b.clientSecret !== clientSecret) {
      call.why = 'bad credentials';
      return [401, { code: 'InvalidAuthentication', message: 'clientId or clientSecret is invalid' }];
    }
    if (!Array.isArray(b.subscriptions) || b.subscriptions.length === 0) return [400, { code: 'MissingParameter', message: 'subscriptions is required' }];
    call.ok = true;
    const ticket = gateway.issueTicket(b.subscriptions as Subscription[]);
    return [200, { endpoint: `ws://127.0.0.1:${port}/connect`, ticket }];
  }

  const dmOf = (user: string): string => `cidDm${Buffer.from(user).toString('hex')}`;

  function say(user: string, text: string, o: SayOptions = {}): Said {
    const conversationId = o.dm === true ? dmOf(user) : (o.conversationId ?? group);
    const session = randomBytes(16).toString('hex');
    const createAt = Date.now();
    const expiresAt = o.webhookExpired === true ? createAt - 1000 : createAt + (opts.webhookTtlMs ?? 90 * 60_000);
    api.sessions.set(session, { conversationId, conversationType: o.dm === true ? '1' : '2', userId: user, expiresAt });
    const msgId = o.msgId ?? `msg${randomBytes(9).toString('base64url')}`;
    const data: Record<string, unknown> = {
      conversationId,
      atUsers: o.dm === true ? [] : [{ dingtalkId: chatbotUserId }],
      chatbotCorpId: corpId,
      chatbotUserId,
      msgId,
      senderNick: user,
      isAdmin: true, // DingTalk's org-admin flag: it must grant nothing
      senderStaffId: user,
      sessionWebhookExpiredTime: expiresAt,
      createAt,
      senderCorpId: corpId,
      conversationType: o.dm === true ? '1' : '2',
      senderId: `$:LWCP_v1:$${Buffer.from(user).toString('base64')}`,
      ...(o.dm === true ? {} : { conversationTitle: 'StarRocks ops', isInAtList: true }),
      sessionWebhook: `http://127.0.0.1:${port}/robot/sendBySession?session=${session}`,
      robotCode: clientId,
      msgtype: o.msgtype ?? 'text',
      ...((o.msgtype ?? 'text') === 'text' ? { text: { content: o.dm === true ? text : ` ${text}` } } : { content: { downloadCode: 'x', pictureDownloadCode: 'y' } }),
      ...o.patch,
    };
    const messageId = gateway.push('CALLBACK', TOPIC_ROBOT, JSON.stringify(data), { ...(o.messageId !== undefined ? { messageId: o.messageId } : {}), dropAfter: o.dropAfter === true });
    return { messageId, msgId, session, conversationId, at: createAt };
  }

  function buttonsOf(card: FakeCard): { text: string; params: Record<string, string> }[] {
    try {
      const list: unknown = JSON.parse(card.params.buttons ?? '[]');
      if (!Array.isArray(list)) return [];
      return list.map((b: { text?: unknown; params?: unknown }) => ({ text: String(b.text ?? ''), params: (typeof b.params === 'object' && b.params !== null ? b.params : {}) as Record<string, string> }));
    } catch {
      return [];
    }
  }

  function click(cardId: string, user: string, label: string | RegExp, o: { params?: Record<string, string>; messageId?: string } = {}): string {
    const card = api.cards.get(cardId);
    if (card === undefined) throw new Error(`fake DingTalk: no card ${cardId}`);
    if (card.callbackType !== 'STREAM') throw new Error(`fake DingTalk: card ${cardId} calls back over ${card.callbackType}, not Stream`);
    if (card.recipients !== null && !card.recipients.includes(user)) throw new Error(`fake DingTalk: ${user} cannot see card ${cardId}`);
    const button = buttonsOf(card).find((b) => (typeof label === 'string' ? b.text === label : label.test(b.text)));
    if (button === undefined && o.params === undefined) throw new Error(`fake DingTalk: card ${cardId} has no button ${String(label)}: ${buttonsOf(card).map((b) => b.text).join(', ')}`);
    const params = o.params ?? button?.params ?? {};
    const content = JSON.stringify({ cardPrivateData: { actionIds: [params.action ?? 'click'], params } });
    const data = { extension: '{}', corpId, spaceType: card.space.type, userIdType: 1, type: 'actionCallback', userId: user, content, spaceId: card.space.id, outTrackId: card.id, value: content };
    return gateway.push('CALLBACK', TOPIC_CARD, JSON.stringify(data), o.messageId !== undefined ? { messageId: o.messageId } : {});
  }

  const cardText = (card: FakeCard): string =>
    [card.params.title, card.params.markdown, card.params.status, ...buttonsOf(card).map((b) => `[${b.text}]`)].filter((s) => s !== undefined && s !== '').join('\n');

  function seen(filter: { message: (m: FakeMessage) => boolean; card: (c: FakeCard) => boolean }, since: number): string[] {
    const items: { seq: number; text: string }[] = [];
    for (const m of api.messages) if (m.at >= since && filter.message(m)) items.push({ seq: m.seq, text: [m.title, m.text].filter(Boolean).join('\n') });
    for (const c of api.cards.values()) if (c.createdAt >= since && filter.card(c)) items.push({ seq: c.seq, text: cardText(c) });
    return items.sort((a, b) => a.seq - b.seq).map((i) => i.text);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;

  return {
    apiUrl: `http://127.0.0.1:${port}`,
    clientId,
    clientSecret,
    group,
    openCalls,
    api,
    gateway,
    say,
    click,
    ping: async () => {
      const opaque = randomUUID();
      const id = gateway.push('SYSTEM', 'ping', JSON.stringify({ opaque }));
      return waitFor(() => gateway.ackOf(id), 'the ACK of a ping');
    },
    cardText,
    buttonsOf,
    seenIn: (conversationId, since = 0) =>
      seen({ message: (m) => m.conversationId === conversationId, card: (c) => c.space.type === 'IM_GROUP' && c.space.id === conversationId }, since),
    seenBy: (userId, since = 0) =>
      seen({ message: (m) => m.via === 'person' && m.userId === userId, card: (c) => c.space.type === 'IM_ROBOT' && c.space.id === userId }, since),
    repliesTo: (said) => api.messages.filter((m) => m.session === said.session),
    dmOf,
    waitFor,
    close: () =>
      new Promise<void>((resolve) => {
        gateway.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function waitFor<T>(probe: () => T | null | undefined | false, what = 'condition', timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== null && v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`fake DingTalk: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
