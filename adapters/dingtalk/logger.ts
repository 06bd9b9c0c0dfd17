// The adapter's logging: a minimal pino-like interface (the bot passes its pino logger). The
// client secret and access tokens are never given to it: they travel only in request bodies
// and headers.

export type LogFn = (obj: object, msg?: string) => void;

export interface SurfaceLogger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

/** A logger that drops everything (quiet tests). */
export const silentLogger: SurfaceLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
