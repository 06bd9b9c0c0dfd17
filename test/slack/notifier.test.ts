// The Slack Notifier against the fake Web API: progress edited in place with chat.update,
// at most one edit per interval with the latest content winning, 429 waited out and
// retried (never dropped), other failures surfaced as OutsideError.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackNotifier, silentLogger } from '../../adapters/slack';
import { createWebClient } from '../../adapters/slack/web';
import { reply } from '../../src/reply';
import { OutsideError } from '../../src/domain/errors';
import { startFakeSlack, type FakeSlack } from '../../sim/slack';

let fake: FakeSlack;
beforeAll(async () => {
  fake = await startFakeSlack();
});
afterAll(async () => {
  await fake.close();
});

const INTERVAL = 150;
function notifier(extra: Partial<ConstructorParameters<typeof SlackNotifier>[0]> = {}): SlackNotifier {
  const client = createWebClient({ botToken: fake.botToken, apiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: silentLogger, secrets: [] });
  return new SlackNotifier({ client, logger: silentLogger, minEditIntervalMs: INTERVAL, ...extra });
}
const progress = (n: number) => reply(`Backup of prod-1: ${n}% done`, { visibility: 'channel', title: 'Backup running' });

describe('SlackNotifier', () => {
  it('posts with chat.postMessage and returns the message ts', async () => {
    const m = await notifier().post({ platform: 'slack', channelId: 'C0OPS' }, progress(0));
    expect(m).toEqual({ platform: 'slack', channelId: 'C0OPS', messageId: expect.stringMatching(/^\d+\.\d{6}$/) });
    expect(fake.messages.get(m.messageId)?.text).toContain('0% done');
  });

  it('edits in place, at most once per interval, and the latest content wins', async () => {
    const n = notifier();
    const m = await n.post({ platform: 'slack', channelId: 'C0OPS' }, progress(0));
    const edits = [10, 20, 30, 40, 50].map((p) => n.update(m, progress(p)));
    const results = await Promise.all(edits);
    for (const r of results) expect(r).toEqual(m);
    const history = fake.messages.get(m.messageId)?.history ?? [];
    // The first edit goes at once; the four that came sooner coalesce into one with the latest.
    expect(history.map((v) => v.text.match(/(\d+)% done/)?.[1])).toEqual(['0', '10', '50']);
    const [, first, second] = history;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(INTERVAL - 5);
    expect(fake.callsTo('chat.update').filter((c) => c.args.ts === m.messageId)).toHaveLength(2);
  });

  it('a late edit after a quiet spell is sent, never dropped', async () => {
    const n = notifier();
    const m = await n.post({ platform: 'slack', channelId: 'C0OPS' }, progress(0));
    await n.update(m, progress(60));
    await n.update(m, progress(100));
    const history = fake.messages.get(m.messageId)?.history ?? [];
    expect(history.at(-1)?.text).toContain('100% done');
  });

  it('waits out a 429 with Retry-After and then delivers the edit', async () => {
    const n = notifier();
    const m = await n.post({ platform: 'slack', channelId: 'C0OPS' }, progress(0));
    fake.failNext('chat.update', { status: 429, retryAfter: 1 });
    const t0 = Date.now();
    await n.update(m, progress(70));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(990);
    const updates = fake.callsTo('chat.update').filter((c) => c.args.ts === m.messageId);
    expect(updates.map((c) => c.status)).toEqual([429, 200]);
    expect(fake.messages.get(m.messageId)?.text).toContain('70% done');
  });

  it('uses the injected sleep for Retry-After, so callers can keep waits short', async () => {
    const waits: number[] = [];
    const n = notifier({ sleep: async (ms) => void waits.push(ms) });
    const m = await n.post({ platform: 'slack', channelId: 'C0OPS' }, progress(0));
    fake.failNext('chat.update', { status: 429, retryAfter: 2 }, 2);
    await n.update(m, progress(80));
    expect(waits).toEqual([2000, 2000]);
    expect(fake.messages.get(m.messageId)?.text).toContain('80% done');
  });

  it('surfaces a 500 as an OutsideError of kind server', async () => {
    const n = notifier();
    const m = await n.post({ platform: 'slack', channelId: 'C0OPS' }, progress(0));
    fake.failNext('chat.update', { status: 500 });
    const err: unknown = await n.update(m, progress(90)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutsideError);
    expect(err).toMatchObject({ system: 'slack', kind: 'server' });
    // The next edit still goes through.
    await n.update(m, progress(95));
    expect(fake.messages.get(m.messageId)?.text).toContain('95% done');
  });

  it('maps Slack errors: channel_not_found on post is not_found, invalid_auth is auth', async () => {
    const n = notifier();
    fake.failNext('chat.postMessage', { error: 'channel_not_found' });
    await expect(n.post({ platform: 'slack', channelId: 'C0GONE' }, progress(0))).rejects.toMatchObject({ system: 'slack', kind: 'not_found' });
    const wrong = new SlackNotifier({
      client: createWebClient({ botToken: 'xoxb-wrong', apiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: silentLogger, secrets: [] }),
      logger: silentLogger,
    });
    await expect(wrong.post({ platform: 'slack', channelId: 'C0OPS' }, progress(0))).rejects.toMatchObject({ kind: 'auth' });
  });

  it('posts a new message when the one to edit was deleted', async () => {
    const n = notifier();
    const gone = { platform: 'slack' as const, channelId: 'C0OPS', messageId: '1.000001' };
    const m = await n.update(gone, progress(42));
    expect(m.messageId).not.toBe(gone.messageId);
    expect(fake.messages.get(m.messageId)?.text).toContain('42% done');
  });
});
