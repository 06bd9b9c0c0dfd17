// Deciding restore requests: only an admin of the target who is not the requester (by person:
// their other accounts do not count), never from a value in the button; two admins at once give
// one decision; requests expire and say so; the requester withdraws; self-approval where an
// instance opts in; and the start-up warning for instances where no restore could be approved.

import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenSigner } from '../../commands/signing';
import { aliOssConnector } from '../../adapters/oss';
import { mysqlStarRocksConnector } from '../../adapters/starrocks';
import type { Person } from '../../src/domain/types';
import type { Store } from '../../src/ports';
import type { Reply } from '../../src/reply';
import { Announcer } from '../../src/services/announcer';
import { Auditor } from '../../src/services/audit';
import { Clusters } from '../../src/services/clusters';
import { InstanceDirectory } from '../../src/services/instances';
import { PeopleDirectory } from '../../src/services/people';
import { RestoreDecisions } from '../../src/services/restore/decisions';
import { TaskBook } from '../../src/services/tasks';
import { memoryLogger } from '../support/logger';
import { endedSet, startBackup } from '../support/backups';
import { ManualClock } from '../support/clock';
import { startHarness, type Harness } from '../support/harness';
import { startRestoreSims } from './sims';
import { channelMessage, endedRestore, latest, restoreIdIn, shown } from './support';

let sims: Awaited<ReturnType<typeof startRestoreSims>>;
let h: Harness;
let setId: string;
const clock = new ManualClock(new Date());

beforeAll(async () => {
  sims = await startRestoreSims();
  h = await startHarness({
    sims: sims.description,
    clock,
    config: (base) => ({
      ...base,
      instances: base.instances.map((i) => (i.id === 'staging-new' ? { ...i, selfApproval: true } : i)),
      people: [...base.people, { id: 'admin3', displayName: 'Admin Three', slack: ['U0ADMIN3'], dingtalk: [], terminal: ['admin3'], roles: { '*': 'admin' } }],
    }),
  });
  setId = await startBackup(h, 'prod-1');
  expect((await endedSet(h, setId)).state).toBe('FINISHED');
}, 30_000);
afterAll(async () => {
  await h.close();
  await sims.close();
});

const approvalOf = (id: string): Promise<Reply> => latest(h, new RegExp(`Restore request ${id} `));
/** The approval message as first posted, with its buttons (a late click uses them). */
const posted = async (id: string): Promise<Reply> => (await channelMessage(h, new RegExp(`Restore request ${id} `)))[0] as Reply;
const asked = async (user: string, text: string): Promise<string> => restoreIdIn(await h.say(user, text));
const act = (platform: 'terminal' | 'slack', user: string, value: string) => h.bot.core.act({ actor: h.bot.core.resolveActor(platform, user), value, channel: null });
const unapprovable = (x: Harness): unknown[] => x.log.map((l) => l.fields as Record<string, unknown>).filter((f) => f.event === 'restore.unapprovable').map((f) => f.instanceId);
const button = (reply: Reply, label: RegExp) => reply.buttons?.find((b) => label.test(b.label))?.value ?? '';

describe('who may decide a restore', () => {
  it('not an operator or a viewer, not the requester from another of their accounts, and never an id carried in the button', async () => {
    const id = await asked('admin1', `restore ${setId} to staging-1 databases=inventory`);
    const approval = await approvalOf(id);
    expect((await h.click('oper1', approval, /Approve/)).text).toMatch(/^\/backup approve needs the admin role on staging-1; your role on staging-1 is operator/);
    expect((await h.click('viewer1', approval, /Reject/)).text).toMatch(/^\/backup reject needs the admin role on staging-1; your role on staging-1 is viewer/);
    expect((await h.say('oper1', `approve ${id}`)).text).toMatch(/needs the admin role on staging-1/);
    // admin1's Slack account is admin1 too: four eyes count people.
    expect((await act('slack', 'U0ADMIN1', button(approval, /Approve/))).text).toBe(`${id} needs the approval of an admin other than the requester (Admin One): four eyes count people, not accounts; nothing was decided`);
    // A button value edited to carry another user (or another command) is not the bot's.
    const [prefix, body, mac] = button(approval, /Approve/).split('.');
    const payload = JSON.parse(Buffer.from(body ?? '', 'base64url').toString()) as Record<string, unknown>;
    expect(payload.c).toBe(`approve ${id} v=1`);
    const forged = `${prefix}.${Buffer.from(JSON.stringify({ ...payload, u: 'admin2', actor: 'admin2' })).toString('base64url')}.${mac}`;
    expect((await act('terminal', 'oper1', forged)).text).toBe('that button or form is not one this bot made; run the command again');
    expect((await h.store.restores.get(id))?.state).toBe('PENDING_APPROVAL');
    expect((await h.store.audit.list()).filter((a) => a.subject === id).map((a) => a.action)).toEqual(['restore.request']);
    await h.say('admin1', `cancel ${id}`);
  });

  it('two admins approving at once give exactly one decision; the other is told who decided and when', async () => {
    const id = await asked('admin1', `restore ${setId} to staging-1 databases=inventory`);
    const approval = await approvalOf(id);
    const [a, b] = await Promise.all([act('terminal', 'admin2', button(approval, /Approve/)), act('terminal', 'admin3', button(approval, /Approve/))]);
    const texts = [a.text, b.text];
    const winner = texts.findIndex((t) => t.startsWith(`Approved restore *${id}*`));
    expect(winner).toBeGreaterThanOrEqual(0);
    const who = winner === 0 ? 'Admin Two' : 'Admin Three';
    expect(texts[1 - winner]).toMatch(new RegExp(`^${id} was already decided: approved by ${who} at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\+8; it is (approved|running|finished)$`));
    expect((await h.store.audit.list()).filter((a) => a.subject === id && a.action === 'restore.approve')).toHaveLength(1);
    // A Reject clicked afterwards, and the Approve clicked again, are answered the same way.
    expect((await act('terminal', 'admin3', button(approval, /Reject/))).text).toMatch(new RegExp(`^${id} was already decided: approved by ${who}`));
    expect((await endedRestore(h, id)).state).toBe('FINISHED');
    expect(sims.starrocks.instance('staging-1').restoreSubmissions.get(`${setId.replace(/-/g, '_')}__inventory`)).toBe(1);
    expect(shown(await approvalOf(id))).toMatch(new RegExp(`approved by \\*${who}\\* at `));
  });

  it('the decision is checked again inside its transaction: a decider who read the request before another decided is told who decided', async () => {
    const id = await asked('admin1', `restore ${setId} to staging-small databases=web replicas=1`);
    const stale = (await h.store.restores.get(id))!;
    expect((await h.click('admin2', await approvalOf(id), /Reject/)).tone).toBe('success');
    // A decider that read the request while it was still pending (the race two clicks make).
    const store: Store = { ...h.store, restores: { ...h.store.restores, get: async (rid) => (rid === id ? stale : h.store.restores.get(rid)) } };
    const instances = new InstanceDirectory(h.config);
    const decisions = new RestoreDecisions({
      store,
      clock,
      instances,
      clusters: new Clusters(instances, mysqlStarRocksConnector, aliOssConnector),
      people: new PeopleDirectory(h.config.people, h.config.defaultRole),
      announcer: new Announcer(store, clock, instances),
      audit: new Auditor(store, clock),
      tasks: new TaskBook(store, clock),
      log: memoryLogger(),
      signer: new TokenSigner(Buffer.alloc(32, 7)),
      approvalTtlHours: 24,
      databaseConcurrency: 2,
      invisibleJobLimitMinutes: 60,
    });
    const admin3 = h.bot.core.resolveActor('terminal', 'admin3');
    await expect(decisions.decide(admin3, id, 'APPROVED', 1)).rejects.toThrow(new RegExp(`^${id} was already decided: rejected by Admin Two at `));
    expect((await h.store.restores.get(id))?.state).toBe('REJECTED');
    expect((await h.store.audit.list()).filter((a) => a.subject === id && a.action !== 'restore.request').map((a) => a.action)).toEqual(['restore.reject']);
  });

  it('a rejection edits the message and ends the request; a later approval is told who rejected it', async () => {
    const id = await asked('oper1', `restore ${setId} to staging-new databases=web`);
    const approval = await approvalOf(id);
    expect((await h.click('admin2', approval, /Reject/)).text).toBe(`Rejected restore request *${id}*; nothing will be restored.`);
    expect(shown(await approvalOf(id))).toMatch(new RegExp(`^Restore request ${id} rejected\\n✖ Restore request \\*${id}\\* was rejected by \\*Admin Two\\* at .*\\. Nothing was restored\\.`));
    expect((await latest(h, new RegExp(`Restore request ${id} `))).buttons ?? []).toEqual([]);
    expect((await h.click('admin3', approval, /Approve/)).text).toMatch(new RegExp(`^${id} was already decided: rejected by Admin Two at `));
  });
});

describe('expiry and withdrawal', () => {
  it('a request nobody decides expires after approvals.ttlHours: the message says so, a late click is told, nothing is restored', async () => {
    const id = await asked('oper1', `restore ${setId} to staging-new databases=web`);
    const late = await asked('oper1', `restore ${setId} to staging-small databases=web replicas=1`);
    clock.advance(24 * 3600_000 + 60_000);
    // A click after the deadline expires the request itself, before the controller ran.
    expect((await h.click('admin2', await posted(late), /Approve/)).text).toMatch(new RegExp(`^${late} expired at .* without a decision; ask again with /backup restore ${setId} to staging-small$`));
    await h.bot.runner.runOnce('approvals');
    expect(await h.store.restores.get(id)).toMatchObject({ state: 'APPROVAL_EXPIRED' });
    expect(shown(await approvalOf(id))).toMatch(new RegExp(`^Restore request ${id} expired\\nRestore request \\*${id}\\* expired at .* without a decision\\. Nothing was restored; to ask again: /backup restore ${setId} to staging-new`));
    expect((await h.click('admin2', await posted(id), /Approve/)).text).toMatch(new RegExp(`^${id} expired at `));
    const audit = (await h.store.audit.list()).filter((a) => a.action === 'restore.expire').map((a) => a.subject);
    expect(audit.sort()).toEqual([id, late].sort());
    expect(sims.starrocks.instance('staging-new').restoreSubmissions.size).toBe(0);
  });

  it('the requester withdraws a pending request; nobody else can; an ended one has nothing to cancel', async () => {
    const id = await asked('oper1', `restore ${setId} to staging-new databases=web`);
    expect((await h.say('admin2', `cancel ${id}`)).text).toBe(`only the requester (oper1) can withdraw ${id}; an admin of staging-new can reject it instead`);
    expect((await h.say('oper1', `cancel ${id}`)).text).toBe(`Withdrew restore request *${id}*.`);
    expect(shown(await approvalOf(id))).toMatch(new RegExp(`was withdrawn by its requester \\*oper1\\* at `));
    expect((await h.click('admin2', await posted(id), /Approve/)).text).toMatch(new RegExp(`^${id} was withdrawn by its requester oper1 at .*; there is nothing to decide$`));
    expect((await h.say('oper1', `cancel ${id}`)).text).toBe(`restore ${id} already ended (WITHDRAWN); there is nothing to cancel`);
    expect((await h.store.audit.list()).some((a) => a.subject === id && a.action === 'restore.withdraw')).toBe(true);
  });
});

describe('self-approval', () => {
  it('an instance that opts in lets an admin approve their own request, and the message says so', async () => {
    const id = await asked('admin1', `restore ${setId} to staging-new databases=web`);
    const approval = await approvalOf(id);
    expect(approval.text).toContain('(the requester may approve it too: self-approval is on here)');
    expect((await h.click('admin1', approval, /Approve/)).text).toMatch(new RegExp(`^Approved restore \\*${id}\\* \\(self-approved\\)`));
    expect(shown(await approvalOf(id))).toMatch(/approved by \*Admin One\* at .* \(self-approved: staging-new allows its admins to approve their own restores\)/);
    expect((await h.store.audit.list()).find((a) => a.subject === id && a.action === 'restore.approve')?.after).toMatchObject({ selfApproved: true });
    const done = await endedRestore(h, id);
    // 3.4 creates the database itself: recorded as new on the target all the same.
    expect(done).toMatchObject({ state: 'FINISHED', createdDatabases: ['web'] });
    expect(sims.starrocks.instance('staging-new').catalog.table('web', 'events')).toBeDefined();
  });
});

describe('the start-up warning', () => {
  it('names every instance on which no restore could ever be approved, in the log at each start and in its channel once', async () => {
    const only = (base: Harness['config']): Harness['config'] => ({
      ...base,
      instances: base.instances.filter((i) => ['prod-1', 'staging-1', 'staging-new'].includes(i.id)).map((i) => (i.id === 'staging-new' ? { ...i, selfApproval: true } : i)),
      people: [
        { id: 'admin1', displayName: 'Admin One', slack: ['U0ADMIN1'], dingtalk: [], terminal: ['admin1'], roles: { '*': 'admin' } },
        { id: 'admin2', displayName: 'Admin Two', slack: ['U0ADMIN2'], dingtalk: ['admin2'], terminal: ['admin2'], roles: { 'prod-1': 'admin' } },
      ] satisfies Person[],
    });
    const first = await startHarness({ sims: sims.description, config: only });
    const dataDir = first.dataDir;
    await first.flush();
    expect(first.bot.startupWarnings).toEqual([
      'No restore into staging-1 can ever be approved: its only admin is Admin One and self-approval is off. A restore needs an admin of the target other than the requester; give a second person the admin role on staging-1, or set selfApproval: true for staging-1 in the configuration.',
    ]);
    expect(unapprovable(first)).toEqual(['staging-1']);
    expect(first.channel.texts().filter((t) => t.includes('cannot be approved'))).toHaveLength(1);
    await first.close({ keepData: true });
    const again = await startHarness({ sims: sims.description, config: only, dataDir });
    await again.flush();
    expect(unapprovable(again)).toEqual(['staging-1']);
    expect(again.channel.texts().filter((t) => t.includes('cannot be approved'))).toHaveLength(0);
    await again.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
});
