// StarRocks failures in the core's words. Classified by MESSAGE TEXT, not codes: 2.5-3.3 send
// 1064/HY000, newer builds 5064/42000 and 5502/42602 (reference §8.1). The wrappers
// `Getting analyzing error. Detail message: ...` and `Unexpected exception: ...` are stripped so
// the message is StarRocks' own text. Passwords and secrets never appear in what is thrown.

import { OutsideError, type OutsideErrorKind } from '../../src/domain/errors';

interface MysqlLikeError {
  code?: unknown;
  errno?: unknown;
  sqlState?: unknown;
  message?: unknown;
  fatal?: unknown;
}

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EADDRNOTAVAIL']);
const LOST_CODES = new Set(['PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'EPIPE', 'ERR_STREAM_DESTROYED']);

function fields(err: unknown): { code: string; message: string } {
  const e = (err && typeof err === 'object' ? err : {}) as MysqlLikeError;
  return {
    code: typeof e.code === 'string' ? e.code : '',
    message: typeof e.message === 'string' ? e.message : String(err),
  };
}

/** Can't reach the FE at all (safe to try the next FE, even for a statement that changes state). */
export function isConnectFailure(err: unknown): boolean {
  return CONNECT_CODES.has(fields(err).code);
}

/** The connection went away while a statement was in flight (its outcome is unknown). */
export function isConnectionLost(err: unknown): boolean {
  const { code, message } = fields(err);
  return LOST_CODES.has(code) || /connection is in closed state|Connection lost/i.test(message);
}

export function isQueryTimeout(err: unknown): boolean {
  return fields(err).code === 'PROTOCOL_SEQUENCE_TIMEOUT';
}

/** StarRocks' own text, without the analyzer / DDL wrappers. */
export function starRocksText(message: string): string {
  let text = message.trim();
  const analyzing = /^Getting analyzing error(?: from line \d+, column \d+ to line \d+, column \d+)?\. Detail message: ([\s\S]*)$/.exec(text);
  if (analyzing?.[1] !== undefined) text = analyzing[1].replace(/\.$/, '');
  text = text.replace(/^Unexpected exception: /, '');
  return text;
}

const BY_TEXT: [RegExp, OutsideErrorKind][] = [
  [/Access denied for user/i, 'auth'],
  [/Access denied|privilege|permission denied/i, 'privileges'],
  [/Unknown database/i, 'unknown_database'],
  [/Can only run one backup or restore job|Another backup or restore job is being submitted/i, 'job_running'],
  [/already exist in repository/i, 'snapshot_exists'],
  [/Repository \[?[\w-]*\]? ?does not exist/i, 'repository_missing'],
  [/Repository \S+ is read only/i, 'repository_read_only'],
  [/is not a OLAP table|can not support backup restore|does not support backup|temp partitions/i, 'unsupported_table'],
];

export function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join('***');
  return out;
}

/**
 * An OutsideError for any failure of a StarRocks call. `what` names the operation for errors
 * that have no StarRocks text (connection failures); `secrets` are masked out of every message.
 */
export function toOutsideError(err: unknown, what: string, secrets: string[]): OutsideError {
  if (err instanceof OutsideError) return err;
  const { code, message } = fields(err);
  const cause = { code, errno: (err as MysqlLikeError | null)?.errno, sqlState: (err as MysqlLikeError | null)?.sqlState };
  const say = (kind: OutsideErrorKind, text: string) => new OutsideError('starrocks', kind, redact(text, secrets), cause);
  if (isQueryTimeout(err)) return say('timeout', `${what}: no answer from StarRocks in time (${message})`);
  if (isConnectFailure(err)) return say('unreachable', `${what}: cannot connect to StarRocks (${code}: ${message})`);
  if (isConnectionLost(err)) return say('unreachable', `${what}: the connection to StarRocks was lost (${message})`);
  const text = starRocksText(message);
  for (const [re, kind] of BY_TEXT) if (re.test(text)) return say(kind, text);
  return say('other', text);
}
