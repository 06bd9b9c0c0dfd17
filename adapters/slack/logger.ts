// The adapter's logging: a minimal pino-like interface (the lead passes a pino logger), and a
// bridge so Bolt and the Web API client log through it. Tokens never reach a log line.

import { LogLevel } from '@slack/bolt';
import type { Logger as BoltLogger } from '@slack/bolt';

export type LogFn = (obj: object, msg?: string) => void;

export interface SurfaceLogger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

const TOKEN = /\b(xox[abposr]|xapp|xoxe(?:\.xox[bp])?)-[A-Za-z0-9-]+/g;

/** Masks Slack tokens and the given secrets in a line of text. */
export function maskSecrets(text: string, secrets: string[] = []): string {
  let out = text.replace(TOKEN, '$1-[masked]');
  for (const s of secrets) if (s.length >= 6) out = out.split(s).join('[masked]');
  return out;
}

function describe(parts: unknown[]): string {
  return parts
    .map((p) => {
      if (typeof p === 'string') return p;
      if (p instanceof Error) return `${p.name}: ${p.message}`;
      try {
        return JSON.stringify(p);
      } catch {
        return String(p);
      }
    })
    .join(' ');
}

const ORDER: Record<LogLevel, number> = { [LogLevel.DEBUG]: 0, [LogLevel.INFO]: 1, [LogLevel.WARN]: 2, [LogLevel.ERROR]: 3 };

/** A Bolt / web-api Logger that writes through the surface logger, secrets masked. */
export function boltLogger(log: SurfaceLogger, component: string, secrets: string[], initial = LogLevel.INFO): BoltLogger {
  let level = initial;
  let name = component;
  const emit = (at: LogLevel, fn: LogFn, parts: unknown[]): void => {
    if (ORDER[at] < ORDER[level]) return;
    fn({ component: name }, maskSecrets(describe(parts), secrets));
  };
  return {
    debug: (...m: unknown[]) => emit(LogLevel.DEBUG, log.debug, m),
    info: (...m: unknown[]) => emit(LogLevel.INFO, log.info, m),
    warn: (...m: unknown[]) => emit(LogLevel.WARN, log.warn, m),
    error: (...m: unknown[]) => emit(LogLevel.ERROR, log.error, m),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: (n: string) => {
      name = n;
    },
  };
}

/** A logger that drops everything (benchmarks, quiet tests). */
export const silentLogger: SurfaceLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
