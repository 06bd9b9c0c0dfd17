// The little the MySQL store needs of mysql2: run a statement on a pool or on one connection,
// read its rows through a zod schema, UTC times as DATETIME(3) text, and the server's errors in
// the core's words. Every value is a bound parameter (escaped by mysql2); no input reaches SQL text.

import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { z } from 'zod';
import { OutsideError, type OutsideErrorKind } from '../../../src/domain/errors';

export interface Sql {
  /** A SELECT: its rows, each checked by `schema`. */
  rows<S extends z.ZodType>(schema: S, sql: string, params?: readonly unknown[]): Promise<z.output<S>[]>;
  /** Any other statement: how many rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

export function sqlOn(target: Pool | PoolConnection): Sql {
  return {
    async rows(schema, sql, params = []) {
      const [rows] = await target.query<RowDataPacket[]>(sql, params as unknown[]);
      return rows.map((row, i) => {
        const parsed = schema.safeParse(row);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new OutsideError('store', 'protocol', `row ${i} of "${sql.slice(0, 60)}": ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'unexpected shape'}`);
        }
        return parsed.data as z.output<typeof schema>;
      });
    },
    async run(sql, params = []) {
      const [result] = await target.query<ResultSetHeader>(sql, params as unknown[]);
      return result.affectedRows;
    },
  };
}

/** The WHERE clause of a filter, built condition by condition with its parameters. */
export class Where {
  private readonly parts: string[] = [];
  readonly params: unknown[] = [];

  add(condition: string, ...params: unknown[]): void {
    this.parts.push(condition);
    this.params.push(...params);
  }

  get sql(): string {
    return this.parts.length ? ` WHERE ${this.parts.join(' AND ')}` : '';
  }
}

/** `LIMIT n` of a filter: none, or a whole number of at least 0. */
export function limitClause(limit: number | undefined): { sql: string; params: number[] } {
  return limit === undefined ? { sql: '', params: [] } : { sql: ' LIMIT ?', params: [Math.max(0, Math.floor(limit))] };
}

/** `2026-11-24T00:01:00.000Z` → `2026-11-24 00:01:00.000`, the UTC DATETIME(3) text the session uses. */
export function sqlTime(time: string | Date): string {
  const date = typeof time === 'string' ? new Date(Date.parse(time)) : time;
  if (Number.isNaN(date.getTime())) throw new Error(`not a time: ${String(time).slice(0, 40)}`);
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** A DATETIME(3) read as text (the pool reads dates as strings) → the UTC instant. */
export function fromSqlTime(text: string): Date {
  return new Date(`${text.replace(' ', 'T')}Z`);
}

export const sqlTimeText = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/, 'expected a DATETIME');
/** A JSON document kept in a LONGTEXT column. */
export const jsonText = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not JSON' });
    return z.NEVER;
  }
});
/** A BIGINT / INT (mysql2 gives numbers; a count may come as text). */
export const integer = z.union([z.number(), z.string().regex(/^-?\d+$/)]).transform(Number);

interface ServerError {
  code?: unknown;
  errno?: unknown;
  sqlMessage?: unknown;
  fatal?: unknown;
  message?: unknown;
}

function asServerError(err: unknown): ServerError | null {
  return typeof err === 'object' && err !== null ? (err as ServerError) : null;
}

export function errnoOf(err: unknown): number | null {
  const e = asServerError(err);
  // Server errors are numbered from 1000; Node's system errors (ECONNREFUSED) are negative.
  return typeof e?.errno === 'number' && e.errno > 0 ? e.errno : null;
}

/** ER_DUP_ENTRY: a unique key refused the row; the key's name, when the server says it. */
export function duplicateKey(err: unknown): string | null {
  if (errnoOf(err) !== 1062) return null;
  const message = String(asServerError(err)?.sqlMessage ?? '');
  // MariaDB: for key 'name'; MySQL 8: for key 'table.name'.
  return /for key '(?:[^'.]*\.)?([^']*)'/.exec(message)?.[1] ?? '';
}

/** A deadlock or a lock wait that timed out: the transaction is rolled back and may run again. */
export function isRetryable(err: unknown): boolean {
  const errno = errnoOf(err);
  return errno === 1213 || errno === 1205;
}

/** The connection itself is gone (the pool must not reuse it). */
export function isFatal(err: unknown): boolean {
  return asServerError(err)?.fatal === true;
}

const KIND_BY_ERRNO: Record<number, OutsideErrorKind> = {
  1044: 'auth',
  1045: 'auth',
  1049: 'unknown_database',
  1142: 'privileges',
  1143: 'privileges',
  1227: 'privileges',
  1205: 'timeout',
  1213: 'timeout',
};

/** A mysql2 / server failure as the core's `OutsideError` (system `store`); other errors pass through. */
export function storeError(err: unknown, where: string): unknown {
  const e = asServerError(err);
  if (!e || err instanceof OutsideError) return err;
  const code = typeof e.code === 'string' ? e.code : '';
  const errno = errnoOf(err);
  const isMysql = errno !== null || /^(ER_|PROTOCOL_|ECONN|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE)/.test(code);
  if (!isMysql) return err;
  const text = typeof e.sqlMessage === 'string' ? e.sqlMessage : typeof e.message === 'string' ? e.message : code;
  let kind: OutsideErrorKind = (errno !== null && KIND_BY_ERRNO[errno]) || 'server';
  if (errno === null) kind = /TIMEDOUT/.test(code) ? 'timeout' : 'unreachable';
  return new OutsideError('store', kind, `${where}: ${text}`, err);
}
