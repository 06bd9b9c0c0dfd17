// The whole bot behind the real DingTalk surface: robot messages and card clicks over the
// Stream WebSocket of the fake DingTalk, StarRocks and OSS simulated over real sockets, the
// progress card of the instance's group updated in place into the summary; a restore asked for
// from a list card and decided on its approval card.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySeenMessages, silentLogger, startDingTalkSurface, type DingTalkSurface } from '../../adapters/dingtalk';
import { SANDBOX_DINGTALK_CONVERSATION } from '../../src/config';
import { startSandboxSimulators } from '../../sim/sandbox';
import { startFakeDingTalk, type FakeCard, type FakeDingTalk, type Said } from '../../sim/dingtalk';
import { startHarness, type Harness } from '../support/harness';

let sims: Awaited<ReturnType<typeof startSandboxSimulators>>;
let h: Harness;
let fake: FakeDingTalk;
let surface: DingTalkSurface;

beforeAll(async () => {
  sims = await startSandboxSimulators({ stepMs: 15 });
  // viewer1 also has a DingTalk id here, so a viewer's click can be tried.
  h = await startHarness({
    sims: sims.description,
    config: (base) => ({ ...base, people: base.people.map((p) => (p.id === 'viewer1' ? { ...p, dingtalk: ['viewer1'] } : p)) }),
  });
  fake = await startFakeDingTalk();
  surface = await startDingTalkSurface({
    core: h.bot.core,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    apiUrl: fake.apiUrl,
    seen: new MemorySeenMessages(),
    logger: silentLogger,
    backoff: { minMs: 20, maxMs: 200 },
    heartbeatMs: 0,
    minEditIntervalMs: 100,
  });
  h.bot.notifiers.set('dingtalk', surface.notifier);
  await fake.waitFor(() => fake.gateway.open > 0, 'the Stream connection');
});
afterAll(async () => {
  await h.close();
  await surface.stop();
  await fake.close();
  await sims.close();
});

const answerTo = (said: Said): Promise<string> => fake.waitFor(() => fake.repliesTo(said)[0]?.text, 'the reply', 10_000);
const cardAfter = (at: number): Promise<FakeCard> => fake.waitFor(() => [...fake.api.cards.values()].find((c) => c.createdAt >= at && c.space.id === fake.group), 'a card', 10_000);

describe('a backup from DingTalk', () => {
  it('runs after the confirm button on its card; a viewer is refused; progress is one card updated into the summary', async () => {
    const asked = fake.say('user1', '/backup run prod-1');
    const card = await cardAfter(asked.at);
    expect(fake.cardText(card)).toMatch(/cannot be interrupted/);
    expect(fake.buttonsOf(card)[0]).toMatchObject({ text: 'Run backup now', params: { action: 'confirm', subject: 'prod-1' } });

    // viewer1 cannot see user1's card: they ask themselves and are refused on their own card.
    const viewerAsk = fake.say('viewer1', '/backup run prod-1');
    expect(await answerTo(viewerAsk)).toContain('/backup run needs the operator role on prod-1; your role on prod-1 is viewer');

    const clicked = Date.now();
    fake.click(card.id, 'user1', 'Run backup now');
    const started = await fake.waitFor(() => fake.seenBy('user1', clicked).find((t) => /Started backup \*\*bk-/.test(t)), 'the started message', 10_000);
    const id = /(bk-\d{8}-\d{4}-prod-1)/.exec(started)?.[1] as string;
    expect(card.params.status).toBe('✅ Run backup now: user1');

    const progress = await fake.waitFor(
      () => [...fake.api.cards.values()].find((c) => c.space.id === SANDBOX_DINGTALK_CONVERSATION && c.params.title?.includes(id) && /finished in /.test(c.params.markdown ?? '')),
      'the progress card to end as the summary',
      20_000,
    );
    expect(progress.history.length).toBeGreaterThan(1);
    expect(progress.params.markdown).toMatch(/Left out/);
    expect([...fake.api.cards.values()].filter((c) => c.params.title?.includes(id))).toHaveLength(1);
  });

  it('a viewer’s click on a card they can see is refused, privately', async () => {
    // An announcement with a button, as approvals will be: everyone in the group sees it.
    const posted = await surface.notifier.post(
      { platform: 'dingtalk', channelId: fake.group },
      { visibility: 'channel', tone: 'info', text: 'Back up prod-sh?', buttons: [{ label: 'Run backup now', value: await runToken(), action: 'confirm', subject: 'prod-sh' }] },
    );
    const at = Date.now();
    fake.click(posted.messageId, 'viewer1', 'Run backup now');
    const refusal = await fake.waitFor(() => fake.seenBy('viewer1', at)[0], 'the refusal', 10_000);
    expect(refusal).toContain('(confirm prod-sh): /backup run needs the operator role on prod-sh; your role on prod-sh is viewer');
    expect(fake.buttonsOf(fake.api.cards.get(posted.messageId) as FakeCard)).toHaveLength(1);
  });

  it('retention is bounded: 40 is refused with the accepted range, 31 is saved', async () => {
    expect(await answerTo(fake.say('admin1', '/backup settings prod-1 retention=40'))).toContain('retention must be a whole number of days from 7 to 31, got 40');
    expect(await h.store.settings.get('prod-1')).toBeNull();
    expect(await answerTo(fake.say('admin1', '/backup settings prod-1 retention=31'))).toContain('retention 7 → 31 days');
    expect(await h.store.settings.get('prod-1')).toMatchObject({ retentionDays: 31, updatedBy: 'admin1' });
  });

  it('the settings form comes as text with the current values filled in', async () => {
    const text = await answerTo(fake.say('admin2', '/backup settings prod-1'));
    expect(text).toContain('- **Retention (days)**: 31 (7 to 31)');
    expect(text).toContain('> Text form: /backup settings prod-1 off time=00:00 retention=31');
  });
});

describe('a restore from DingTalk', () => {
  it('is asked for from a list card, refused on the approval card for the requester and an operator, and approved there by admin2', async () => {
    const [set] = await h.store.backupSets.list({ instanceId: 'prod-1', states: ['FINISHED'], limit: 1 });
    expect(set).toBeDefined();
    const id = set!.id;
    const listed = fake.say('admin1', '/backup list prod-1');
    const list = await cardAfter(listed.at);
    expect(fake.buttonsOf(list).find((b) => b.text === `Restore ${id}`)?.params).toMatchObject({ action: 'restore', subject: id, scope: 'item' });

    // The Restore button answers with the form as text, and its text form filled in.
    const clicked = Date.now();
    fake.click(list.id, 'admin1', `Restore ${id}`);
    const form = await fake.waitFor(() => fake.seenBy('admin1', clicked).find((t) => t.includes('Text form:')), 'the restore form', 10_000);
    const text = /Text form: (\/backup restore \S+ to staging-1 databases=\S+ replicas=\d+)/.exec(form)?.[1];
    expect(text).toBe(`/backup restore ${id} to staging-1 databases=inventory,sales,web replicas=3`);
    const asked = await answerTo(fake.say('admin1', `${text?.replace('databases=inventory,sales,web', 'databases=inventory')}`));
    const rs = /(rs-\d{8}-\d{4}-staging-1(?:\.\d+)?)/.exec(asked)?.[1] as string;
    expect(asked).toContain(`Asked for restore **${rs}**`);

    // The approval card goes to the instance's group, for everyone, with Approve and Reject.
    const approval = await fake.waitFor(
      () => [...fake.api.cards.values()].find((c) => c.space.id === SANDBOX_DINGTALK_CONVERSATION && c.params.title?.includes(`Restore request ${rs} needs approval`)),
      'the approval card',
      10_000,
    );
    expect(approval.recipients).toBeNull();
    expect(fake.buttonsOf(approval).map((b) => [b.text, b.params.action, b.params.subject])).toEqual([['Approve', 'approve', rs], ['Reject', 'reject', rs]]);

    const refusedAt = Date.now();
    fake.click(approval.id, 'admin1', 'Approve');
    expect(await fake.waitFor(() => fake.seenBy('admin1', refusedAt).find((t) => t.includes('four eyes')), 'the requester refused', 10_000)).toContain(
      `${rs} needs the approval of an admin other than the requester (Admin One)`,
    );
    fake.click(approval.id, 'user1', 'Approve');
    expect(await fake.waitFor(() => fake.seenBy('user1', refusedAt).find((t) => t.includes('admin role')), 'the operator refused', 10_000)).toContain(
      '/backup approve needs the admin role on staging-1; your role on staging-1 is operator',
    );
    expect(fake.buttonsOf(approval)).toHaveLength(2);
    expect((await h.store.restores.get(rs))?.state).toBe('PENDING_APPROVAL');

    fake.click(approval.id, 'admin2', 'Approve');
    await fake.waitFor(() => (/approved by \*\*Admin Two\*\*/.test(approval.params.markdown ?? '') ? true : null), 'the card to say who approved', 10_000);
    expect(fake.buttonsOf(approval)).toEqual([]);
    const progress = await fake.waitFor(
      () => [...fake.api.cards.values()].find((c) => c.space.id === SANDBOX_DINGTALK_CONVERSATION && /Restore .* finished/.test(c.params.title ?? '') && c.params.title?.includes(rs)),
      'the restore to end with its checklist',
      20_000,
    );
    expect(progress.params.markdown).toContain('Not carried by a restore');
    expect(sims.starrocks.instance('staging-1').catalog.table('inventory', 'stock')).toBeDefined();
  });
});

/** A signed run button for prod-sh, as the core makes it (asked as an operator). */
async function runToken(): Promise<string> {
  const ask = await h.bot.core.run({ actor: h.bot.core.resolveActor('dingtalk', 'user9'), text: 'run prod-sh', channel: null });
  return ask.buttons?.[0]?.value ?? '';
}
