// The HTTP side of the fake DingTalk: access tokens, the robot's message APIs, advanced cards
// and session webhooks, each checking what DingTalk checks (a token it issued, the robotCode,
// msgParam as a JSON string, card data as a map of strings, known cards, a live session) and
// answering as DingTalk does. What the robot said is kept as a user would see it.

import { randomBytes, randomUUID } from 'node:crypto';

export interface FakeCall {
  seq: number;
  method: string;
  path: string;
  status: number;
  body: unknown;
  answer: unknown;
  at: number;
}

/** A message the robot sent: through a session webhook, to a group, or to one person. */
export interface FakeMessage {
  seq: number;
  via: 'webhook' | 'group' | 'person';
  conversationId: string | null;
  userId: string | null;
  /** The session of the message a webhook reply answers. */
  session: string | null;
  msgtype: string;
  title: string;
  text: string;
  at: number;
}

export interface FakeCard {
  id: string;
  templateId: string;
  callbackType: string;
  space: { type: 'IM_GROUP' | 'IM_ROBOT'; id: string };
  /** In a group, who may see the card; null = everyone. */
  recipients: string[] | null;
  params: Record<string, string>;
  /** Every version of the data, the first included. */
  history: Record<string, string>[];
  createdAt: number;
  seq: number;
}

export interface Session {
  conversationId: string;
  conversationType: '1' | '2';
  userId: string;
  expiresAt: number;
}

export type Fault = { status: number; body?: Record<string, unknown>; retryAfter?: number };

type Answer = [number, unknown, Record<string, string>?];

const MSG_KEYS: Record<string, string[]> = {
  sampleText: ['content'],
  sampleMarkdown: ['title', 'text'],
  sampleActionCard: ['title', 'text'],
  sampleLink: ['title', 'text', 'messageUrl'],
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const err = (status: number, code: string, message: string): Answer => [status, { code, message, requestid: randomUUID() }];

export class FakeOpenApi {
  readonly calls: FakeCall[] = [];
  readonly messages: FakeMessage[] = [];
  readonly cards = new Map<string, FakeCard>();
  readonly sessions = new Map<string, Session>();
  private readonly tokens = new Map<string, number>();
  private readonly faults = new Map<string, Fault[]>();
  private seq = 0;

  constructor(private readonly cfg: { clientId: string; clientSecret: string; tokenTtlSeconds: number; cardTemplates: string[] | null }) {}

  get tokensIssued(): number {
    return this.tokens.size;
  }

  /** Forgets every issued token, as if they had expired. */
  expireTokens(): void {
    this.tokens.clear();
  }

  failNext(key: string, fault: Fault, times = 1): void {
    const list = this.faults.get(key) ?? [];
    for (let i = 0; i < times; i++) list.push(fault);
    this.faults.set(key, list);
  }

  /** The next injected fault of a path (or `sessionWebhook`), if any. */
  takeFault(key: string): Fault | undefined {
    return this.faults.get(key)?.shift();
  }

  /** Answers one HTTP request; `key` is the path, or `sessionWebhook`. */
  answer(method: string, url: URL, headers: Record<string, string | string[] | undefined>, raw: string): Answer {
    const path = url.pathname;
    let body: unknown;
    try {
      body = raw === '' ? null : JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const key = path.startsWith('/robot/sendBySession') ? 'sessionWebhook' : path;
    const fault = this.takeFault(key);
    const result: Answer = fault !== undefined ? [fault.status, fault.body ?? { code: 'Fault', message: 'injected' }, fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {}] : this.route(method, path, url, headers, body);
    this.calls.push({ seq: ++this.seq, method, path, status: result[0], body, answer: result[1], at: Date.now() });
    return result;
  }

  private route(method: string, path: string, url: URL, headers: Record<string, string | string[] | undefined>, body: unknown): Answer {
    if (method === 'POST' && path === '/v1.0/oauth2/accessToken') {
      if (!isObject(body) || body.appKey !== this.cfg.clientId || body.appSecret !== this.cfg.clientSecret) return err(400, 'invalidClientIdOrSecret', '无效的clientId或者clientSecret');
      const token = `at${randomBytes(16).toString('hex')}`;
      this.tokens.set(token, Date.now() + this.cfg.tokenTtlSeconds * 1000);
      return [200, { accessToken: token, expireIn: this.cfg.tokenTtlSeconds }];
    }
    if (method === 'POST' && path.startsWith('/robot/sendBySession')) return this.webhook(url, headers, body);
    if (!/^\/v1\.0\/(robot|card|im)\//.test(path)) return err(404, 'NotFound', `no such API ${path}`);
    const token = headers['x-acs-dingtalk-access-token'];
    const expiry = typeof token === 'string' ? this.tokens.get(token) : undefined;
    if (expiry === undefined || expiry < Date.now()) return err(401, 'InvalidAuthentication', '不合法的access_token');
    if (!isObject(body)) return err(400, 'InvalidParameter', 'the body is not a JSON object');
    if (method === 'POST' && path === '/v1.0/robot/groupMessages/send') return this.robotSend('group', body);
    if (method === 'POST' && path === '/v1.0/robot/oToMessages/batchSend') return this.robotSend('person', body);
    if (method === 'POST' && path === '/v1.0/card/instances/createAndDeliver') return this.createCard(body);
    if (method === 'PUT' && path === '/v1.0/card/instances') return this.updateCard(body);
    return err(404, 'NotFound', `the fake does not implement ${method} ${path}`);
  }

  private webhook(url: URL, headers: Record<string, string | string[] | undefined>, body: unknown): Answer {
    const token = url.searchParams.get('session') ?? '';
    const session = this.sessions.get(token);
    if (session === undefined) return [200, { errcode: 300001, errmsg: 'session does not exist' }];
    if (Date.now() > session.expiresAt) return [200, { errcode: 300001, errmsg: 'session has expired' }];
    if (!/json/i.test(String(headers['content-type'] ?? ''))) return [200, { errcode: 40035, errmsg: '缺少参数 json' }];
    if (!isObject(body)) return [200, { errcode: 40035, errmsg: '缺少参数 json' }];
    const md = isObject(body.markdown) ? body.markdown : null;
    const text = isObject(body.text) ? body.text : null;
    if (body.msgtype === 'markdown' && md !== null && typeof md.title === 'string' && typeof md.text === 'string' && md.text !== '') {
      this.said('webhook', { ...session, session: token }, 'markdown', md.title, md.text);
      return [200, { errcode: 0, errmsg: 'ok' }];
    }
    if (body.msgtype === 'text' && text !== null && typeof text.content === 'string' && text.content !== '') {
      this.said('webhook', { ...session, session: token }, 'text', '', text.content);
      return [200, { errcode: 0, errmsg: 'ok' }];
    }
    return [200, { errcode: 40035, errmsg: '缺少参数 json' }];
  }

  private said(via: FakeMessage['via'], where: { conversationId: string | null; userId: string | null; session?: string }, msgtype: string, title: string, text: string): void {
    this.messages.push({ seq: ++this.seq, via, conversationId: where.conversationId, userId: where.userId, session: where.session ?? null, msgtype, title, text, at: Date.now() });
  }

  private robotSend(to: 'group' | 'person', body: Record<string, unknown>): Answer {
    if (body.robotCode !== this.cfg.clientId) return err(400, 'resource.not.found', `robot ${String(body.robotCode)} not found`);
    const fields = typeof body.msgKey === 'string' ? MSG_KEYS[body.msgKey] : undefined;
    if (fields === undefined) return err(400, 'InvalidParameter.MsgKey', 'msgKey is not a known message template');
    if (typeof body.msgParam !== 'string') return err(400, 'InvalidParameter.MsgParam', 'msgParam must be a JSON string');
    let param: unknown;
    try {
      param = JSON.parse(body.msgParam);
    } catch {
      return err(400, 'InvalidParameter.MsgParam', 'msgParam is not JSON');
    }
    if (!isObject(param) || fields.some((f) => typeof param[f] !== 'string')) return err(400, 'InvalidParameter.MsgParam', `msgParam needs ${fields.join(', ')}`);
    const title = typeof param.title === 'string' ? param.title : '';
    const text = String(param.text ?? param.content ?? '');
    if (to === 'group') {
      if (typeof body.openConversationId !== 'string' || body.openConversationId === '') return err(400, 'MissingParameter', 'openConversationId is required');
      this.said('group', { conversationId: body.openConversationId, userId: null }, body.msgKey as string, title, text);
      return [200, { processQueryKey: randomBytes(12).toString('base64') }];
    }
    const users = body.userIds;
    if (!Array.isArray(users) || users.length === 0 || users.length > 20 || users.some((u) => typeof u !== 'string' || u === '')) {
      return err(400, 'InvalidParameter.UserIds', 'userIds must list 1 to 20 user ids');
    }
    for (const u of users as string[]) this.said('person', { conversationId: null, userId: u }, body.msgKey as string, title, text);
    return [200, { processQueryKey: randomBytes(12).toString('base64'), invalidStaffIdList: [], flowControlledStaffIdList: [] }];
  }

  private createCard(body: Record<string, unknown>): Answer {
    const id = body.outTrackId;
    const template = body.cardTemplateId;
    if (typeof id !== 'string' || id === '' || typeof template !== 'string' || template === '') return err(400, 'MissingParameter', 'outTrackId and cardTemplateId are required');
    if (this.cfg.cardTemplates !== null && !this.cfg.cardTemplates.includes(template)) return err(400, 'param.templateNotExist', `card template ${template} does not exist`);
    if (this.cards.has(id)) return err(400, 'param.outTrackIdExist', `card ${id} exists already`);
    const params = paramMap(body.cardData);
    if (typeof params === 'string') return err(400, 'InvalidParameter.CardData', params);
    const m = /^dtv1\.card\/\/(IM_GROUP|IM_ROBOT)\.(.+)$/.exec(typeof body.openSpaceId === 'string' ? body.openSpaceId : '');
    if (m === null) return err(400, 'InvalidParameter.OpenSpaceId', 'openSpaceId must be dtv1.card//IM_GROUP.<cid> or dtv1.card//IM_ROBOT.<userId>');
    const type = m[1] as 'IM_GROUP' | 'IM_ROBOT';
    let recipients: string[] | null = null;
    if (type === 'IM_GROUP') {
      const deliver = body.imGroupOpenDeliverModel;
      if (!isObject(deliver) || deliver.robotCode !== this.cfg.clientId) return err(400, 'InvalidParameter.RobotCode', 'imGroupOpenDeliverModel.robotCode must be the robot of the group');
      if (Array.isArray(deliver.recipients)) recipients = deliver.recipients.filter((r): r is string => typeof r === 'string');
    } else {
      const deliver = body.imRobotOpenDeliverModel;
      if (!isObject(deliver) || deliver.spaceType !== 'IM_ROBOT') return err(400, 'InvalidParameter', 'imRobotOpenDeliverModel.spaceType must be IM_ROBOT');
    }
    const callbackType = typeof body.callbackType === 'string' ? body.callbackType : 'STREAM';
    const card: FakeCard = { id, templateId: template, callbackType, space: { type, id: m[2] as string }, recipients, params, history: [{ ...params }], createdAt: Date.now(), seq: ++this.seq };
    this.cards.set(id, card);
    return [200, { success: true, result: { outTrackId: id, deliverResults: [{ spaceType: type, spaceId: card.space.id, success: true, carrierId: randomBytes(8).toString('hex') }] } }];
  }

  private updateCard(body: Record<string, unknown>): Answer {
    const card = typeof body.outTrackId === 'string' ? this.cards.get(body.outTrackId) : undefined;
    if (card === undefined) return err(400, 'param.cardNotExist', `card instance ${String(body.outTrackId)} does not exist`);
    const params = paramMap(body.cardData);
    if (typeof params === 'string') return err(400, 'InvalidParameter.CardData', params);
    const byKey = isObject(body.cardUpdateOptions) && body.cardUpdateOptions.updateCardDataByKey === true;
    card.params = byKey ? { ...card.params, ...params } : params;
    card.history.push({ ...card.params });
    return [200, { success: true, result: true }];
  }
}

/** cardData.cardParamMap, which DingTalk models as map<string, string>; or what is wrong with it. */
function paramMap(cardData: unknown): Record<string, string> | string {
  if (!isObject(cardData) || !isObject(cardData.cardParamMap)) return 'cardData.cardParamMap is required';
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(cardData.cardParamMap)) {
    if (typeof v !== 'string') return `cardParamMap.${k} must be a string`;
    out[k] = v;
  }
  return out;
}
