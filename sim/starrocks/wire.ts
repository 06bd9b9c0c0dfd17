// The MySQL wire protocol of a StarRocks FE, on mysql2's server side: handshake with
// mysql_native_password, text result sets (all VARCHAR, NULL as SQL NULL, reference §10.2),
// OK packets for DDL, and ERR packets with StarRocks' codes and SQLSTATEs per version (§8.1).

import { createHash } from 'node:crypto';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import mysql from 'mysql2';
import type { Session, SimCluster } from './cluster';
import { SqlError, type ResultSet } from './types';

/** The part of mysql2's server-side connection the simulator uses. */
interface ServerConnection {
  stream: Socket;
  /** mysql2's server never ends its handshake command, so the simulator resets this per reply. */
  sequenceId: number;
  serverHandshake(args: object): void;
  writeColumns(columns: object[]): void;
  writeTextRow(values: (string | null)[]): void;
  writeEof(warnings?: number, statusFlags?: number): void;
  writeOk(args?: object): void;
  writePacket(packet: object): void;
  writeError: (args: { code: number; message: string; sqlState?: string }) => void;
  on(event: 'query' | 'stmt_prepare', listener: (sql: string) => void): void;
  on(event: 'init_db', listener: (db: string) => void): void;
  on(event: 'field_list', listener: () => void): void;
  on(event: 'error' | 'end', listener: () => void): void;
}

const SERVER_STATUS_AUTOCOMMIT = 0x0002;
// LONG_PASSWORD | FOUND_ROWS | LONG_FLAG | CONNECT_WITH_DB | PROTOCOL_41 | TRANSACTIONS | SECURE_CONNECTION | PLUGIN_AUTH
const CAPABILITIES = 0x1 | 0x2 | 0x4 | 0x8 | 0x200 | 0x2000 | 0x8000 | 0x80000;
const UTF8_GENERAL_CI = 33;
const VAR_STRING = 253;

function sha1(...parts: Buffer[]): Buffer {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** mysql_native_password: token = SHA1(pw) XOR SHA1(scramble + SHA1(SHA1(pw))). */
export function checkNativePassword(password: string, scramble: Buffer, token: Buffer): boolean {
  if (password === '') return token.length === 0;
  if (token.length !== 20) return false;
  const stage1 = sha1(Buffer.from(password, 'utf8'));
  const mask = sha1(scramble, sha1(stage1));
  const candidate = Buffer.alloc(20);
  for (let i = 0; i < 20; i++) candidate[i] = (token[i] ?? 0) ^ (mask[i] ?? 0);
  return candidate.equals(stage1);
}

/** A raw packet mysql2's `writePacket` accepts (it fills in the header). */
function rawPacket(payload: Buffer, name: string): object {
  const buffer = Buffer.concat([Buffer.alloc(4), payload]);
  return {
    buffer,
    _name: name,
    length: () => buffer.length,
    writeHeader(sequenceId: number) {
      buffer.writeUIntLE(payload.length, 0, 3);
      buffer[3] = sequenceId;
    },
  };
}

function errorPayload(code: number, sqlState: string, message: string): Buffer {
  const head = Buffer.alloc(3);
  head[0] = 0xff;
  head.writeUInt16LE(code, 1);
  return Buffer.concat([head, Buffer.from(`#${sqlState}`, 'latin1'), Buffer.from(message, 'utf8')]);
}

/** StarRocks' wire form of an error, by version (reference §8.1). */
export function wireError(err: SqlError, version: { major: number; minor: number }): { code: number; sqlState: string; message: string } {
  const v34 = version.major > 3 || (version.major === 3 && version.minor >= 4);
  const v3early = version.major === 3 && version.minor <= 2;
  switch (err.origin) {
    case 'auth':
      return { code: 1045, sqlState: '28000', message: err.message };
    case 'syntax':
      return { code: 1064, sqlState: '42000', message: err.message };
    case 'analyzer': {
      if (version.major < 3) return { code: 1064, sqlState: 'HY000', message: err.message };
      const message = `Getting analyzing error. Detail message: ${err.message}.`;
      return v34 ? { code: 5502, sqlState: '42602', message } : { code: 1064, sqlState: 'HY000', message };
    }
    case 'handler':
      if (v34) return { code: 5064, sqlState: '42000', message: err.message };
      return { code: 1064, sqlState: 'HY000', message: v3early ? `Unexpected exception: ${err.message}` : err.message };
    default:
      return { code: 1064, sqlState: 'HY000', message: err.message };
  }
}

function column(name: string): object {
  return { catalog: 'def', schema: '', table: '', orgTable: '', name, orgName: name, characterSet: UTF8_GENERAL_CI, columnLength: 65_533, columnType: VAR_STRING, flags: 0, decimals: 0 };
}

function writeResult(conn: ServerConnection, result: ResultSet): void {
  conn.writeColumns(result.columns.map(column));
  for (const row of result.rows) conn.writeTextRow(row);
  conn.writeEof(0, SERVER_STATUS_AUTOCOMMIT);
  conn.sequenceId = 0;
}

export interface WireServer {
  port: number;
  close(): Promise<void>;
}

export async function serveCluster(cluster: SimCluster, port: number, creds: { user: string; password: string }): Promise<WireServer> {
  const sockets = new Set<Socket>();
  let nextConnectionId = 1;
  const server = mysql.createServer((raw) => {
    const conn = raw as unknown as ServerConnection;
    if (cluster.faults.isUnreachable) {
      // The server side of the connection reports the close too: nobody needs to hear it.
      (conn as unknown as { on(event: 'error', listener: () => void): void }).on('error', () => undefined);
      conn.stream.on('error', () => undefined);
      conn.stream.destroy();
      return;
    }
    sockets.add(conn.stream);
    conn.stream.on('close', () => sockets.delete(conn.stream));
    conn.stream.on('error', () => undefined);
    const session: Session = { user: creds.user, db: null };
    const sendError = (args: { code: number; message: string; sqlState?: string }) => {
      conn.writePacket(rawPacket(errorPayload(args.code, args.sqlState ?? (args.code === 1045 ? '28000' : 'HY000'), args.message), 'Error'));
      conn.sequenceId = 0;
    };
    const sendOk = () => {
      conn.writeOk({ affectedRows: 0, serverStatus: SERVER_STATUS_AUTOCOMMIT });
      conn.sequenceId = 0;
    };
    conn.writeError = sendError;
    conn.serverHandshake({
      protocolVersion: 10,
      serverVersion: '5.1.0',
      connectionId: nextConnectionId++,
      statusFlags: SERVER_STATUS_AUTOCOMMIT,
      characterSet: UTF8_GENERAL_CI,
      capabilityFlags: CAPABILITIES,
      authCallback: (
        p: { user: string; database?: string; address?: string; authPluginData1: Buffer; authPluginData2: Buffer; authToken: Buffer },
        cb: (err: null, mysqlError?: { code: number; message: string }) => void,
      ) => {
        const scramble = Buffer.concat([p.authPluginData1, p.authPluginData2]).subarray(0, 20);
        const ok = p.user === creds.user && checkNativePassword(creds.password, scramble, p.authToken);
        if (!ok) {
          const using = p.authToken.length > 0 ? 'YES' : 'NO';
          return cb(null, { code: 1045, message: `Access denied for user '${p.user}'@'${p.address ?? '127.0.0.1'}' (using password: ${using})` });
        }
        session.user = p.user;
        if (p.database) session.db = p.database;
        cb(null);
        conn.sequenceId = 0;
      },
    });
    const handle = (sql: string): void => {
      cluster.received?.push(sql);
      const hook = cluster.faults.takeIntercept(sql);
      if (hook) {
        void hook(sql).then(
          (outcome) => (outcome === 'drop' ? conn.stream.destroy() : answer(sql)),
          () => conn.stream.destroy(),
        );
        return;
      }
      answer(sql);
    };
    const answer = (sql: string): void => {
      if (cluster.faults.isUnreachable || cluster.faults.takeDrop(sql)) {
        conn.stream.destroy();
        return;
      }
      const forged = cluster.faults.takeForgedAnswer(sql);
      if (forged) {
        writeResult(conn, forged);
        return;
      }
      // The client went away while the statement was held: it still runs, nobody hears the answer.
      if (conn.stream.destroyed || cluster.faults.takeAnswerDrop(sql)) {
        void cluster.execute(sql, session).catch(() => undefined).finally(() => conn.stream.destroy());
        return;
      }
      cluster.execute(sql, session).then(
        (result) => (result === 'ok' ? sendOk() : writeResult(conn, result)),
        (err: unknown) => {
          const e = err instanceof SqlError ? err : new SqlError(err instanceof Error ? err.message : String(err), 'plain');
          const w = wireError(e, cluster.version);
          sendError(w);
        },
      );
    };
    conn.on('query', handle);
    // mysql2's server hands `SET ...` (and real prepares) to `stmt_prepare`.
    conn.on('stmt_prepare', (sql) => {
      cluster.received?.push(sql);
      if (/^\s*SET\s/i.test(sql)) sendOk();
      else sendError({ code: 1064, sqlState: 'HY000', message: 'Prepared statements are not supported by the simulator' });
    });
    conn.on('init_db', (db) => {
      if (cluster.catalog.database(db) || ['information_schema', 'sys', '_statistics_'].includes(db)) {
        session.db = db;
        sendOk();
      } else sendError({ code: 1049, sqlState: '42000', message: `Unknown database '${db}'` });
    });
    conn.on('field_list', () => {
      conn.writeEof(0, SERVER_STATUS_AUTOCOMMIT);
      conn.sequenceId = 0;
    });
    conn.on('error', () => undefined);
  });
  const net = (server as unknown as { _server: NetServer })._server;
  await new Promise<void>((resolve, reject) => {
    net.once('error', reject);
    net.listen(port, '127.0.0.1', () => resolve());
  });
  cluster.dropConnections = () => {
    for (const s of sockets) s.destroy();
  };
  return {
    port: (net.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        net.close(() => resolve());
      }),
  };
}
