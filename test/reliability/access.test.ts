// Who may do what, for every command and every button, table-driven from the command registry:
// a new command without a row here fails the first test. The expected roles are SPEC section 2's
// table, written out again here (not read from the registry), so the registry cannot drift from
// it. A button carries a signed command line, so a button of each command, clicked by each role,
// covers every button kind; the buttons the bot really offered in this test are checked to be
// among them. Forged clicks already covered elsewhere (another user's id in a payload, a replayed
// or unsigned request, another bot's key) are listed in docs/reliability.md; what is added here:
// a button of another instance, an edited button value, an expired one.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenSigner } from '../../commands/signing';
import { allCommands } from '../../commands/registry';
import { startSandboxSimulators } from '../../sim/sandbox';
import type { Role } from '../../src/domain/types';
import type { Reply } from '../../src/reply';
import { endedSet, startBackup } from '../support/backups';
import { startHarness, type Harness } from '../support/harness';

type Who = 'nobody' | Role;
const RANK: Record<Who, number> = { nobody: 0, viewer: 1, operator: 2, admin: 3 };
/** Terminal user ids of one person per role; `stranger` is in no configuration entry. */
const USER: Record<Who, string> = { nobody: 'stranger', viewer: 'viewer1', operator: 'oper1', admin: 'admin1' };

/** SPEC §2's table (approve / reject: "admins approve restores"). */
const SPEC_ROLE: Record<string, Role | 'anyone'> = {
  help: 'anyone',
  instances: 'viewer',
  settings: 'operator',
  list: 'viewer',
  run: 'operator',
  delete: 'admin',
  restore: 'operator',
  approve: 'admin',
  reject: 'admin',
  tasks: 'viewer',
  cancel: 'operator',
  release: 'admin',
  verify: 'operator',
  reconcile: 'admin',
  describe: 'viewer',
  doctor: 'operator',
};

let sims: Awaited<ReturnType<typeof startSandboxSimulators>>;
let h: Harness;
let setId = '';
let restoreId = '';
let signer: TokenSigner;
const offered: Reply[] = [];

/** A command line for each command that gets past its parser and names existing things. */
function sample(name: string): string {
  const lines: Record<string, string> = {
    help: 'help',
    instances: 'instances',
    doctor: 'doctor prod-1',
    settings: 'settings prod-1',
    list: 'list prod-1',
    describe: `describe ${setId}`,
    run: 'run prod-1',
    delete: `delete ${setId}`,
    restore: `restore ${setId}`,
    // A version the request never had: past the role check, nothing is decided.
    approve: `approve ${restoreId} v=999`,
    reject: `reject ${restoreId} v=999`,
    tasks: 'tasks prod-1',
    cancel: `cancel ${setId}`,
    release: 'release prod-1',
    verify: `verify ${restoreId}`,
    reconcile: 'reconcile prod-1',
  };
  const line = lines[name];
  if (line === undefined) throw new Error(`no sample command line for /backup ${name}: add one (and its SPEC role) to this test`);
  return line;
}

const refusedByRole = (reply: Reply): boolean => reply.tone === 'error' && /needs the (viewer|operator|admin) role/.test(reply.text);

beforeAll(async () => {
  sims = await startSandboxSimulators({ stepMs: 10 });
  h = await startHarness({
    sims: sims.description,
    config: (base) => ({
      ...base,
      defaultRole: null,
      people: [
        ...base.people,
        { id: 'oper1', displayName: 'Operator One', slack: ['U0OPER1'], dingtalk: [], terminal: ['oper1'], roles: { '*': 'operator' } },
        { id: 'stagingadmin', displayName: 'Staging Admin', slack: [], dingtalk: [], terminal: ['stagingadmin'], roles: { 'staging-1': 'admin', 'prod-1': 'viewer' } },
      ],
    }),
  });
  setId = (await endedSet(h, await startBackup(h, 'prod-1'))).id;
  await h.settle();
  const requested = await h.say('oper1', `restore ${setId} to staging-1`);
  restoreId = /(rs-[\w-]+)/.exec(requested.text)?.[1] ?? '';
  if (!restoreId) throw new Error(`no restore requested: ${requested.text}`);
  offered.push(requested, await h.say('admin1', 'run prod-1'), await h.say('admin1', `list prod-1`), await h.say('admin1', `delete ${setId}`));
  await h.flush();
  signer = new TokenSigner(Buffer.from((await h.store.runnerState.get('signingKey')) as string, 'hex'));
}, 60_000);
afterAll(async () => {
  await h.close();
  await sims.close();
});

describe('the command registry', () => {
  it('has exactly the commands of the SPEC table, each with its SPEC role', () => {
    const registry = allCommands();
    expect(registry.map((c) => c.name).sort()).toEqual(Object.keys(SPEC_ROLE).sort());
    for (const command of registry) expect(command.role, `/backup ${command.name}`).toBe(SPEC_ROLE[command.name]);
  });
});

describe('every command, typed, for every role', () => {
  for (const command of allCommands()) {
    it(`/backup ${command.name}: allowed from the ${SPEC_ROLE[command.name]} role up, refused below`, async () => {
      const needed = SPEC_ROLE[command.name] as Role | 'anyone';
      for (const who of Object.keys(USER) as Who[]) {
        const reply = await h.say(USER[who], sample(command.name));
        const allowed = needed === 'anyone' || RANK[who] >= RANK[needed];
        expect(refusedByRole(reply), `${who}: ${reply.text}`).toBe(!allowed);
        if (!allowed && who === 'nobody') expect(reply.text).toContain('you are not registered with this bot');
        if (!allowed && who !== 'nobody') expect(reply.text).toContain(`needs the ${needed} role`);
      }
    });
  }
});

describe('every button, for every role', () => {
  it('the buttons the bot offered in this test are signed command lines of registered commands', () => {
    const names = new Set(allCommands().map((c) => c.name));
    const values = offered.flatMap((r) => [...(r.buttons ?? []), ...(r.items ?? []).flatMap((i) => i.buttons ?? [])]).map((b) => b.value);
    const announced = h.channel.messages.flatMap((m) => m.versions.flatMap((v) => v.buttons ?? [])).map((b) => b.value);
    const verbs = new Set([...values, ...announced].map((v) => signer.readAction(v, new Date()).c.split(' ')[0] as string));
    expect([...verbs].sort()).toEqual(['approve', 'delete', 'reject', 'restore', 'run']);
    for (const verb of verbs) expect(names.has(verb)).toBe(true);
  });

  // Clicked in this order, so a button that works (run, delete) does so last.
  const order = allCommands()
    .map((c) => c.name)
    .sort((a, b) => Number(a === 'run' || a === 'delete') - Number(b === 'run' || b === 'delete'));
  for (const name of order) {
    it(`a ${name} button: refused below the ${SPEC_ROLE[name]} role, done from it up`, async () => {
      const needed = SPEC_ROLE[name] as Role | 'anyone';
      for (const who of Object.keys(USER) as Who[]) {
        const value = signer.action(sample(name), 600, new Date());
        const actor = h.bot.core.resolveActor('terminal', USER[who]);
        const reply = await h.bot.core.act({ actor, value, channel: { platform: 'terminal', channelId: 'terminal' } });
        const allowed = needed === 'anyone' || RANK[who] >= RANK[needed];
        expect(refusedByRole(reply), `${who}: ${reply.text}`).toBe(!allowed);
      }
    });
  }
});

describe('forged and stale buttons', () => {
  const click = (user: string, value: string) => h.bot.core.act({ actor: h.bot.core.resolveActor('terminal', user), value, channel: { platform: 'terminal', channelId: 'terminal' } });

  it("an admin of another instance clicking this instance's Delete button is refused; nothing changes", async () => {
    const state = (await h.store.backupSets.get(setId))?.state;
    const reply = await click('stagingadmin', signer.action(`delete ${setId}`, 600, new Date()));
    expect(reply.text).toContain('/backup delete needs the admin role on prod-1; your role on prod-1 is viewer');
    expect((await h.store.backupSets.get(setId))?.state).toBe(state);
    // The same person may decide on their own instance's restore (past the role check).
    expect(refusedByRole(await click('stagingadmin', signer.action(`reject ${restoreId} v=999`, 600, new Date())))).toBe(false);
  });

  it('an edited button value, or one signed with another key, is not one this bot made', async () => {
    const value = signer.action(`release prod-1`, 600, new Date());
    const [prefix, body, mac] = value.split('.') as [string, string, string];
    const edited = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), c: 'delete ' + setId })).toString('base64url');
    expect((await click('admin1', `${prefix}.${edited}.${mac}`)).text).toMatch(/not one this bot made/);
    const other = new TokenSigner(Buffer.from(TokenSigner.newKey(), 'hex'));
    expect((await click('admin1', other.action(`delete ${setId}`, 600, new Date()))).text).toMatch(/not one this bot made/);
  });

  it('an expired button is refused, whoever clicks it', async () => {
    const old = signer.action(`run prod-1`, 60, new Date(Date.now() - 3_600_000));
    for (const who of Object.values(USER)) expect((await click(who, old)).text).toMatch(/has expired; run the command again/);
  });
});
