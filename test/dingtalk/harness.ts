// Starts the real DingTalk surface (the dingtalk-stream client over a real WebSocket) in front
// of a command core, against the fake DingTalk, with fast reconnects for tests.

import type { CommandCore } from '../../src/ports';
import { MemorySeenMessages, startDingTalkSurface, type DingTalkSurface, type DingTalkSurfaceOptions, type SeenMessages, type SurfaceLogger } from '../../adapters/dingtalk';
import { startFakeDingTalk, type FakeDingTalk, type FakeDingTalkOptions } from '../../sim/dingtalk';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string | undefined;
}

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

export interface DingTalkHarness {
  fake: FakeDingTalk;
  surface: DingTalkSurface;
  logs: LogLine[];
  /** Starts another surface on the same fake (a restart), with the given store of seen ids. */
  restart(seen: SeenMessages): Promise<DingTalkSurface>;
  stop(): Promise<void>;
}

export async function startDingTalkHarness(
  core: CommandCore,
  opts: { fake?: FakeDingTalkOptions; surface?: Partial<DingTalkSurfaceOptions>; seen?: SeenMessages } = {},
): Promise<DingTalkHarness> {
  const fake = await startFakeDingTalk(opts.fake);
  const logger = new CapturingLogger();
  const options = (seen: SeenMessages): DingTalkSurfaceOptions => ({
    core,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    apiUrl: fake.apiUrl,
    seen,
    logger,
    backoff: { minMs: 20, maxMs: 200 },
    heartbeatMs: 0,
    handshakeTimeoutMs: 300,
    minEditIntervalMs: 50,
    ...opts.surface,
  });
  let surface = await startDingTalkSurface(options(opts.seen ?? new MemorySeenMessages()));
  await fake.waitFor(() => fake.gateway.open > 0, 'the Stream connection');
  return {
    fake,
    get surface() {
      return surface;
    },
    logs: logger.lines,
    async restart(seen) {
      await surface.stop();
      await fake.waitFor(() => fake.gateway.open === 0, 'the old connection to close');
      surface = await startDingTalkSurface(options(seen));
      await fake.waitFor(() => fake.gateway.open > 0, 'the new Stream connection');
      return surface;
    },
    async stop() {
      await surface.stop();
      await fake.close();
    },
  };
}
