// Starts the DingTalk surface: the Stream Mode connection (robot messages and card callbacks),
// the open API client for replies and cards, and the Notifier for announcements.

import type { CommandCore } from '../../src/ports';
import type { Notifier } from '../../src/ports';
import { CardRegistry } from './cards';
import type { SeenMessages } from './dedupe';
import { ReplyDelivery } from './deliver';
import { TOPIC_CARD, TOPIC_ROBOT } from './frames';
import { createFrameHandler } from './handlers';
import type { SurfaceLogger } from './logger';
import { Messenger } from './messenger';
import { DingTalkNotifier } from './notifier';
import { OpenApi, type Sleep } from './open-api';
import { StreamClient } from './stream-client';
import { WorkQueue } from './work-queue';

export const DEFAULT_API_URL = 'https://api.dingtalk.com';
/** The card template id used when DINGTALK_CARD_TEMPLATE_ID is not set (README: "Connect to DingTalk"). */
export const DEFAULT_CARD_TEMPLATE_ID = 'starrocks-backup-bot.schema';

export interface DingTalkSurfaceOptions {
  core: CommandCore;
  clientId: string;
  clientSecret: string;
  /** DINGTALK_API_URL: the open API base (connection-open, tokens, robot and card APIs). */
  apiUrl?: string;
  /** The robot's code; default the client id (an app robot's code is its AppKey). */
  robotCode?: string;
  /** The advanced card template whose variables are `title`, `markdown`, `status`, `buttons`. */
  cardTemplateId?: string;
  /** Remembers message ids across restarts, so a redelivered frame runs once. */
  seen: SeenMessages;
  logger: SurfaceLogger;
  /** Reconnect back-off of the Stream connection; default 1 s .. 60 s. */
  backoff?: { minMs: number; maxMs: number };
  heartbeatMs?: number;
  /** How long the WebSocket upgrade may take; default 15 s. */
  handshakeTimeoutMs?: number;
  /** Least time between two updates of one card; default 3000 ms. */
  minEditIntervalMs?: number;
  /** Robot sends per conversation per minute; default 20. */
  perMinute?: number;
  /** Messages and clicks worked on at once after their ACK; default 8. */
  workConcurrency?: number;
  sleep?: Sleep;
  now?: () => number;
}

export interface DingTalkSurface {
  notifier: Notifier;
  /** Whether the Stream socket is open now. */
  readonly connected: boolean;
  /** Stream connections opened so far. */
  readonly connections: number;
  stop(): Promise<void>;
}

export async function startDingTalkSurface(opts: DingTalkSurfaceOptions): Promise<DingTalkSurface> {
  const log = opts.logger;
  const now = opts.now ?? Date.now;
  const apiUrl = opts.apiUrl ?? DEFAULT_API_URL;
  const api = new OpenApi({ apiUrl, clientId: opts.clientId, clientSecret: opts.clientSecret, logger: log, now, ...(opts.sleep ? { sleep: opts.sleep } : {}) });
  const messenger = new Messenger({
    api,
    robotCode: opts.robotCode ?? opts.clientId,
    cardTemplateId: opts.cardTemplateId ?? DEFAULT_CARD_TEMPLATE_ID,
    now,
    ...(opts.perMinute !== undefined ? { perMinute: opts.perMinute } : {}),
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
  });
  const cards = new CardRegistry();
  const delivery = new ReplyDelivery({ messenger, cards, logger: log, now });
  const work = new WorkQueue(opts.workConcurrency ?? 8, (err) =>
    log.error({ err: err instanceof Error ? err.message : String(err) }, 'DingTalk frame failed after its ACK'),
  );

  let client: StreamClient | null = null;
  const handle = createFrameHandler({
    core: opts.core,
    ack: (messageId, response) => client?.ack(messageId, response),
    delivery,
    messenger,
    cards,
    seen: opts.seen,
    work,
    logger: log,
    now: () => new Date(now()),
  });
  client = new StreamClient({
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    apiUrl,
    topics: [TOPIC_ROBOT, TOPIC_CARD],
    onCallback: handle,
    logger: log,
    ...(opts.backoff ? { backoff: opts.backoff } : {}),
    ...(opts.heartbeatMs !== undefined ? { heartbeatMs: opts.heartbeatMs } : {}),
    ...(opts.handshakeTimeoutMs !== undefined ? { handshakeTimeoutMs: opts.handshakeTimeoutMs } : {}),
  });
  await client.start();
  const stream = client;

  const notifier = new DingTalkNotifier({
    messenger,
    delivery,
    logger: log,
    now,
    ...(opts.minEditIntervalMs !== undefined ? { minEditIntervalMs: opts.minEditIntervalMs } : {}),
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
  });
  log.info({ apiUrl, connected: stream.isConnected }, 'DingTalk surface started');

  return {
    notifier,
    get connected() {
      return stream.isConnected;
    },
    get connections() {
      return stream.connections;
    },
    async stop() {
      stream.stop();
      await work.idle();
    },
  };
}
