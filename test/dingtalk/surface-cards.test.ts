// Cards and their buttons over Stream: a confirmation answered on its card, a click refused for
// a role, restore approval by a second admin (refused for the requester, a stale card answered),
// list rows whose Delete asks first, clicks that cannot be read, and the markdown fallback when
// DingTalk refuses the card.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeCard } from '../../sim/dingtalk';
import { startDingTalkHarness, type DingTalkHarness } from './harness';
import { TestCore, token } from './test-core';

let h: DingTalkHarness;
const core = new TestCore();

beforeAll(async () => {
  h = await startDingTalkHarness(core);
});
afterAll(async () => {
  await h.stop();
});

async function cardAfter(at: number, what: string): Promise<FakeCard> {
  return h.fake.waitFor(() => [...h.fake.api.cards.values()].find((c) => c.createdAt >= at), what);
}

const privately = (user: string, since: number) => h.fake.waitFor(() => h.fake.seenBy(user, since)[0], `a private answer to ${user}`);

describe('a confirmation card', () => {
  let card: FakeCard;
  beforeAll(async () => {
    const said = h.fake.say('user1', '/backup run prod-1');
    card = await cardAfter(said.at, 'the run card');
  });

  it('is an advanced card with Stream callbacks, visible to the caller, whose button describes itself', () => {
    expect(card).toMatchObject({ callbackType: 'STREAM', space: { type: 'IM_GROUP', id: h.fake.group }, recipients: ['user1'] });
    expect(card.params.title).toBe('⚠️ Run a backup of prod-1?');
    expect(card.params.markdown).toContain('Back up **prod-1** now?');
    expect(card.params.markdown).toContain('> **Start the backup?** It cannot be interrupted.');
    expect(h.fake.buttonsOf(card)).toEqual([
      { text: 'Run backup now', params: { action: 'confirm', subject: 'prod-1', value: expect.stringMatching(/^b1\./), scope: 'card', caption: 'Run backup now' } },
    ]);
  });

  it("a viewer's click is refused privately, and the card keeps its button", async () => {
    const mine = await cardAfter(h.fake.say('viewer1', '/backup run prod-1').at, "the viewer's card");
    const at = Date.now();
    h.fake.click(mine.id, 'viewer1', 'Run backup now');
    const answer = await privately('viewer1', at);
    expect(answer).toContain('**Run backup now** (confirm prod-1): /backup run needs the operator role on prod-1; your role on prod-1 is viewer.');
    expect(core.acts.at(-1)?.actor).toMatchObject({ userId: 'viewer1' });
    expect(h.fake.buttonsOf(mine)).toHaveLength(1);
    expect(mine.params.status).toBe('');
  });

  it('the caller confirms: the core acts as the clicker, the card loses its button and says who answered', async () => {
    const at = Date.now();
    const messageId = h.fake.click(card.id, 'user1', 'Run backup now');
    expect((await h.fake.waitFor(() => h.fake.gateway.ackOf(messageId), 'the click ACK')).code).toBe(200);
    const answer = await privately('user1', at);
    expect(answer).toContain('Started backup **bk-9** of prod-1.');
    expect(core.acts.at(-1)).toMatchObject({ actor: { userId: 'user1' }, channel: { platform: 'dingtalk', channelId: h.fake.group } });
    expect(card.params.buttons).toBe('[]');
    expect(card.params.status).toBe('✅ Run backup now: user1');
  });

  it('a forged value in the params is refused by the core, as the clicker', async () => {
    const at = Date.now();
    h.fake.click(card.id, 'user1', /x/, { params: { action: 'confirm', subject: 'prod-1', value: 'b1.forged.mac', caption: 'Run backup now' } });
    expect(await privately('user1', at)).toContain('that button or form is not one this bot made');
    expect(core.acts.at(-1)).toMatchObject({ value: 'b1.forged.mac', actor: { userId: 'user1' } });
  });
});

describe('a restore approval card', () => {
  let card: FakeCard;
  beforeAll(async () => {
    const said = h.fake.say('admin1', '/backup restore bk-1');
    card = await cardAfter(said.at, 'the approval card');
  });

  it('goes to the whole group with Approve and Reject, each naming its request', () => {
    expect(card.recipients).toBeNull();
    expect(h.fake.buttonsOf(card).map((b) => [b.text, b.params.action, b.params.subject])).toEqual([
      ['Approve', 'approve', 'rs-1'],
      ['Reject', 'reject', 'rs-1'],
    ]);
  });

  it('the requester cannot approve it; an operator cannot either', async () => {
    const at = Date.now();
    h.fake.click(card.id, 'admin1', 'Approve');
    expect(await privately('admin1', at)).toContain('rs-1 needs the approval of an admin other than the requester (admin1)');
    h.fake.click(card.id, 'user1', 'Approve');
    expect(await privately('user1', at)).toContain('/backup approve needs the admin role; your role is operator.');
    expect(h.fake.buttonsOf(card)).toHaveLength(2);
  });

  it('a second admin approves: the group is told and the card closes; a later click on the card is answered', async () => {
    const at = Date.now();
    h.fake.click(card.id, 'admin2', 'Approve');
    const told = await h.fake.waitFor(() => h.fake.seenIn(h.fake.group, at).find((t) => t.includes('approved')), 'the approval in the group');
    expect(told).toContain('Restore rs-1 approved by admin2.');
    expect(card.params.status).toBe('✅ Approve: Person admin2');
    const later = Date.now();
    h.fake.click(card.id, 'admin1', /./, { params: { action: 'reject', subject: 'rs-1', value: token('reject rs-1 admin1'), caption: 'Reject' } });
    expect(await privately('admin1', later)).toContain('**Reject** (reject rs-1): rs-1 was already decided: approved by admin2.');
  });
});

describe('list rows', () => {
  let card: FakeCard;
  beforeAll(async () => {
    const said = h.fake.say('admin1', '/backup list prod-1');
    card = await cardAfter(said.at, 'the list card');
  });

  it('show each row and one button per action and row, named with the row', () => {
    expect(card.params.markdown).toContain('**bk-1**  FINISHED\n\n> Size: 1.2 GB');
    expect(h.fake.buttonsOf(card).map((b) => b.text)).toEqual(['Restore bk-1', 'Delete bk-1', 'Restore bk-2', 'Delete bk-2']);
  });

  it('Delete asks first on a card of its own; Keep cancels, Delete deletes', async () => {
    let at = Date.now();
    h.fake.click(card.id, 'admin1', 'Delete bk-2');
    const ask = await cardAfter(at, 'the confirmation card');
    expect(ask.params.title).toBe('⚠️ Delete bk-2?');
    expect(ask.params.markdown).toBe('Backup **bk-2** is deleted for good.');
    expect(ask.recipients).toEqual(['admin1']);
    expect(h.fake.buttonsOf(ask).map((b) => b.text)).toEqual(['Delete', 'Keep']);
    const acts = core.acts.length;
    h.fake.click(ask.id, 'admin1', 'Keep');
    await h.fake.waitFor(() => ask.params.status === 'Cancelled by Person admin1', 'the cancelled card');
    expect(core.acts.length).toBe(acts);

    at = Date.now();
    h.fake.click(card.id, 'admin1', 'Delete bk-2');
    const again = await cardAfter(at, 'a second confirmation card');
    h.fake.click(again.id, 'admin1', 'Delete');
    const told = await h.fake.waitFor(() => h.fake.seenIn(h.fake.group, at).find((t) => t.includes('Deleted bk-2')), 'the deletion in the group');
    expect(told).toContain('Deleted bk-2 (by admin1).');
    expect(h.fake.buttonsOf(card)).toHaveLength(4); // the list card itself stays as it was
  });
});

describe('clicks that cannot be used', () => {
  it('a truncated callback is ACKed, logged and the clicker told', async () => {
    const at = Date.now();
    const data = JSON.stringify({ outTrackId: 'sbb-x', userId: 'user4', spaceType: 'IM_GROUP', spaceId: h.fake.group, content: '{"cardPrivateData": {"params": {"act' });
    const id = h.fake.gateway.push('CALLBACK', '/v1.0/card/instances/callback', data);
    expect((await h.fake.waitFor(() => h.fake.gateway.ackOf(id), 'the ACK')).code).toBe(200);
    expect(await privately('user4', at)).toContain('That click could not be read; run the command again.');
  });

  it('a click on a card this process does not know, without a value, is answered', async () => {
    const at = Date.now();
    const said = h.fake.say('user5', '/backup run prod-2');
    const card = await cardAfter(said.at, 'the card');
    h.fake.click(card.id, 'user5', /./, { params: { action: 'nothing-like-this' } });
    expect(await privately('user5', at)).toContain('The buttons of this card are no longer active');
  });
});

describe('when DingTalk refuses the card', () => {
  it('the content comes as markdown whose button link sends the click back as a message', async () => {
    const h2 = await startDingTalkHarness(new TestCore(), { fake: { cardTemplates: ['another.schema'] } });
    try {
      const said = h2.fake.say('user1', '/backup run prod-1', { dm: true });
      const answer = await h2.fake.waitFor(() => h2.fake.repliesTo(said)[0], 'the markdown fallback');
      const link = /\[Run backup now\]\(dtmd:\/\/dingtalkclient\/sendMessage\?content=([^)]+)\)/.exec(answer.text);
      expect(link).not.toBeNull();
      const typed = decodeURIComponent(link?.[1] as string);
      expect(typed).toMatch(/^\/backup b1\./);
      const click = h2.fake.say('user1', typed, { dm: true });
      const result = await h2.fake.waitFor(() => h2.fake.repliesTo(click)[0], 'the answer to the link');
      expect(result.text).toContain('Started backup **bk-9** of prod-1.');
    } finally {
      await h2.stop();
    }
  });
});
