// A restore through Slack: signed requests to the real Bolt surface, the fake Web API as a real
// server, StarRocks and OSS simulated over real sockets. The Restore button of a listed set opens
// the restore modal; the request is posted in the channel with Approve / Reject; the requester's
// own approval, an operator's, and an operator's click carrying another user's id are refused;
// a second admin approves; the message is edited in place; the restore ends with the checklist,
// and the target holds the source's rows.

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, startSlackSurface, type SlackSurface } from '../../adapters/slack';
import { tableRows } from '../../sim/starrocks/catalog';
import {
  blockActionsBody, fillViewState, postSigned, shownText, slashCommandBody, startFakeSlack, viewSubmissionBody, walkBlocks,
  type FakeMessage, type FakeSlack, type FoundButton, type JsonObject,
} from '../../sim/slack';
import { endedSet, startBackup } from '../support/backups';
import { startHarness, type Harness } from '../support/harness';
import { waitFor } from '../support/wait';
import { startRestoreSims } from './sims';
import { endedRestore } from './support';

let sims: Awaited<ReturnType<typeof startRestoreSims>>;
let h: Harness;
let fake: FakeSlack;
let surface: SlackSurface;
let url = '';
let setId = '';
const secret = randomBytes(16).toString('hex');
const botToken = `xoxb-restore-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  sims = await startRestoreSims();
  h = await startHarness({ sims: sims.description });
  fake = await startFakeSlack({ botToken });
  surface = await startSlackSurface({ core: h.bot.core, botToken, signingSecret: secret, apiUrl: fake.apiUrl, port: 0, logger: silentLogger, retryConfig: { retries: 0 }, minEditIntervalMs: 50 });
  url = `http://127.0.0.1:${surface.port}/slack/events`;
  h.bot.notifiers.set('slack', surface.notifier);
  setId = await startBackup(h, 'prod-1');
  expect((await endedSet(h, setId)).state).toBe('FINISHED');
}, 30_000);
afterAll(async () => {
  await h.close();
  await surface.stop();
  await fake.close();
  await sims.close();
});

const textOf = (m: { blocks?: unknown }): string => walkBlocks(m.blocks).texts.join('\n');

async function slash(user: string, text: string): Promise<JsonObject> {
  const responseUrl = fake.responseUrl();
  expect((await postSigned(url, secret, slashCommandBody({ text, userId: user, responseUrl, triggerId: fake.issueTriggerId() }))).status).toBe(200);
  return fake.waitFor(() => fake.responsesAt(responseUrl)[0], `the reply to /backup ${text}`, 10_000);
}

/** Clicks as `user`; `edit` changes the signed payload before it is sent (a forged click). */
async function click(user: string, button: FoundButton, triggerId = fake.issueTriggerId(), edit?: (payload: JsonObject) => JsonObject): Promise<JsonObject> {
  const responseUrl = fake.responseUrl();
  let body = blockActionsBody({ userId: user, button: { actionId: button.actionId, value: button.value, blockId: button.blockId, text: button.text }, responseUrl, triggerId });
  if (edit) body = new URLSearchParams({ payload: JSON.stringify(edit(JSON.parse(new URLSearchParams(body).get('payload') ?? '{}') as JsonObject)) }).toString();
  expect((await postSigned(url, secret, body)).status).toBe(200);
  return fake.waitFor(() => fake.responsesAt(responseUrl)[0], `the answer to ${button.text}`, 10_000);
}

const channelMessage = (what: RegExp, label: string): Promise<FakeMessage> =>
  fake.waitFor(() => [...fake.messages.values()].find((m) => m.channel === 'C0OPS' && m.history.some((v) => what.test(v.text))), label, 20_000);

describe('a restore from Slack', () => {
  it('is asked for in the modal, refused for the requester and an operator (also with a forged id), approved by another admin, and ends with the checklist', async () => {
    const list = await slash('U0ADMIN1', 'list prod-1');
    const restore = walkBlocks(list.blocks).buttons.find((b) => b.text === 'Restore') as FoundButton;
    expect(restore).toBeDefined();

    // The button opens the restore modal with the choices filled in.
    const triggerId = fake.issueTriggerId();
    await postSigned(url, secret, blockActionsBody({ userId: 'U0ADMIN1', button: { actionId: restore.actionId, value: restore.value, blockId: restore.blockId, text: restore.text }, responseUrl: fake.responseUrl(), triggerId }));
    const modal = await fake.waitFor(() => fake.views.find((v) => v.triggerId === triggerId), 'the restore modal', 10_000);
    const shown = walkBlocks(modal.view.blocks).texts.join('\n');
    expect(shown).toContain(`${setId} of prod-1: FINISHED, 14.1 MiB`);
    // The target is chosen from the instances that qualify (a select), the first chosen already.
    const select = (modal.view.blocks as Array<{ block_id?: string; element?: { type?: string; options?: Array<{ value: string }>; initial_option?: { value: string } } }>).find((b) => b.block_id === 'target')?.element;
    expect(select?.type).toBe('static_select');
    expect(select?.options?.map((o) => o.value)).toContain('staging-1');
    expect(select?.options?.map((o) => o.value)).not.toContain('prod-1');
    expect(select?.initial_option?.value).toBe(select?.options?.[0]?.value);
    const submitted = await postSigned(url, secret, viewSubmissionBody({ userId: 'U0ADMIN1', view: modal.view, values: fillViewState(modal.view, { target: { selected_option: { value: 'staging-1' } }, databases: { value: 'sales,inventory' } }), triggerId: fake.issueTriggerId() }));
    expect(submitted.status).toBe(200);
    const [request] = await waitFor(async () => {
      const found = await h.store.restores.list();
      return found.length ? found : null;
    }, 'the request', 10_000);
    const id = request!.id;
    expect(request).toMatchObject({ requestedBy: 'admin1', databases: ['sales', 'inventory'], state: 'PENDING_APPROVAL' });

    // Posted in the channel, for everyone there, with Approve and Reject.
    const approval = await channelMessage(new RegExp(`Restore request ${id} needs approval`), 'the approval message');
    const [approve, reject] = walkBlocks(approval.history[0]?.blocks).buttons;
    expect([approve?.text, reject?.text]).toEqual(['Approve', 'Reject']);
    expect(approve?.confirm).toBeDefined();

    expect(shownText(await click('U0ADMIN1', approve as FoundButton))).toContain(`${id} needs the approval of an admin other than the requester (Admin One)`);
    expect(shownText(await click('U0OPER1', approve as FoundButton))).toContain('/backup approve needs the admin role on staging-1; your role on staging-1 is operator');
    // An operator's click whose payload carries an admin's id elsewhere: the actor is user.id.
    const forged = await click('U0OPER1', approve as FoundButton, undefined, (p) => ({ ...p, user: { ...(p.user as JsonObject), username: 'admin2', name: 'U0ADMIN2' }, actor: 'U0ADMIN2', actions: [{ ...((p.actions as JsonObject[])[0] as JsonObject), user_id: 'U0ADMIN2' }] }));
    expect(shownText(forged)).toContain('/backup approve needs the admin role on staging-1; your role on staging-1 is operator');
    // ... and one whose button value was edited to name the admin.
    const [prefix, body, mac] = (approve?.value ?? '').split('.');
    const edited = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body ?? '', 'base64url').toString()), u: 'U0ADMIN2' })).toString('base64url');
    expect(shownText(await click('U0OPER1', { ...(approve as FoundButton), value: `${prefix}.${edited}.${mac}` }))).toContain('not one this bot made');
    expect((await h.store.restores.get(id))?.state).toBe('PENDING_APPROVAL');

    expect(shownText(await click("U0ADMIN2", approve as FoundButton))).toContain(`Approved restore *${id}*`);
    // The approval message is edited in place, without its buttons.
    await fake.waitFor(() => (/approved by \*?Admin Two/.test(textOf(approval)) ? true : null), 'the approval message to say who approved', 10_000);
    expect(walkBlocks(approval.blocks).buttons).toEqual([]);
    expect(fake.callsTo('chat.update').some((c) => c.args.ts === approval.ts)).toBe(true);

    const done = await endedRestore(h, id);
    expect(done.state).toBe('FINISHED');
    const end = await channelMessage(new RegExp(`Restore ${id} finished`), 'the checklist');
    await fake.waitFor(() => (/Not carried by a restore/.test(textOf(end)) ? true : null), 'the checklist text', 10_000);
    const checklist = textOf(end);
    expect(checklist).toContain('sales.v_daily_sales');
    expect(checklist).toContain('Colocate group sales_cg');
    expect(walkBlocks(end.blocks).buttons.map((b) => b.text)).toEqual(['Verify']);
    expect(end.history.length).toBeGreaterThan(1);

    const source = sims.starrocks.instance('prod-1').catalog;
    const target = sims.starrocks.instance('staging-1').catalog;
    for (const [db, table] of [['sales', 'orders'], ['sales', 'order_items'], ['sales', 'customers'], ['inventory', 'stock']] as const) {
      expect(tableRows(target.table(db, table)!)).toBe(tableRows(source.table(db, table)!));
    }
    expect(target.database('web')).toBeUndefined();

    // Verify from the checklist's button, in Slack.
    const verified = await click('U0OPER1', walkBlocks(end.blocks).buttons[0] as FoundButton);
    expect(shownText(verified)).toMatch(/match the snapshot \(6 tables, 12 partitions\)/);
  }, 40_000);
});
