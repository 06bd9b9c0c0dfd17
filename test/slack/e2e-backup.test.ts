// The whole bot behind the real Slack surface: signed slash commands and clicks over HTTP,
// StarRocks and OSS simulated over real sockets, progress edited in place with chat.update.

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, startSlackSurface } from '../../adapters/slack';
import type { SlackSurface } from '../../adapters/slack';
import { startSandboxSimulators } from '../../sim/sandbox';
import { blockActionsBody, fillViewState, postSigned, slashCommandBody, startFakeSlack, viewSubmissionBody, walkBlocks } from '../../sim/slack';
import type { FakeSlack, FoundButton, JsonObject } from '../../sim/slack';
import { startHarness } from '../support/harness';
import type { Harness } from '../support/harness';

let sims: Awaited<ReturnType<typeof startSandboxSimulators>>;
let h: Harness;
let fake: FakeSlack;
let surface: SlackSurface;
const secret = randomBytes(16).toString('hex');
const botToken = `xoxb-e2e-${randomBytes(4).toString('hex')}`;
let url = '';

beforeAll(async () => {
  sims = await startSandboxSimulators({ stepMs: 15 });
  h = await startHarness({ sims: sims.description });
  fake = await startFakeSlack({ botToken });
  surface = await startSlackSurface({ core: h.bot.core, botToken, signingSecret: secret, apiUrl: fake.apiUrl, port: 0, logger: silentLogger, retryConfig: { retries: 0 }, minEditIntervalMs: 100 });
  url = `http://127.0.0.1:${surface.port}/slack/events`;
  h.bot.notifiers.set('slack', surface.notifier);
});
afterAll(async () => {
  await h.close();
  await surface.stop();
  await fake.close();
  await sims.close();
});

async function slash(user: string, text: string): Promise<JsonObject> {
  const responseUrl = fake.responseUrl();
  const answer = await postSigned(url, secret, slashCommandBody({ text, userId: user, responseUrl, triggerId: fake.issueTriggerId() }));
  expect(answer.status).toBe(200);
  return fake.waitFor(() => fake.responsesAt(responseUrl)[0], `the reply to /backup ${text}`, 10_000);
}

async function click(user: string, button: FoundButton): Promise<JsonObject> {
  const responseUrl = fake.responseUrl();
  const body = blockActionsBody({ userId: user, button: { actionId: button.actionId, value: button.value, blockId: button.blockId, text: button.text }, responseUrl, triggerId: fake.issueTriggerId() });
  const answer = await postSigned(url, secret, body);
  expect(answer.status).toBe(200);
  return fake.waitFor(() => fake.responsesAt(responseUrl)[0], `the answer to a click on ${button.text}`, 10_000);
}

const textOf = (m: JsonObject): string => walkBlocks(m.blocks).texts.join('\n');

describe('a backup from Slack', () => {
  it('runs after the confirm button, edits one progress message in place and ends with the summary', async () => {
    const ask = await slash('U0ADMIN1', 'run prod-1');
    const [run] = walkBlocks(ask.blocks).buttons;
    expect(run?.confirm).toBeDefined();
    expect(textOf(ask)).toMatch(/cannot be interrupted/);

    const refused = await click('U0VIEWER1', run as FoundButton);
    expect(textOf(refused)).toMatch(/needs the operator role on prod-1/);

    const started = await click('U0ADMIN1', run as FoundButton);
    const id = /(bk-\d{8}-\d{4}-prod-1)/.exec(textOf(started))?.[1] as string;
    expect(id).toBeDefined();

    const progress = await fake.waitFor(
      () => [...fake.messages.values()].find((m) => m.channel === 'C0OPS' && m.text.includes(id) && /finished in /.test(m.text)),
      'the progress message to end as the summary',
      20_000,
    );
    expect(progress.history.length).toBeGreaterThan(1);
    expect(fake.callsTo('chat.update').length).toBeGreaterThan(0);
    expect(walkBlocks(progress.blocks).texts.join('\n')).toMatch(/Left out/);
    const posts = [...fake.messages.values()].filter((m) => m.text.includes(id));
    expect(posts).toHaveLength(1);
    // Edits of one message never came closer than the minimum interval.
    const times = progress.history.map((v) => v.at);
    for (let i = 1; i < times.length; i++) expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(90);
  });

  it('opens the settings modal from the real form, answers retention=40 in the modal, then saves', async () => {
    const triggerId = fake.issueTriggerId();
    const answer = await postSigned(url, secret, slashCommandBody({ text: 'settings prod-1', userId: 'U0ADMIN2', responseUrl: fake.responseUrl(), triggerId }));
    expect(answer.status).toBe(200);
    const opened = await fake.waitFor(() => fake.views.find((v) => v.triggerId === triggerId), 'the settings modal', 10_000);
    const shown = walkBlocks(opened.view.blocks).texts.join('\n');
    expect(shown).toMatch(/cn-hangzhou \(fixed to the instance region\)/);
    expect(shown).toMatch(/Peak hours of this instance: 09:00-12:00, 14:00-18:00/);
    const submit = (set: Record<string, JsonObject>) =>
      postSigned(url, secret, viewSubmissionBody({ userId: 'U0ADMIN2', view: opened.view, values: fillViewState(opened.view, set), triggerId: fake.issueTriggerId() }));
    const days = { selected_options: [{ text: { type: 'plain_text', text: 'Tue' }, value: 'tue' }] };
    const enable = { selected_options: [{ text: { type: 'plain_text', text: 'Enable backup' }, value: 'on' }] };
    const bad = await submit({ enabled: enable, weekdays: days, retentionDays: { value: '40' } });
    expect(JSON.parse(bad.body)).toEqual({ response_action: 'errors', errors: { retentionDays: 'retention must be a whole number of days from 7 to 31, got 40' } });
    expect(await h.store.settings.get('prod-1')).toBeNull();
    const good = await submit({ enabled: enable, weekdays: days, time: { selected_time: '01:30' }, retentionDays: { value: '21' } });
    expect(good.status).toBe(200);
    const saved = await h.store.settings.get('prod-1');
    expect(saved).toMatchObject({ enabled: true, weekdays: ['tue'], time: '01:30', retentionDays: 21, updatedBy: 'admin2' });
  });
});

describe('a first day from Slack: describe, doctor, next run', () => {
  it('describes a finished set in full, in blocks', async () => {
    const started = await click('U0ADMIN1', walkBlocks((await slash('U0ADMIN1', 'run prod-1')).blocks).buttons[0] as FoundButton);
    const id = /(bk-\d{8}-\d{4}-prod-1(?:\.\d+)?)/.exec(textOf(started))?.[1] as string;
    await fake.waitFor(() => [...fake.messages.values()].find((m) => m.text.includes(`${id} `) && /finished in /.test(m.text)), 'the backup to finish', 20_000);
    const set = await h.store.backupSets.get(id);
    const described = textOf(await slash('U0VIEWER1', `describe ${id}`));
    expect(described).toContain(`Backup ${id}`);
    expect(described).toContain('oss://sandbox-backups-hz/starrocks-backups/__starrocks_repository_bot_prod_1/');
    for (const db of set?.databases ?? []) {
      expect(described).toContain(db.snapshotName);
      expect(described).toContain(db.backupTimestamp ?? 'no timestamp');
    }
    expect(described).toContain('Timeline');
    expect(described).toMatch(/started by Admin One \(\/backup run\)/);
    expect(described).toMatch(/FINISHED: 3 of 3 databases/);
  });

  it('answers /backup doctor with every check, and /backup instances with the next run', async () => {
    const doctor = await slash('U0OPER1', 'doctor prod-1');
    const text = textOf(doctor);
    expect(text).toContain('Doctor: prod-1');
    expect(text).toContain('ready for backups');
    for (const name of ['Frontends', 'Version', 'Run mode', 'Privileges', 'Repository', 'Bucket region', 'Versioning', 'Retention lock', 'Lifecycle rules']) expect(text).toContain(`*${name}*`);
    const instances = textOf(await slash('U0VIEWER1', 'instances'));
    expect(instances).toMatch(/Next run/);
    expect(instances).toMatch(/Last scheduled run/);
  });
});
