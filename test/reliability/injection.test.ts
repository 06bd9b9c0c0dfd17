// Identifier injection: instance ids, set and restore ids, database names, targets and button
// values carrying quotes, backticks, semicolons, comments and look-alike unicode, typed in chat,
// submitted in a form and sent as button values. Every statement the simulated clusters receive
// over the wire is captured; none carries the injected text. Then a set is deleted next to
// look-alike keys: OSS keeps every object outside that set's snapshot directories.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxSimulators } from '../../sim/sandbox';
import type { Reply } from '../../src/reply';
import { endedSet, startBackup } from '../support/backups';
import { startHarness, type Harness } from '../support/harness';
import { waitFor } from '../support/wait';
import { problemsOf, validData } from '../config/fixtures';

const MARK = 'PWNED';
const INSTANCES = ['prod-1', 'staging-1', 'lake-1', 'prod-sh'];
const BUCKET = 'sandbox-backups-hz';
const ROOT = 'starrocks-backups/__starrocks_repository_bot_prod_1';

let sims: Awaited<ReturnType<typeof startSandboxSimulators>>;
let h: Harness;
let setId = '';

/** Ways to smuggle text after a valid identifier. */
const smuggle = (id: string): string[] => [
  `${id}\`; DROP DATABASE sales; -- ${MARK}`,
  `${id}' OR '1'='1 ${MARK}`,
  `${id}"; ${MARK}`,
  `${id}/*${MARK}*/`,
  `${id};${MARK}`,
  `${id}\u2010${MARK}`, // a unicode hyphen
  `${id}\u0000${MARK}`,
  `"${id}; DROP DATABASE web; #${MARK}"`,
  `${id}%27${MARK}`,
  `${id}\\\`${MARK}`,
];

const statements = (): string[] => INSTANCES.flatMap((id) => sims.starrocks.instance(id).received ?? []);

beforeAll(async () => {
  sims = await startSandboxSimulators({ stepMs: 10 });
  for (const id of INSTANCES) sims.starrocks.instance(id).received = [];
  h = await startHarness({ sims: sims.description });
  setId = (await endedSet(h, await startBackup(h, 'prod-1'))).id;
  await h.settle();
}, 60_000);
afterAll(async () => {
  await h.close();
  await sims.close();
});

function oneShortReply(reply: Reply): void {
  expect(typeof reply.text).toBe('string');
  expect(reply.text.length).toBeGreaterThan(0);
  expect(reply.text.length).toBeLessThan(4_000);
}

describe('injected identifiers', () => {
  it('typed in chat, in every command that names an instance, a set, a restore or a database, never reach SQL', async () => {
    const typed: string[] = [];
    for (const bad of smuggle('prod-1')) {
      typed.push(`doctor ${bad}`, `settings ${bad} on days=mon`, `list ${bad}`, `run ${bad}`, `tasks ${bad}`, `release ${bad}`, `reconcile ${bad}`, `restore ${setId} to ${bad}`);
    }
    for (const bad of smuggle(setId)) typed.push(`describe ${bad}`, `delete ${bad}`, `restore ${bad} to staging-1`, `cancel ${bad}`);
    for (const bad of smuggle('rs-20261124-0230-staging-1')) typed.push(`approve ${bad}`, `reject ${bad} v=1`, `verify ${bad}`);
    for (const bad of smuggle('sales')) typed.push(`restore ${setId} to staging-1 databases=${bad}`, `restore ${setId} to staging-1 databases="sales,${bad}"`);
    for (const text of typed) {
      for (const user of ['oper1', 'admin1']) {
        const reply = await h.say(user, text);
        oneShortReply(reply);
        expect(reply.tone, `${user}: ${text} → ${reply.text}`).toBe('error');
      }
    }
    const sent = statements();
    expect(sent.length).toBeGreaterThan(20); // the backup's statements were captured
    expect(sent.filter((s) => s.toUpperCase().includes(MARK))).toEqual([]);
    expect(sent.filter((s) => /DROP\s+DATABASE/i.test(s))).toEqual([]);
  });

  it('in any command text (property-based), never reach SQL', async () => {
    const verbs = fc.constantFrom('doctor', 'settings', 'list', 'run', 'tasks', 'describe', 'delete', 'restore', 'cancel', 'approve', 'verify', 'reconcile', 'release');
    const ids = fc.constantFrom('prod-1', 'staging-1', setId, 'rs-20261124-0230-staging-1', 'sales');
    const junk = fc.oneof(fc.constantFrom('`', "'", '"', ';', '--', '/*', '*/', '#', '\\', '\u2010', '\u00a0', '\u202e', ' to ', ' databases=', ' v=1', '\n'), fc.string({ maxLength: 6 }));
    const text = fc.tuple(verbs, ids, fc.array(junk, { maxLength: 5 }), fc.array(fc.oneof(ids, junk), { maxLength: 3 })).map(([v, id, j, rest]) => `${v} ${id}${j.join('')}${MARK} ${rest.join(' ')}`);
    await fc.assert(
      fc.asyncProperty(text, fc.constantFrom('oper1', 'admin1'), async (line, user) => {
        oneShortReply(await h.say(user, line));
      }),
      { numRuns: 150 },
    );
    expect(statements().filter((s) => s.toUpperCase().includes(MARK))).toEqual([]);
  });

  it('in a submitted restore form, never reach SQL; the form names the bad field', async () => {
    const asked = await h.say('oper1', `restore ${setId}`);
    const form = asked.form;
    expect(form?.id).toBe('restore');
    for (const bad of smuggle('sales')) {
      const result = await h.bot.core.submit({ actor: h.bot.core.resolveActor('terminal', 'oper1'), formId: 'restore', context: form?.context ?? '', values: { target: 'staging-1', databases: bad, replicas: '1' } });
      expect(result.ok === false ? Object.keys(result.errors) : result.reply.tone, bad).toEqual(['databases']);
    }
    for (const bad of smuggle('staging-1')) {
      const result = await h.bot.core.submit({ actor: h.bot.core.resolveActor('terminal', 'oper1'), formId: 'restore', context: form?.context ?? '', values: { target: bad, databases: 'sales', replicas: '1' } });
      expect(result.ok === false ? Object.keys(result.errors) : result.reply.tone, bad).toEqual(['target']);
    }
    expect(statements().filter((s) => s.toUpperCase().includes(MARK))).toEqual([]);
    expect(await h.store.restores.list({})).toEqual([]);
  });

  it('as button values (unsigned command lines, or a signed one with text appended), are refused before anything runs', async () => {
    const actor = h.bot.core.resolveActor('terminal', 'admin1');
    for (const value of [`delete ${setId}; ${MARK}`, `run prod-1\`${MARK}`, ...smuggle('b1.x.y')]) {
      const reply = await h.bot.core.act({ actor, value, channel: { platform: 'terminal', channelId: 'terminal' } });
      expect(reply.text).toMatch(/not one this bot made/);
    }
    const real = (await h.say('admin1', 'run prod-1')).buttons?.[0]?.value ?? '';
    expect((await h.bot.core.act({ actor, value: `${real};${MARK}`, channel: { platform: 'terminal', channelId: 'terminal' } })).text).toMatch(/not one this bot made/);
    expect(statements().filter((s) => s.toUpperCase().includes(MARK))).toEqual([]);
  });

  // (The StarRocks `user` is only a login name in the MySQL handshake, never in SQL text.)
  it('in configuration values that reach SQL or OSS keys, are refused when the file is loaded', () => {
    const paths: [string, (d: ReturnType<typeof validData>, v: string) => void][] = [
      ['repository', (d, v) => ((d.instances[0] as Record<string, unknown>).repository = v)],
      ['pathPrefix', (d, v) => ((d.regions['cn-hangzhou'] as Record<string, unknown>).pathPrefix = v)],
      ['bucket', (d, v) => ((d.regions['cn-hangzhou'] as Record<string, unknown>).bucket = v)],
      ['starrocksEndpoint', (d, v) => ((d.regions['cn-hangzhou'] as Record<string, unknown>).starrocksEndpoint = v)],
    ];
    for (const [field, set] of paths) {
      for (const bad of smuggle(field === 'pathPrefix' ? 'backups' : field === 'starrocksEndpoint' ? 'oss-cn-hangzhou.aliyuncs.com' : 'bot_prod_1')) {
        const data = validData();
        set(data, bad);
        expect(problemsOf(data).some((p) => p.includes(field)), `${field} = ${JSON.stringify(bad)}`).toBe(true);
      }
    }
  });
});

describe('a deletion next to look-alike keys', () => {
  it('deletes only the set’s own snapshot directories; every other key, in any prefix, stays', async () => {
    const set = await h.store.backupSets.get(setId);
    if (!set) throw new Error('no set');
    const lookAlikes = [
      `${ROOT}x/__ss_${set.databases[0]?.snapshotName}/__info_x`,
      `${ROOT}/__ss_${set.databases[0]?.snapshotName}x/__info_x`,
      `${ROOT}/__ss_${MARK}/data`,
      `starrocks-backups/__starrocks_repository_bot_prod_sh/__ss_${set.databases[0]?.snapshotName}/x`,
      `elsewhere/${ROOT}/__ss_${set.databases[0]?.snapshotName}/x`,
    ];
    for (const key of lookAlikes) sims.oss.putObject(BUCKET, key, 'keep me');
    const own = (key: string) => set.databases.some((d) => key.startsWith(`${ROOT}/__ss_${d.snapshotName}/`));
    const before = Object.fromEntries(['sandbox-backups-hz', 'sandbox-backups-sh'].map((b) => [b, sims.oss.listKeys(b)]));
    expect(before[BUCKET]?.filter(own).length).toBeGreaterThan(0);
    const from = sims.oss.requests.length;

    const ask = await h.say('admin1', `delete ${setId}`);
    await h.click('admin1', ask, /Delete/);
    await h.flush();
    await waitFor(async () => (await h.store.backupSets.get(setId))?.state === 'DELETED', 'the set to be DELETED');

    for (const [bucket, keys] of Object.entries(before)) {
      const after = new Set(sims.oss.listKeys(bucket));
      const gone = keys.filter((k) => !after.has(k));
      expect(gone.filter((k) => bucket !== BUCKET || !own(k)), `keys deleted outside the set in ${bucket}`).toEqual([]);
    }
    expect(sims.oss.listKeys(BUCKET).filter(own)).toEqual([]);
    for (const key of lookAlikes) expect(sims.oss.getObject(BUCKET, key)?.toString()).toBe('keep me');
    // Every delete request went to the set's bucket; a single-object DELETE only for the set's keys.
    const deletes = sims.oss.requests.slice(from).filter((r) => r.method === 'DELETE' || (r.method === 'POST' && 'delete' in r.query));
    expect(deletes.length).toBeGreaterThan(0);
    for (const r of deletes) {
      expect(r.bucket).toBe(BUCKET);
      if (r.method === 'DELETE') expect(own(r.key), r.key).toBe(true);
    }
  });
});
