// Slack's Socket Mode side for tests: `apps.connections.open` hands out a ws:// URL on the
// fake, where a `ws` WebSocket server says `hello`, sends envelopes (`slash_commands`,
// `interactive`) and collects the bot's acks `{envelope_id, payload}`. It can also send the
// `disconnect` message Slack sends before it drops a connection, after which the client is
// expected to open a new one (reference/chat-platforms.md, Socket Mode).

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { isObject, type JsonObject } from './limits';

/** The reasons Slack gives in a `disconnect` message. */
export type DisconnectReason = 'warning' | 'refresh_requested' | 'link_disabled';

export interface SocketModeSide {
  /** The answer to apps.connections.open. */
  open(): JsonObject;
  /** Open connections that got their `hello`. */
  readonly connections: number;
  /** Connections opened since the start, closed ones included. */
  readonly connectionsOpened: number;
  /** Sends an envelope to the newest connection; resolves with the bot's ack payload. */
  sendEnvelope(type: 'slash_commands' | 'interactive', payload: JsonObject, opts?: { retryAttempt?: number; envelopeId?: string; timeoutMs?: number }): Promise<JsonObject>;
  /** Sends Slack's `disconnect` message to the newest connection (the client closes it and reconnects). */
  sendDisconnect(reason?: DisconnectReason): void;
  close(): void;
}

/** The bot's ack `{envelope_id, payload}`, or null for anything else. */
function readAck(data: RawData, isBinary: boolean): { envelopeId: string; payload: JsonObject } | null {
  if (isBinary) return null;
  let msg: unknown;
  try {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    msg = JSON.parse(bytes.toString('utf8'));
  } catch {
    return null;
  }
  if (!isObject(msg) || typeof msg.envelope_id !== 'string') return null;
  return { envelopeId: msg.envelope_id, payload: isObject(msg.payload) ? msg.payload : {} };
}

export function attachSocketMode(server: Server, baseWsUrl: string): SocketModeSide {
  // noServer: the fake's HTTP server hands over only the upgrades on /link.
  const wss = new WebSocketServer({ noServer: true });
  const sockets: WebSocket[] = [];
  const waiting = new Map<string, (payload: JsonObject) => void>();
  let counter = 0;
  let opened = 0;

  wss.on('connection', (socket: WebSocket) => {
    sockets.push(socket);
    opened += 1;
    socket.on('message', (data, isBinary) => {
      const ack = readAck(data, isBinary);
      if (ack === null) return;
      waiting.get(ack.envelopeId)?.(ack.payload);
      waiting.delete(ack.envelopeId);
    });
    const drop = (): void => {
      const i = sockets.indexOf(socket);
      if (i >= 0) sockets.splice(i, 1);
    };
    socket.on('close', drop);
    socket.on('error', drop);
    socket.send(JSON.stringify({ type: 'hello', num_connections: sockets.length, connection_info: { app_id: 'A0TEST' }, debug_info: { host: 'fake' } }));
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!(req.url ?? '').startsWith('/link')) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  return {
    open: () => ({ ok: true, url: `${baseWsUrl}/link?ticket=${randomBytes(8).toString('hex')}` }),
    get connections() {
      return sockets.length;
    },
    get connectionsOpened() {
      return opened;
    },
    sendEnvelope: (type, payload, opts = {}) => {
      const socket = sockets.at(-1);
      if (socket === undefined) return Promise.reject(new Error('no Socket Mode connection'));
      const envelopeId = opts.envelopeId ?? `env-${++counter}-${randomBytes(4).toString('hex')}`;
      const envelope = { envelope_id: envelopeId, type, payload, accepts_response_payload: type === 'slash_commands', retry_attempt: opts.retryAttempt ?? 0, retry_reason: opts.retryAttempt ? 'timeout' : '' };
      return new Promise<JsonObject>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(envelopeId);
          reject(new Error(`no ack for envelope ${envelopeId}`));
        }, opts.timeoutMs ?? 3000);
        waiting.set(envelopeId, (p) => {
          clearTimeout(timer);
          resolve(p);
        });
        socket.send(JSON.stringify(envelope));
      });
    },
    sendDisconnect: (reason = 'refresh_requested') => {
      const socket = sockets.at(-1);
      if (socket === undefined) throw new Error('no Socket Mode connection');
      socket.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake' } }));
    },
    close: () => {
      for (const s of sockets.splice(0)) s.terminate();
      wss.close();
    },
  };
}
