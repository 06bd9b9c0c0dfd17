// The Stream connection over time: a dropped socket and a gateway `disconnect` are followed by
// a new connection (a new ticket), with no command lost or run twice; frames whose ACK was
// lost come again and run once, also after a restart of the bot (ids kept in its store);
// refused credentials stop the start with a clear message; failures back off.

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDingTalkSurface } from '../../adapters/dingtalk';
import { openLowdbStore } from '../../adapters/store/lowdb';
import type { Store } from '../../src/ports';
import { storedSeenMessages } from '../../src/app/seen-messages';
import { startDingTalkHarness, type DingTalkHarness } from './harness';
import { TestCore } from './test-core';

let h: DingTalkHarness;
let store: Store;
let dir: string;
const core = new TestCore();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dingtalk-seen-'));
  store = await openLowdbStore(dir);
  h = await startDingTalkHarness(core, { seen: storedSeenMessages(store) });
});
afterAll(async () => {
  await h.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const replies = (text: RegExp) => h.fake.api.messages.filter((m) => text.test(m.text));
const runsOf = (text: string) => core.runs.filter((r) => r.text === text).length;

describe('reconnecting', () => {
  it('after the socket drops: a new ticket, and a command sent meanwhile is answered once', async () => {
    const opened = h.fake.gateway.openedTotal;
    const tickets = h.fake.openCalls.filter((c) => c.ok).length;
    h.fake.gateway.dropAll();
    await h.fake.waitFor(() => h.fake.gateway.open === 0, 'the drop');
    const said = h.fake.say('user1', '/backup slow 1'); // no connection: DingTalk keeps it
    await h.fake.waitFor(() => h.fake.repliesTo(said)[0], 'the reply after reconnecting');
    expect(h.fake.gateway.openedTotal).toBe(opened + 1);
    expect(h.fake.openCalls.filter((c) => c.ok).length).toBe(tickets + 1);
    expect(runsOf('slow 1')).toBe(1);
    expect(h.fake.gateway.deliveries(said.messageId)).toBe(1);
    expect(h.fake.repliesTo(said)).toHaveLength(1);
  });

  it('a frame whose ACK was lost with the socket comes again on the new connection and runs once', async () => {
    const said = h.fake.say('user1', '/backup slow 2', { dropAfter: true });
    await h.fake.waitFor(() => h.fake.gateway.deliveries(said.messageId) >= 2 && h.fake.gateway.ackOf(said.messageId), 'the redelivery and its ACK');
    const sentinel = h.fake.say('user1', '/backup slow 3');
    await h.fake.waitFor(() => h.fake.repliesTo(sentinel)[0], 'the sentinel reply');
    await h.fake.waitFor(() => h.fake.repliesTo(said)[0], 'the reply');
    expect(runsOf('slow 2')).toBe(1);
    expect(h.fake.repliesTo(said)).toHaveLength(1);
  });

  it('after SYSTEM disconnect the bot opens a new connection at once and keeps answering', async () => {
    const opened = h.fake.gateway.openedTotal;
    h.fake.gateway.disconnect(5000);
    await h.fake.waitFor(() => h.fake.gateway.openedTotal === opened + 1 && h.fake.gateway.open === 1, 'the new connection', 3000);
    const said = h.fake.say('user1', '/backup slow 4');
    await h.fake.waitFor(() => h.fake.repliesTo(said)[0], 'the reply on the new connection');
    expect(runsOf('slow 4')).toBe(1);
  });

  it('a redelivery after a restart of the bot is recognised from the store', async () => {
    const said = h.fake.say('user1', '/backup slow 5');
    await h.fake.waitFor(() => h.fake.repliesTo(said)[0], 'the first reply');
    await h.restart(storedSeenMessages(store)); // a new process would read the same store
    h.fake.gateway.redeliver(said.messageId);
    h.fake.say('user1', '/backup slow 5', { msgId: said.msgId });
    const sentinel = h.fake.say('user1', '/backup slow 6');
    await h.fake.waitFor(() => h.fake.repliesTo(sentinel)[0], 'the sentinel reply');
    expect(runsOf('slow 5')).toBe(1);
    expect(replies(/slow 5 done/)).toHaveLength(1);
  });

  it('connection-open failures are retried with growing delays, then the bot connects', async () => {
    const calls = h.fake.openCalls.length;
    h.fake.api.failNext('/v1.0/gateway/connections/open', { status: 503 }, 3);
    h.fake.gateway.dropAll();
    const said = h.fake.say('user1', '/backup slow 7');
    await h.fake.waitFor(() => h.fake.repliesTo(said)[0], 'the reply after the retries', 5000);
    const attempts = h.fake.openCalls.slice(calls);
    expect(attempts.map((c) => c.ok)).toEqual([false, false, false, true]);
    // Back-off 20 ms doubling (plus up to 20 ms of jitter): each wait longer than the last.
    const gaps = attempts.slice(1).map((c, i) => c.at - (attempts[i] as { at: number }).at);
    expect(gaps[1]).toBeGreaterThanOrEqual(38);
    expect(gaps[2]).toBeGreaterThanOrEqual(78);
    expect(gaps[2]).toBeGreaterThan(gaps[0] as number);
  });
  it('a gateway that never completes the WebSocket upgrade fails the attempt, and the next one connects', async () => {
    const held: Socket[] = [];
    const blackhole = createServer((socket) => void held.push(socket)); // accepts, never answers
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blackhole.address() as AddressInfo).port;
      h.fake.api.failNext('/v1.0/gateway/connections/open', { status: 200, body: { endpoint: `ws://127.0.0.1:${port}/connect`, ticket: 'held' } });
      h.fake.gateway.dropAll();
      await h.fake.waitFor(() => held.length > 0, 'the bot to try the silent gateway');
      const said = h.fake.say('user1', '/backup slow 8');
      await h.fake.waitFor(() => h.fake.repliesTo(said)[0], 'the reply through the real gateway', 5000);
      expect(runsOf('slow 8')).toBe(1);
    } finally {
      for (const s of held) s.destroy();
      blackhole.close();
    }
  });
});

describe('starting', () => {
  it('refused credentials stop the start with a message naming the variables', async () => {
    await expect(
      startDingTalkSurface({ core, clientId: h.fake.clientId, clientSecret: 'wrong', apiUrl: h.fake.apiUrl, seen: storedSeenMessages(store), logger: { debug() {}, info() {}, warn() {}, error() {} } }),
    ).rejects.toMatchObject({ system: 'dingtalk', kind: 'auth', message: expect.stringContaining('DINGTALK_CLIENT_ID / DINGTALK_CLIENT_SECRET') });
  });
});
