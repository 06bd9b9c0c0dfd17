// Starts the Slack surface: a Bolt app in HTTP mode (signed requests on POST /slack/events,
// with /healthz and /metrics as custom routes on the same port) or in Socket Mode (plus a
// plain HTTP server for those routes), the Web API client, and the Notifier.

import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel, type AuthorizeResult } from '@slack/bolt';
import type { CommandCore } from '../../src/ports';
import { OutsideError } from '../../src/domain/errors';
import type { Notifier } from '../../src/ports';
import type { SeenRequests } from './dedupe';
import { ReplyDelivery } from './deliver';
import { registerHandlers } from './handlers';
import { boltLogger, type SurfaceLogger } from './logger';
import { clip } from './payloads';
import { SlackNotifier } from './notifier';
import { GatedReceiver, routeFor, type SlackRoute } from './receiver';
import { createWebClient, slackErrorCode, toOutsideError, type RetryConfig, type Sleep } from './web';

export interface SlackSurfaceOptions {
  core: CommandCore;
  botToken: string;
  signingSecret: string;
  /** Set → Socket Mode (an xapp- token with connections:write). */
  appToken?: string;
  /** SLACK_API_URL: the Web API base, e.g. http://127.0.0.1:P/api/. */
  apiUrl?: string;
  /** HTTP mode: POST /slack/events on this port (0 = any free port). Socket Mode: the routes. */
  port: number;
  routes?: SlackRoute[];
  logger: SurfaceLogger;
  /** Retries of 5xx and network failures by the Web API client (tests: `{ retries: 0 }`). */
  retryConfig?: RetryConfig;
  /** Least time between two edits of one progress message; default 3000 ms. */
  minEditIntervalMs?: number;
  sleep?: Sleep;
  /** How long a form submission waits for the core before the modal closes anyway. */
  submitTimeoutMs?: number;
  /** Requests handled before, kept across restarts (the bot passes one on its store). */
  seenRequests?: SeenRequests;
  /** Now, for the signature's time window (tests). */
  now?: () => number;
}

export type { SlackRoute };

export interface SlackSurface {
  notifier: Notifier;
  stop(): Promise<void>;
  /** The port listened on (the actual one when 0 was given). */
  port: number;
}

interface BotIdentity {
  botId?: string;
  botUserId?: string;
  teamId?: string;
}

export async function startSlackSurface(opts: SlackSurfaceOptions): Promise<SlackSurface> {
  const secrets = [opts.botToken, opts.signingSecret, ...(opts.appToken !== undefined ? [opts.appToken] : [])];
  const log = opts.logger;
  const client = createWebClient({ botToken: opts.botToken, apiUrl: opts.apiUrl, retryConfig: opts.retryConfig, logger: log, secrets });
  // A short-lived client for the start-up check: a blackholed API must not hold the start.
  const startupClient = createWebClient({ botToken: opts.botToken, apiUrl: opts.apiUrl, retryConfig: { retries: 1, minTimeout: 500, maxTimeout: 1000 }, logger: log, secrets, timeoutMs: 5000 });
  const identity = await whoAmI(startupClient, log);

  const boltLog = boltLogger(log, 'slack-bolt', secrets, LogLevel.INFO);
  // Our own authorize: the bot token with the identity learnt once at start, so no request
  // waits on an auth.test call before it is acknowledged.
  const authorize = async (): Promise<AuthorizeResult> => ({ botToken: opts.botToken, ...identity });
  const clientOptions = { ...(opts.apiUrl !== undefined ? { slackApiUrl: opts.apiUrl } : {}), retryConfig: opts.retryConfig ?? { retries: 2 } };
  const socketMode = opts.appToken !== undefined && opts.appToken !== '';

  const app = socketMode
    ? new App({ authorize, appToken: opts.appToken, socketMode: true, logger: boltLog, clientOptions, convoStore: false })
    : new App({
        authorize,
        logger: boltLog,
        clientOptions,
        convoStore: false,
        // Our receiver, not Bolt's HTTPReceiver: it checks every request before Bolt sees it.
        receiver: new GatedReceiver({
          signingSecret: opts.signingSecret,
          routes: opts.routes ?? [],
          logger: log,
          boltLogger: boltLog,
          ...(opts.now !== undefined ? { now: opts.now } : {}),
        }),
      });

  const delivery = new ReplyDelivery({ client, logger: log, ...(opts.sleep !== undefined ? { sleep: opts.sleep } : {}) });
  registerHandlers(app, {
    core: opts.core,
    delivery,
    logger: log,
    ...(opts.submitTimeoutMs !== undefined ? { submitTimeoutMs: opts.submitTimeoutMs } : {}),
    ...(opts.seenRequests !== undefined ? { seen: opts.seenRequests } : {}),
  });
  app.error(async (err) => {
    log.error({ err: clip(err.message, 300), code: err.code }, 'Slack listener failed');
  });

  let server: Server;
  if (socketMode) {
    server = await listenForRoutes(opts.port, opts.routes ?? []);
    try {
      await app.start();
    } catch (err) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const e = toOutsideError(err, 'apps.connections.open');
      throw new OutsideError('slack', e.kind, `Socket Mode could not connect with SLACK_APP_TOKEN (${e.message})`, err);
    }
  } else {
    const started: unknown = await app.start(opts.port);
    if (!(started instanceof http.Server)) throw new Error('Bolt HTTP receiver did not return a server');
    server = started;
  }
  const port = (server.address() as AddressInfo).port;
  log.info({ mode: socketMode ? 'socket' : 'http', port, team: identity.teamId }, 'Slack surface listening');

  const notifier = new SlackNotifier({
    client,
    logger: log,
    ...(opts.minEditIntervalMs !== undefined ? { minEditIntervalMs: opts.minEditIntervalMs } : {}),
    ...(opts.sleep !== undefined ? { sleep: opts.sleep } : {}),
  });

  return {
    notifier,
    port,
    stop: async () => {
      await app.stop().catch((err: unknown) => log.warn({ err: String(err) }, 'stopping Bolt'));
      if (socketMode) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * auth.test once at start. A refused token fails the start clearly; an unreachable API is
 * logged and the surface starts anyway (the identity is only used for logs and Bolt's context).
 */
async function whoAmI(client: ReturnType<typeof createWebClient>, log: SurfaceLogger): Promise<BotIdentity> {
  try {
    const res = await client.auth.test();
    const identity: BotIdentity = {};
    if (typeof res.bot_id === 'string') identity.botId = res.bot_id;
    if (typeof res.user_id === 'string') identity.botUserId = res.user_id;
    if (typeof res.team_id === 'string') identity.teamId = res.team_id;
    return identity;
  } catch (err) {
    const code = slackErrorCode(err);
    if (code === 'invalid_auth' || code === 'not_authed' || code === 'account_inactive' || code === 'token_revoked') {
      throw new Error(`Slack refused SLACK_BOT_TOKEN (auth.test: ${code}). Check the bot token of the installed app.`);
    }
    log.warn({ err: toOutsideError(err, 'auth.test').message }, 'Slack auth.test failed; starting without the bot identity');
    return {};
  }
}

/** Socket Mode has no HTTP receiver: a small server for /healthz and /metrics. */
function listenForRoutes(port: number, routes: SlackRoute[]): Promise<Server> {
  const server = http.createServer((req, res) => {
    const handler = routeFor(routes, (req.url ?? '/').split('?')[0], req.method);
    if (handler === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    handler(req, res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}
