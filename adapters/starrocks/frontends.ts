// The FEs of one instance, reached through a mysql2/promise pool for the FE in use. FE addresses
// are tried in turn: the first that answers is kept; on a connect failure or a lost connection
// the next one is tried. Statements that change state are retried only when they never reached
// an FE (connect failure): after a lost connection their outcome is unknown, so that is reported.

import mysql from 'mysql2/promise';
import type { Pool, PoolConnection } from 'mysql2/promise';
import type { StarRocksConnection } from '../../src/ports';
import { isConnectFailure, isConnectionLost, isQueryTimeout, toOutsideError } from './errors';

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_QUERY_TIMEOUT_MS = 30_000;

export type Row = Record<string, unknown>;

export class Frontends {
  private index = 0;
  private pool: Pool | null = null;
  private closed = false;

  constructor(private readonly conn: StarRocksConnection) {
    if (conn.frontends.length === 0) throw new Error(`instance ${conn.instanceId}: no FE address configured`);
  }

  get secrets(): string[] {
    return [this.conn.password];
  }

  private current(): Pool {
    if (this.closed) throw new Error('StarRocks client is closed');
    if (!this.pool) {
      const fe = this.conn.frontends[this.index % this.conn.frontends.length] as { host: string; port: number };
      this.pool = mysql.createPool({
        host: fe.host,
        port: fe.port,
        user: this.conn.user,
        password: this.conn.password,
        connectTimeout: this.conn.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        connectionLimit: 4,
        maxIdle: 2,
        idleTimeout: 60_000,
        enableKeepAlive: true,
        supportBigNumbers: true,
        bigNumberStrings: true,
        dateStrings: true,
        multipleStatements: false,
      });
      // A pool whose idle connection dies emits 'error' on it; the pool drops it by itself.
      this.pool.on('connection', (c) => c.on('error', () => undefined));
    }
    return this.pool;
  }

  /** Drops the pool of the FE in use and moves on to the next address. */
  private rotate(): void {
    const old = this.pool;
    this.pool = null;
    this.index = (this.index + 1) % this.conn.frontends.length;
    if (old) void old.end().catch(() => undefined);
  }

  /**
   * Runs one statement; rows come back as column-name maps. `changesState` statements are never
   * re-sent after they may have reached an FE.
   */
  async query(sql: string, values: unknown[] = [], opts: { changesState?: boolean; what?: string } = {}): Promise<Row[]> {
    const what = opts.what ?? sql.split(/\s+/).slice(0, 3).join(' ');
    const attempts = Math.max(2, this.conn.frontends.length + 1);
    let lastError: unknown = null;
    for (let attempt = 0; attempt < attempts; attempt++) {
      let connection: PoolConnection;
      try {
        connection = await this.current().getConnection();
      } catch (err) {
        lastError = err;
        if (isConnectFailure(err) || isConnectionLost(err)) {
          this.rotate();
          continue;
        }
        throw toOutsideError(err, what, this.secrets);
      }
      try {
        const [rows] = await connection.query({ sql, values, timeout: this.conn.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS });
        connection.release();
        return Array.isArray(rows) ? (rows as Row[]) : [];
      } catch (err) {
        if (isQueryTimeout(err) || isConnectionLost(err)) connection.destroy();
        else connection.release();
        if (isConnectionLost(err) && !opts.changesState) {
          lastError = err;
          this.rotate();
          continue;
        }
        if (isConnectionLost(err)) {
          throw toOutsideError(err, `${what} (the statement may or may not have been carried out)`, this.secrets);
        }
        throw toOutsideError(err, what, this.secrets);
      }
    }
    throw toOutsideError(lastError, what, this.secrets);
  }

  async close(): Promise<void> {
    this.closed = true;
    const p = this.pool;
    this.pool = null;
    if (p) await p.end().catch(() => undefined);
  }
}
