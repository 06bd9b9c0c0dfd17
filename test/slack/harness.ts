// Starts the real Slack surface (Bolt's HTTP receiver on a random port) in front of a test
// core, with the fake Slack Web API as a real server, and talks to it as Slack does.

import { randomBytes } from 'node:crypto';
import { startSlackSurface, type SlackSurface, type SlackSurfaceOptions, type SurfaceLogger } from '../../adapters/slack';
import {
  blockActionsBody,
  fillViewState,
  postSigned,
  slashCommandBody,
  startFakeSlack,
  viewSubmissionBody,
  type BoltAnswer,
  type FakeSlack,
  type FakeView,
  type FoundButton,
  type JsonObject,
} from '../../sim/slack';
import { TestCore } from './test-core';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string | undefined;
}

/** Records log lines. Its methods use `this`, as pino's do, so a detached call fails here too. */
class CapturingLogger implements SurfaceLogger {
  readonly lines: LogLine[] = [];
  debug(obj: object, msg?: string): void {
    this.lines.push({ level: 'debug', obj, msg });
  }
  info(obj: object, msg?: string): void {
    this.lines.push({ level: 'info', obj, msg });
  }
  warn(obj: object, msg?: string): void {
    this.lines.push({ level: 'warn', obj, msg });
  }
  error(obj: object, msg?: string): void {
    this.lines.push({ level: 'error', obj, msg });
  }
}

export function captureLogger(): { logger: SurfaceLogger; lines: LogLine[] } {
  const logger = new CapturingLogger();
  return { logger, lines: logger.lines };
}

export interface Harness {
  fake: FakeSlack;
  core: TestCore;
  surface: SlackSurface;
  /** POST /slack/events of the surface. */
  url: string;
  secret: string;
  logs: LogLine[];
  slash(text: string, user?: string, opts?: { headers?: Record<string, string>; triggerId?: string; channelId?: string; responseUrl?: string }): Promise<{ answer: BoltAnswer; responseUrl: string; triggerId: string }>;
  click(button: FoundButton, user: string, opts?: { headers?: Record<string, string>; triggerId?: string; actionTs?: string; channelId?: string }): Promise<{ answer: BoltAnswer; responseUrl: string }>;
  submit(view: FakeView, set: Record<string, JsonObject>, user: string, opts?: { headers?: Record<string, string>; triggerId?: string }): Promise<BoltAnswer>;
  stop(): Promise<void>;
}

export async function startHarness(opts: { core?: TestCore; surface?: Partial<SlackSurfaceOptions>; secret?: string } = {}): Promise<Harness> {
  const botToken = `xoxb-test-${randomBytes(6).toString('hex')}`;
  const secret = opts.secret ?? randomBytes(16).toString('hex');
  const fake = await startFakeSlack({ botToken });
  const core = opts.core ?? new TestCore();
  const { logger, lines } = captureLogger();
  const surface = await startSlackSurface({
    core,
    botToken,
    signingSecret: secret,
    apiUrl: fake.apiUrl,
    port: 0,
    logger,
    retryConfig: { retries: 0 },
    minEditIntervalMs: 200,
    ...opts.surface,
  });
  const url = `http://127.0.0.1:${surface.port}/slack/events`;
  return {
    fake,
    core,
    surface,
    url,
    secret,
    logs: lines,
    slash: async (text, user = 'U0OPER1', o = {}) => {
      const triggerId = o.triggerId ?? fake.issueTriggerId();
      const responseUrl = o.responseUrl ?? fake.responseUrl();
      const body = slashCommandBody({ text, userId: user, responseUrl, triggerId, ...(o.channelId !== undefined ? { channelId: o.channelId } : {}) });
      return { answer: await postSigned(url, secret, body, o.headers), responseUrl, triggerId };
    },
    click: async (button, user, o = {}) => {
      const responseUrl = fake.responseUrl();
      const body = blockActionsBody({
        userId: user,
        button: { actionId: button.actionId, value: button.value, blockId: button.blockId, text: button.text },
        responseUrl,
        triggerId: o.triggerId ?? fake.issueTriggerId(),
        ...(o.actionTs !== undefined ? { actionTs: o.actionTs } : {}),
        ...(o.channelId !== undefined ? { channelId: o.channelId } : {}),
      });
      return { answer: await postSigned(url, secret, body, o.headers), responseUrl };
    },
    submit: (view, set, user, o = {}) => {
      const body = viewSubmissionBody({ userId: user, view: view.view, values: fillViewState(view.view, set), triggerId: o.triggerId ?? fake.issueTriggerId() });
      return postSigned(url, secret, body, o.headers);
    },
    stop: async () => {
      await surface.stop();
      await fake.close();
    },
  };
}
