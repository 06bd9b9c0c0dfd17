import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness } from '../support/harness';
import type { Harness } from '../support/harness';
import { aFinishedSet } from '../domain/fixtures';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe('the command core', () => {
  it('answers /backup help with the usage of every command', async () => {
    const reply = await h.say('oper1', 'help');
    for (const name of ['instances', 'settings', 'list', 'run', 'delete', 'restore', 'tasks', 'cancel', 'release', 'verify', 'reconcile']) {
      expect(reply.text).toContain(`/backup ${name}`);
    }
    expect(reply.tone).toBe('info');
  });

  it('shows one command in detail with its examples and who may use it', async () => {
    const reply = await h.say('oper1', 'help settings');
    expect(reply.text).toContain('/backup settings <instance>');
    expect(reply.fields?.find((f) => f.label === 'Who may')?.value).toBe('operator or above');
  });

  it('answers a typo with a did-you-mean and the usage', async () => {
    const reply = await h.say('oper1', 'setings prod-1');
    expect(reply.tone).toBe('error');
    expect(reply.text).toContain('did you mean /backup settings?');
    expect(reply.text).toContain('Usage: /backup');
  });

  it('suggests the instance meant when one is mistyped', async () => {
    // `prod1` is a well-formed id that names no instance: the closest one is suggested.
    const missingHyphen = await h.say('oper1', 'settings prod1');
    expect(missingHyphen.tone).toBe('error');
    expect(missingHyphen.text).toBe('unknown instance "prod1"; did you mean prod-1? (known: prod-1, staging-1, lake-1, prod-sh)');
    const unknown = await h.say('oper1', 'settings prod-2');
    expect(unknown.text).toContain('unknown instance "prod-2"; did you mean prod-1?');
    // `Prod-1` is not an id at all: the rule for ids and the usage.
    const capital = await h.say('oper1', 'settings Prod-1');
    expect(capital.text).toMatch(/^instance ids are lowercase letters, digits and hyphens, like prod-1; got "Prod-1"\nUsage: \/backup settings <instance>/);
  });

  it('saves settings in text form and they persist across a restart', async () => {
    const reply = await h.say('oper1', 'settings prod-1 on days=mon,thu time=02:30 retention=14');
    // Saved; offline, with a warning that the cluster could not say what it is.
    expect(reply.text).toMatch(/^Saved the backup settings of \*prod-1\*/);
    expect(reply.notes?.join('\n')).toContain('The architecture of prod-1 could not be read from the cluster');
    expect(reply.text).toContain('Mon and Thu at 02:30');
    const dir = h.dataDir;
    await h.close({ keepData: true });
    h = await startHarness({ dataDir: dir });
    const shown = await h.say('oper1', 'settings prod-1');
    expect(shown.text).toContain('Mon and Thu at 02:30 Asia/Shanghai, kept 14 days');
    expect(shown.form?.fields.find((f) => f.name === 'retentionDays')).toMatchObject({ initial: 14 });
  });

  it('answers retention=40 with the accepted range and saves nothing', async () => {
    const reply = await h.say('oper1', 'settings prod-1 on days=mon retention=40');
    expect(reply.text).toContain('retention must be a whole number of days from 7 to 31, got 40');
    expect(await h.store.settings.get('prod-1')).toBeNull();
  });

  it('needs a weekday to enable backups', async () => {
    const reply = await h.say('oper1', 'settings prod-1 on');
    expect(reply.tone).toBe('error');
    expect(reply.text).toMatch(/weekday/);
  });

  it('warns when the time falls in the peak hours, and still saves', async () => {
    const reply = await h.say('oper1', 'settings prod-1 on days=tue time=10:00');
    expect(reply.tone).toBe('warning');
    expect(reply.notes?.join(' ')).toMatch(/peak/i);
    expect((await h.store.settings.get('prod-1'))?.time).toBe('10:00');
  });

  it('shows the storage cost note when enabling and the last expiry when disabling', async () => {
    const on = await h.say('oper1', 'settings prod-1 on days=mon');
    expect(on.notes?.join(' ')).toMatch(/extra OSS storage/);
    const off = await h.say('oper1', 'settings prod-1 off');
    expect(off.notes).toEqual(['No new backups will be taken. There are no existing backup sets.']);
  });

  it('says when the last existing set expires when backups are turned off', async () => {
    await h.store.backupSets.create(aFinishedSet({ id: 'bk-20360110-0230-prod-1', finishedAt: '2036-01-10T18:40:00.000Z', retentionDays: 14 }));
    await h.say('oper1', 'settings prod-1 on days=mon');
    const off = await h.say('oper1', 'settings prod-1 off');
    expect(off.notes).toEqual(['No new backups will be taken. Existing sets are kept until they expire; the last one expires 2036-01-25 02:40 UTC+8.']);
  });

  it('audits every change and announces it in the instance channel', async () => {
    await h.say('admin1', 'settings prod-1 on days=mon,thu time=02:30');
    const audit = await h.store.audit.list({ instanceId: 'prod-1' });
    expect(audit[0]).toMatchObject({ action: 'settings.update', actor: { personId: 'admin1' } });
    await h.flush();
    expect(h.channel.texts().join('\n')).toContain('changed the backup settings of *prod-1*');
  });

  it('refuses a viewer who tries to change settings, naming the role needed', async () => {
    const reply = await h.say('viewer1', 'settings prod-1 on days=mon');
    expect(reply.text).toContain('needs the operator role on prod-1; your role on prod-1 is viewer');
    expect(await h.store.settings.get('prod-1')).toBeNull();
  });

  it('opens the settings form with current values and the read-only region', async () => {
    const reply = await h.say('oper1', 'settings prod-1');
    const fields = reply.form?.fields ?? [];
    expect(fields.map((f) => f.kind)).toEqual(['readonly', 'toggle', 'weekdays', 'time', 'number', 'readonly', 'readonly', 'readonly']);
    expect(fields.slice(-2).map((f) => f.label)).toEqual(['Next run', 'Last scheduled run']);
    expect(fields.find((f) => f.name === 'time')).toMatchObject({ initial: '00:00' });
    expect(fields.find((f) => f.name === 'region')).toMatchObject({ value: expect.stringContaining('cn-hangzhou') });
  });

  it('saves a submitted form, and refuses one made stale by someone else with who changed what', async () => {
    const formA = (await h.say('oper1', 'settings prod-1')).form;
    const formB = (await h.say('admin1', 'settings prod-1')).form;
    if (!formA || !formB) throw new Error('no form');
    const actorA = h.bot.core.resolveActor('terminal', 'oper1');
    const actorB = h.bot.core.resolveActor('terminal', 'admin1');
    const first = await h.bot.core.submit({ actor: actorB, formId: 'settings', context: formB.context, values: { enabled: true, weekdays: ['mon'], time: '03:00', retentionDays: '10' } });
    expect(first.ok).toBe(true);
    const second = await h.bot.core.submit({ actor: actorA, formId: 'settings', context: formA.context, values: { enabled: true, weekdays: ['sun'], time: '01:00', retentionDays: '7' } });
    expect(second.ok).toBe(false);
    expect(second.ok ? '' : Object.values(second.errors).join(' ')).toMatch(/Admin One changed the settings of prod-1.*time 00:00 → 03:00/);
    expect((await h.store.settings.get('prod-1'))?.time).toBe('03:00');
  });

  it('returns field errors for a bad form instead of saving', async () => {
    const form = (await h.say('oper1', 'settings prod-1')).form;
    if (!form) throw new Error('no form');
    const result = await h.bot.core.submit({ actor: h.bot.core.resolveActor('terminal', 'oper1'), formId: 'settings', context: form.context, values: { enabled: true, weekdays: [], time: '25:00', retentionDays: '40' } });
    expect(result).toMatchObject({
      ok: false,
      errors: { retentionDays: expect.stringContaining('from 7 to 31, got 40'), time: expect.stringMatching(/HH:mm/), weekdays: expect.stringMatching(/weekday/) },
    });
  });

  it('refuses a form context or button value the bot did not make', async () => {
    const reply = await h.bot.core.act({ actor: h.bot.core.resolveActor('terminal', 'admin1'), value: 'b1.eyJrIjoiYWN0IiwiYyI6InJ1biBwcm9kLTEiLCJ4Ijo5OTk5OTk5OTk5fQ.forged', channel: null });
    expect(reply.text).toMatch(/not one this bot made/);
    const form = await h.bot.core.submit({ actor: h.bot.core.resolveActor('terminal', 'admin1'), formId: 'settings', context: 'garbage', values: {} });
    expect(form).toMatchObject({ ok: true, reply: { text: expect.stringMatching(/not one this bot made/) } });
  });

  it('checks the clicker role again when a button is clicked', async () => {
    const ask = await h.say('oper1', 'run prod-1');
    expect(ask.buttons?.[0]?.confirm?.text).toMatch(/cannot be interrupted/);
    const refused = await h.click('viewer1', ask, /Run/);
    expect(refused.text).toContain('needs the operator role on prod-1');
    expect(await h.store.backupSets.list({ instanceId: 'prod-1' })).toEqual([]);
  });

  // A cancel of a running backup is answered with the rule in test/engine/backup-rules.test.ts.
  it('answers a cancel of a finished backup with the rule, and of an unknown one with where to look', async () => {
    await h.store.backupSets.create(aFinishedSet({ id: 'bk-20261124-0230-prod-1' }));
    const finished = await h.say('oper1', 'cancel bk-20261124-0230-prod-1');
    expect(finished.tone).toBe('error');
    expect(finished.text).toContain(
      'bk-20261124-0230-prod-1 is not running (it is FINISHED), so there is nothing to cancel. A backup task cannot be interrupted once started; to remove a finished backup use /backup delete bk-20261124-0230-prod-1.',
    );
    const unknown = await h.say('oper1', 'cancel bk-20261125-0230-prod-1');
    expect(unknown.text).toContain('there is no backup set bk-20261125-0230-prod-1 (see /backup list <instance>)');
  });

  it('validates the arguments and the role first; a delete or a restore of an unknown set is refused by name', async () => {
    expect((await h.say('admin1', 'delete bk-20261124-0230-prod-1')).text).toBe('there is no backup set bk-20261124-0230-prod-1 (see /backup list <instance>)');
    expect((await h.say('oper1', 'delete bk-20261124-0230-prod-1')).text).toMatch(/needs the admin role/);
    expect((await h.say('admin1', 'delete prod-1')).text).toMatch(/backup set ids look like/);
    expect((await h.say('oper1', 'restore bk-20261124-0230-prod-1 into staging-1')).text).toMatch(/expected "to"/);
    expect((await h.say('oper1', 'restore bk-20261124-0230-prod-1 to staging-1')).text).toBe('there is no backup set bk-20261124-0230-prod-1 (see /backup list <instance>)');
  });

  it('refuses unknown options and flags by name', async () => {
    expect((await h.say('oper1', 'list prod-1 --everything')).text).toContain('unknown flag --everything (accepted: --all)');
    expect((await h.say('oper1', 'settings prod-1 retain=9')).text).toContain('unknown option retain= (accepted: days=, time=, retention=)');
  });

  it('never throws and always answers with one short message, whatever is typed', async () => {
    const injection = fc.constantFrom('prod-1; DROP DATABASE x', '../../etc/passwd', '`rm -rf`', "' OR 1=1 --", 'settings `prod-1`', 'list prod-1\u0000', 'delete bk-../../x');
    const words = fc.constantFrom('help', 'settings', 'list', 'run', 'delete', 'restore', 'tasks', 'cancel', 'release', 'verify', 'reconcile', 'prod-1', 'to', 'on', 'off', 'days=mon', 'retention=99', '--all');
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      injection,
      fc.array(fc.oneof(words, injection, fc.string({ maxLength: 20 })), { maxLength: 6 }).map((w) => w.join(' ')),
      fc.string({ minLength: 2500, maxLength: 3000 }),
    );
    await fc.assert(
      fc.asyncProperty(text, fc.constantFrom('oper1', 'viewer1', 'admin1', 'nobody'), async (input, user) => {
        const reply = await h.say(user, input);
        expect(typeof reply.text).toBe('string');
        expect(reply.text.length).toBeGreaterThan(0);
        if (reply.tone === 'error') expect(reply.text.length).toBeLessThan(700);
      }),
      { numRuns: 300 },
    );
  });
});
