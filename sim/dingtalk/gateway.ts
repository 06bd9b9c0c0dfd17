// The Stream gateway of the fake DingTalk: single-use tickets (valid 90 s) from the
// connection-open call, a `ws` WebSocket server at /connect that checks them, frames pushed to
// the newest connection subscribed to their topic, ACKs recorded by messageId, and what
// DingTalk does with frames that were not ACKed: they are delivered again on the next
// connection (also frames pushed while no connection was open).

import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

export interface Subscription {
  type: string;
  topic: string;
}

export interface GatewayFrame {
  specVersion: '1.0';
  type: 'SYSTEM' | 'EVENT' | 'CALLBACK';
  headers: Record<string, string>;
  data: string;
}

export interface Ack {
  messageId: string;
  code: unknown;
  /** `data` of the ACK, parsed when it is JSON. */
  data: unknown;
  at: number;
  connection: number;
}

interface Sent {
  frame: GatewayFrame;
  acked: boolean;
  deliveries: number;
}

interface Connection {
  n: number;
  socket: WebSocket;
  subs: Subscription[];
}

export const TICKET_TTL_MS = 90_000;

export class Gateway {
  readonly acks: Ack[] = [];
  /** Text frames from the bot that are not ACKs. */
  readonly junk: string[] = [];
  /** Refused upgrades, with the reason. */
  readonly refused: string[] = [];
  private readonly tickets = new Map<string, { issuedAt: number; used: boolean; subs: Subscription[] }>();
  private readonly sent = new Map<string, Sent>();
  private readonly order: string[] = [];
  private readonly conns: Connection[] = [];
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private opened = 0;

  constructor(private readonly appId: string) {}

  issueTicket(subs: Subscription[]): string {
    const ticket = randomUUID();
    this.tickets.set(ticket, { issuedAt: Date.now(), used: false, subs });
    return ticket;
  }

  /** Connections open now, and opened in all. */
  get open(): number {
    return this.conns.length;
  }

  get openedTotal(): number {
    return this.opened;
  }

  subscriptions(): Subscription[] {
    return this.conns.at(-1)?.subs ?? [];
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const refuse = (status: string, why: string): void => {
      this.refused.push(why);
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: application/json\r\n\r\n${JSON.stringify({ message: why })}`);
    };
    if (url.pathname !== '/connect') return refuse('404 Not Found', `no WebSocket at ${url.pathname}`);
    const id = url.searchParams.get('ticket') ?? '';
    const ticket = this.tickets.get(id);
    if (ticket === undefined) return refuse('401 Unauthorized', 'unknown ticket');
    if (ticket.used) return refuse('401 Unauthorized', 'ticket already used');
    if (Date.now() - ticket.issuedAt > TICKET_TTL_MS) return refuse('401 Unauthorized', 'ticket expired');
    ticket.used = true;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, ticket.subs));
  }

  private accept(socket: WebSocket, subs: Subscription[]): void {
    const conn: Connection = { n: ++this.opened, socket, subs };
    this.conns.push(conn);
    socket.on('message', (data, binary) => this.fromBot(conn, binary ? null : data.toString()));
    socket.on('close', () => {
      const i = this.conns.indexOf(conn);
      if (i >= 0) this.conns.splice(i, 1);
    });
    socket.on('error', () => undefined);
    // Frames not ACKed on earlier connections (or pushed while none was open) come again.
    for (const id of this.order) {
      const s = this.sent.get(id);
      if (s !== undefined && !s.acked && s.frame.type === 'CALLBACK' && subscribes(conn, s.frame.headers.topic ?? '')) this.write(conn, s);
    }
  }

  /** Pushes a frame; with no subscribed connection open it waits for the next one. */
  push(type: GatewayFrame['type'], topic: string, data: string, opts: { messageId?: string; dropAfter?: boolean } = {}): string {
    const messageId = opts.messageId ?? `${randomUUID().slice(0, 8)}_${Date.now().toString(16)}`;
    const conn = [...this.conns].reverse().find((c) => type !== 'CALLBACK' || subscribes(c, topic));
    const headers: Record<string, string> =
      type === 'SYSTEM'
        ? { contentType: 'application/json', messageId, time: String(Date.now()), topic }
        : { appId: this.appId, connectionId: String(conn?.n ?? 0), contentType: 'application/json', messageId, time: String(Date.now()), topic };
    const frame: GatewayFrame = { specVersion: '1.0', type, headers, data };
    const existing = this.sent.get(messageId);
    const s: Sent = existing ?? { frame, acked: false, deliveries: 0 };
    if (existing === undefined) {
      this.sent.set(messageId, s);
      this.order.push(messageId);
    } else {
      s.acked = false; // delivered again on purpose: a new ACK is expected
    }
    if (conn !== undefined) this.write(conn, s, opts.dropAfter === true);
    return messageId;
  }

  /** Sends a frame again, unchanged (same messageId), as DingTalk may. */
  redeliver(messageId: string): boolean {
    const s = this.sent.get(messageId);
    if (s === undefined) return false;
    this.push(s.frame.type, s.frame.headers.topic ?? '', s.frame.data, { messageId });
    return true;
  }

  /** Writes raw text (a broken frame) to the newest connection. */
  pushRaw(text: string): boolean {
    const conn = this.conns.at(-1);
    if (conn === undefined) return false;
    conn.socket.send(text);
    return true;
  }

  ackOf(messageId: string): Ack | undefined {
    return this.acks.find((a) => a.messageId === messageId);
  }

  deliveries(messageId: string): number {
    return this.sent.get(messageId)?.deliveries ?? 0;
  }

  /** Ends every connection at once, as a network failure would (no close frame). */
  dropAll(): void {
    for (const c of [...this.conns]) c.socket.terminate();
  }

  /** SYSTEM `disconnect`; the connection is closed `graceMs` later, as DingTalk does. */
  disconnect(graceMs: number): void {
    const c = this.conns.at(-1);
    if (c === undefined) return;
    this.push('SYSTEM', 'disconnect', JSON.stringify({ reason: 'server restart' }));
    setTimeout(() => c.socket.terminate(), graceMs).unref();
  }

  close(): void {
    for (const c of [...this.conns]) c.socket.terminate();
    this.wss.close();
  }

  private write(conn: Connection, s: Sent, dropAfter = false): void {
    s.deliveries++;
    conn.socket.send(JSON.stringify(s.frame), () => {
      if (dropAfter) conn.socket.terminate(); // the frame left; its ACK cannot come back
    });
  }

  private fromBot(conn: Connection, text: string | null): void {
    let msg: unknown;
    try {
      msg = text === null ? null : JSON.parse(text);
    } catch {
      msg = null;
    }
    const headers = typeof msg === 'object' && msg !== null ? (msg as { headers?: unknown }).headers : undefined;
    const id = typeof headers === 'object' && headers !== null ? (headers as { messageId?: unknown }).messageId : undefined;
    if (typeof id !== 'string') {
      this.junk.push(text ?? '(binary)');
      return;
    }
    const raw = (msg as { data?: unknown }).data;
    let data: unknown = raw;
    if (typeof raw === 'string') {
      try {
        data = JSON.parse(raw);
      } catch {
        data = raw;
      }
    }
    this.acks.push({ messageId: id, code: (msg as { code?: unknown }).code, data, at: Date.now(), connection: conn.n });
    const s = this.sent.get(id);
    if (s !== undefined && (msg as { code?: unknown }).code === 200) s.acked = true;
  }
}

function subscribes(conn: Connection, topic: string): boolean {
  return conn.subs.some((s) => s.type === 'CALLBACK' && s.topic === topic);
}
