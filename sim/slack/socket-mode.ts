// Slack's Socket Mode side for tests: `apps.connections.open` hands out a ws:// URL on the
// fake, and a minimal RFC 6455 server there says `hello`, sends envelopes
// (`slash_commands`, `interactive`) and collects the bot's acks `{envelope_id, payload}`.
// Text frames, ping/pong and close only: what @slack/socket-mode's client uses.

import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { isObject, type JsonObject } from './limits';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface SocketModeSide {
  /** The answer to apps.connections.open. */
  open(): JsonObject;
  /** Open connections that got their `hello`. */
  readonly connections: number;
  /** Sends an envelope to the newest connection; resolves with the bot's ack payload. */
  sendEnvelope(type: 'slash_commands' | 'interactive', payload: JsonObject, opts?: { retryAttempt?: number; envelopeId?: string; timeoutMs?: number }): Promise<JsonObject>;
  close(): void;
}

function frame(opcode: number, data: Buffer): Buffer {
  const len = data.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, len]) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (len >= 126 && len < 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 126;
    head.writeUInt16BE(len, 2);
  } else if (len >= 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([head, data]);
}

/** Reads whole frames from the buffer; returns the rest. */
function readFrames(buf: Buffer, onFrame: (opcode: number, data: Buffer) => void): Buffer {
  let rest = buf;
  for (;;) {
    if (rest.length < 2) return rest;
    const opcode = (rest[0] ?? 0) & 0x0f;
    const masked = ((rest[1] ?? 0) & 0x80) !== 0;
    let len = (rest[1] ?? 0) & 0x7f;
    let offset = 2;
    if (len === 126) {
      if (rest.length < 4) return rest;
      len = rest.readUInt16BE(2);
      offset = 4;
    } else if (len === 127) {
      if (rest.length < 10) return rest;
      len = Number(rest.readBigUInt64BE(2));
      offset = 10;
    }
    const maskLen = masked ? 4 : 0;
    if (rest.length < offset + maskLen + len) return rest;
    const mask = rest.subarray(offset, offset + maskLen);
    const data = Buffer.from(rest.subarray(offset + maskLen, offset + maskLen + len));
    if (masked) for (let i = 0; i < data.length; i++) data[i] = (data[i] ?? 0) ^ (mask[i % 4] ?? 0);
    onFrame(opcode, data);
    rest = rest.subarray(offset + maskLen + len);
  }
}

export function attachSocketMode(server: Server, baseWsUrl: string): SocketModeSide {
  const sockets: Duplex[] = [];
  const waiting = new Map<string, (payload: JsonObject) => void>();
  let counter = 0;

  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    const key = req.headers['sec-websocket-key'];
    if (!(req.url ?? '').startsWith('/link') || typeof key !== 'string') {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    const accept = createHash('sha1').update(key + GUID).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    sockets.push(socket);
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = readFrames(Buffer.concat([pending, chunk]), (opcode, data) => {
        if (opcode === 0x9) socket.write(frame(0xa, data));
        else if (opcode === 0x8) socket.end(frame(0x8, data.subarray(0, 2)));
        else if (opcode === 0x1) {
          let msg: unknown;
          try {
            msg = JSON.parse(data.toString('utf8'));
          } catch {
            return;
          }
          if (isObject(msg) && typeof msg.envelope_id === 'string') {
            waiting.get(msg.envelope_id)?.(isObject(msg.payload) ? msg.payload : {});
            waiting.delete(msg.envelope_id);
          }
        }
      });
    });
    const drop = (): void => {
      const i = sockets.indexOf(socket);
      if (i >= 0) sockets.splice(i, 1);
    };
    socket.on('close', drop);
    socket.on('error', drop);
    socket.write(frame(0x1, Buffer.from(JSON.stringify({ type: 'hello', num_connections: sockets.length, connection_info: { app_id: 'A0TEST' }, debug_info: { host: 'fake' } }))));
  });

  return {
    open: () => ({ ok: true, url: `${baseWsUrl}/link?ticket=${randomBytes(8).toString('hex')}` }),
    get connections() {
      return sockets.length;
    },
    sendEnvelope: (type, payload, opts = {}) => {
      const socket = sockets.at(-1);
      if (socket === undefined) return Promise.reject(new Error('no Socket Mode connection'));
      const envelopeId = opts.envelopeId ?? `env-${++counter}-${randomBytes(4).toString('hex')}`;
      const envelope = { envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'slash_commands' ? false : true, retry_attempt: opts.retryAttempt ?? 0, retry_reason: opts.retryAttempt ? 'timeout' : '' };
      return new Promise<JsonObject>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(envelopeId);
          reject(new Error(`no ack for envelope ${envelopeId}`));
        }, opts.timeoutMs ?? 3000);
        waiting.set(envelopeId, (p) => {
          clearTimeout(timer);
          resolve(p);
        });
        socket.write(frame(0x1, Buffer.from(JSON.stringify(envelope))));
      });
    },
    close: () => {
      for (const s of sockets.splice(0)) s.destroy();
    },
  };
}
