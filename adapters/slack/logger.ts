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

/** Longest line Bolt or the Web API client may log: a huge payload field is not repeated whole. */
export const MAX_LOG_LINE = 2000;

function capLine(line: string): string {
  return line.length <= MAX_LOG_LINE ? line : `${line.slice(0, MAX_LOG_LINE)}… (${line.length} chars)`;
}

const ORDER: Record<LogLevel, number> = { [LogLevel.DEBUG]: 0, [LogLevel.INFO]: 1, [LogLevel.WARN]: 2, [LogLevel.ERROR]: 3 };

/** A Bolt / web-api Logger that writes through the surface logger, secrets masked. */
export function boltLogger(log: SurfaceLogger, component: string, secrets: string[], initial = LogLevel.INFO): BoltLogger {
  let level = initial;
  let name = component;
  // Called as methods of `log`: pino's methods need their `this`.
  const emit = (at: LogLevel, parts: unknown[]): void => {
    if (ORDER[at] < ORDER[level]) return;
    const line = capLine(maskSecrets(describe(parts), secrets));
    const obj = { component: name };
    if (at === LogLevel.DEBUG) log.debug(obj, line);
    else if (at === LogLevel.INFO) log.info(obj, line);
    else if (at === LogLevel.WARN) log.warn(obj, line);
    else log.error(obj, line);
  };
  return {
    debug: (...m: unknown[]) => emit(LogLevel.DEBUG, m),
    info: (...m: unknown[]) => emit(LogLevel.INFO, m),
    warn: (...m: unknown[]) => emit(LogLevel.WARN, m),
    error: (...m: unknown[]) => emit(LogLevel.ERROR, m),
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
