// Where the MySQL store lives: `BOT_STORE_URL=mysql://user@host:port/database` (options in the
// query: `leaseSeconds`, `connectionLimit`), the password from `BOT_STORE_PASSWORD` or the URL.
// A URL is only ever shown masked: the password never reaches a log, a message or health.

import { ConfigError } from '../../../src/domain/errors';

export interface MysqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** How long a leader's lease lasts unless renewed (the leader renews every third of it). */
  leaseTtlMs: number;
  connectionLimit: number;
}

export const DEFAULT_LEASE_SECONDS = 15;
const DEFAULT_CONNECTION_LIMIT = 10;
const DATABASE_NAME = /^[A-Za-z0-9_$-]{1,64}$/;
const ACCEPTED_FORM = 'mysql://USER@HOST:PORT/DATABASE (password in BOT_STORE_PASSWORD or as mysql://USER:PASSWORD@HOST/DATABASE)';
const OPTIONS: Record<string, { min: number; max: number; what: string }> = {
  leaseSeconds: { min: 2, max: 300, what: 'the leader lease in whole seconds' },
  connectionLimit: { min: 2, max: 100, what: 'the connection pool size' },
};

/** The URL as it may be shown: the password replaced by `***`. */
export function describeTarget(target: Pick<MysqlTarget, 'user' | 'password' | 'host' | 'port' | 'database'>): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  const secret = target.password === '' ? '' : ':***';
  return `mysql://${encodeURIComponent(target.user)}${secret}@${host}:${target.port}/${target.database}`;
}

/** Masks the password of anything that looks like a URL with credentials (`scheme://user:pass@`). */
export function maskUrlPasswords(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@\s]*@/gi, '$1:***@');
}

function option(name: string, raw: string, problems: string[]): number | undefined {
  const rule = OPTIONS[name];
  if (!rule) {
    problems.push(`BOT_STORE_URL: unknown option ${JSON.stringify(name.slice(0, 40))}; accepted: ${Object.keys(OPTIONS).join(', ')}`);
    return undefined;
  }
  const value = /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < rule.min || value > rule.max) {
    problems.push(`BOT_STORE_URL: ${name} is ${rule.what}, a whole number from ${rule.min} to ${rule.max}, got ${JSON.stringify(raw.slice(0, 20))}`);
    return undefined;
  }
  return value;
}

function decoded(part: string, what: string, problems: string[]): string {
  try {
    return decodeURIComponent(part);
  } catch {
    problems.push(`BOT_STORE_URL: the ${what} is not valid percent-encoding`);
    return '';
  }
}

/**
 * Reads `BOT_STORE_URL` (and `BOT_STORE_PASSWORD`, which wins over a password in the URL).
 * Throws a `ConfigError` listing every problem; no message repeats the password.
 */
export function parseStoreUrl(url: string, passwordFromEnv?: string): MysqlTarget {
  const problems: string[] = [];
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new ConfigError([`BOT_STORE_URL: not a URL; expected ${ACCEPTED_FORM}`], 'environment');
  }
  if (parsed.protocol !== 'mysql:') {
    throw new ConfigError([`BOT_STORE_URL: the scheme must be mysql:, got ${JSON.stringify(parsed.protocol.slice(0, 20))}; expected ${ACCEPTED_FORM}`], 'environment');
  }
  const user = decoded(parsed.username, 'user', problems);
  if (user === '') problems.push(`BOT_STORE_URL: no user; expected ${ACCEPTED_FORM}`);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') problems.push(`BOT_STORE_URL: no host; expected ${ACCEPTED_FORM}`);
  const port = parsed.port === '' ? 3306 : Number(parsed.port);
  const database = decoded(parsed.pathname.replace(/^\//, ''), 'database', problems);
  if (!DATABASE_NAME.test(database)) {
    problems.push(`BOT_STORE_URL: the database must be named after the host, in letters, digits, _, $ or - (at most 64), got ${JSON.stringify(database.slice(0, 70))}`);
  }
  if (parsed.hash !== '') problems.push('BOT_STORE_URL: a #fragment means nothing here; remove it');
  const values: Record<string, number | undefined> = {};
  for (const [name, raw] of parsed.searchParams) values[name] = option(name, raw, problems);
  if (problems.length) throw new ConfigError(problems, 'environment');
  const password = passwordFromEnv !== undefined && passwordFromEnv !== '' ? passwordFromEnv : decoded(parsed.password, 'password', []);
  return {
    host,
    port,
    user,
    password,
    database,
    leaseTtlMs: (values.leaseSeconds ?? DEFAULT_LEASE_SECONDS) * 1000,
    connectionLimit: values.connectionLimit ?? DEFAULT_CONNECTION_LIMIT,
  };
}
