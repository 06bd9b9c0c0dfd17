// Secrets never leave: a whole scenario through the real bot (Slack over signed HTTP, DingTalk
// over the Stream socket, StarRocks and OSS simulated with distinctive credentials), with every
// pino log line captured (no redaction configured), the store's files read, every chat message
// and reply the Slack and DingTalk fakes received, and the errors of an instance configured with
// a wrong password and a wrong OSS secret. None of them carries the StarRocks password, the OSS
// secret, the Slack bot token or signing secret, or the DingTalk client secret (nor the wrong
// ones). The credential exchanges themselves (DingTalk's token and connection calls) are not
// chat, and are left out of the scan.

import { readdirSync, readFileSync, rmSync, statSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySeenMessages, startDingTalkSurface, type DingTalkSurface } from '../../adapters/dingtalk';
import { aliOssConnector } from '../../adapters/oss';
import { startSlackSurface, type SlackSurface } from '../../adapters/slack';
import { mysqlStarRocksConnector } from '../../adapters/starrocks';
import { openLowdbStore } from '../../adapters/store/lowdb';
import { createBot, type Bot } from '../../src/app/bot';
import { sandboxConfig } from '../../src/config';
import type { RegionConfig } from '../../src/config/types';
import type { Store } from '../../src/ports';
import { startFakeDingTalk, type FakeDingTalk } from '../../sim/dingtalk';
import { startOssServer, type OssSimulator } from '../../sim/oss/server';
import { SANDBOX_BUCKETS, SANDBOX_INSTANCES } from '../../sim/sandbox';
import { blockActionsBody, postSigned, slashCommandBody, startFakeSlack, walkBlocks, type FakeSlack, type FoundButton, type JsonObject } from '../../sim/slack';
import { startStarRocksSimulator, type StarRocksSimulator } from '../../sim/starrocks';
import type { SimulatorDescription } from '../../sim/description';
import { FakeCron } from '../support/cron';
import { waitFor } from '../support/wait';

const SECRETS = {
  starrocksPassword: 'Sr-Pw-7f3kQz9-secret',
  ossSecret: 'Oss-Sk-Qm4pX8vT2-secret',
  slackBotToken: 'xoxb-1111-2222-Tk9LmSecretToken',
  slackSigningSecret: 'slack-signing-Zr8Hq2Wv-secret',
  dingtalkClientSecret: 'Ding-Cs-Pn6Yb3Jx-secret',
  wrongPassword: 'Wrong-Sr-Pw-Gh5Df-secret',
  wrongOssSecret: 'Wrong-Oss-Sk-Lk2Mn-secret',
};

let oss: OssSimulator;
let starrocks: StarRocksSimulator;
let slack: FakeSlack;
let ding: FakeDingTalk;
let bot: Bot;
let store: Store;
let slackSurface: SlackSurface;
let dingSurface: DingTalkSurface;
let url = '';
const dataDir = mkdtempSync(join(tmpdir(), 'backup-bot-secrets-'));
const logLines: string[] = [];
const replies: unknown[] = [];

beforeAll(async () => {
  oss = await startOssServer({ buckets: Object.entries(SANDBOX_BUCKETS).map(([region, name]) => ({ name, region })), credentials: [{ accessKeyId: 'LTAI5tSecretsTest', accessKeySecret: SECRETS.ossSecret }] });
  starrocks = await startStarRocksSimulator({ instances: SANDBOX_INSTANCES.map((i) => i.spec), user: 'backup_bot', password: SECRETS.starrocksPassword, stepMs: 10 });
  const instances: SimulatorDescription['instances'] = {};
  for (const i of SANDBOX_INSTANCES) instances[i.spec.id] = { region: i.region, mysqlPort: starrocks.ports[i.spec.id] ?? 0 };
  const sims: SimulatorDescription = {
    mysql: { host: '127.0.0.1', port: starrocks.ports['prod-1'] ?? 0, user: 'backup_bot', password: SECRETS.starrocksPassword },
    oss: { endpoint: oss.endpoint, accessKeyId: 'LTAI5tSecretsTest', accessKeySecret: SECRETS.ossSecret, buckets: { ...SANDBOX_BUCKETS } },
    instances,
  };
  const base = sandboxConfig(sims);
  // prod-sh is configured with a wrong StarRocks password and a wrong OSS secret: its errors are scanned too.
  const config = {
    ...base,
    regions: { ...base.regions, 'cn-shanghai': { ...(base.regions['cn-shanghai'] as RegionConfig), accessKeySecret: SECRETS.wrongOssSecret } },
    instances: base.instances.map((i) => (i.id === 'prod-sh' ? { ...i, password: SECRETS.wrongPassword } : i)),
  };
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  const log = pino({ level: 'debug' }, sink);
  store = await openLowdbStore(dataDir);
  bot = await createBot({ config, store, starrocks: mysqlStarRocksConnector, oss: aliOssConnector, cron: new FakeCron(), log, timing: { pollMinMs: 20, pollMaxMs: 100 }, random: () => 0 });
  slack = await startFakeSlack({ botToken: SECRETS.slackBotToken });
  slackSurface = await startSlackSurface({ core: bot.core, botToken: SECRETS.slackBotToken, signingSecret: SECRETS.slackSigningSecret, apiUrl: slack.apiUrl, port: 0, logger: log, retryConfig: { retries: 0 }, minEditIntervalMs: 20 });
  url = `http://127.0.0.1:${slackSurface.port}/slack/events`;
  ding = await startFakeDingTalk({ clientSecret: SECRETS.dingtalkClientSecret });
  dingSurface = await startDingTalkSurface({ core: bot.core, clientId: ding.clientId, clientSecret: SECRETS.dingtalkClientSecret, apiUrl: ding.apiUrl, seen: new MemorySeenMessages(), logger: log, backoff: { minMs: 20, maxMs: 200 }, heartbeatMs: 0, minEditIntervalMs: 20, perMinute: 10_000 });
  bot.notifiers.set('slack', slackSurface.notifier);
  bot.notifiers.set('dingtalk', dingSurface.notifier);
  await ding.waitFor(() => ding.gateway.open > 0, 'the Stream connection');
  await bot.start();
}, 60_000);
afterAll(async () => {
  await bot.stop();
  await slackSurface.stop();
  await dingSurface.stop();
  await store.close();
  await slack.close();
  await ding.close();
  await starrocks.close();
  await oss.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function slash(user: string, text: string): Promise<JsonObject> {
  const responseUrl = slack.responseUrl();
  const answer = await postSigned(url, SECRETS.slackSigningSecret, slashCommandBody({ text, userId: user, responseUrl, triggerId: slack.issueTriggerId() }));
  replies.push(answer);
  expect(answer.status).toBe(200);
  const reply = await slack.waitFor(() => slack.responsesAt(responseUrl)[0], `the reply to /backup ${text}`, 15_000);
  replies.push(reply);
  return reply;
}

async function click(user: string, button: FoundButton): Promise<JsonObject> {
  const responseUrl = slack.responseUrl();
  const body = blockActionsBody({ userId: user, button: { actionId: button.actionId, value: button.value, blockId: button.blockId, text: button.text }, responseUrl, triggerId: slack.issueTriggerId() });
  const answer = await postSigned(url, SECRETS.slackSigningSecret, body);
  replies.push(answer);
  const reply = await slack.waitFor(() => slack.responsesAt(responseUrl)[0], `the answer to ${button.text}`, 15_000);
  replies.push(reply);
  return reply;
}

const textOf = (m: JsonObject): string => walkBlocks(m.blocks).texts.join('\n');
const button = (m: JsonObject, label: RegExp): FoundButton => {
  const found = walkBlocks(m.blocks).buttons.find((b) => label.test(b.text));
  if (!found) throw new Error(`no button ${label} in ${textOf(m)}`);
  return found;
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

async function setState(id: string, state: string): Promise<void> {
  await waitFor(async () => (await store.backupSets.get(id))?.state === state, `${id} to be ${state}`, 30_000);
}

describe('secrets, over a whole scenario', () => {
  it('never appear in a log line, a store file, a chat message or a reply', async () => {
    // Backup from Slack, after doctor; listed and described from DingTalk.
    expect(textOf(await slash('U0ADMIN1', 'doctor prod-1'))).toMatch(/prod-1/);
    const started = await click('U0ADMIN1', button(await slash('U0ADMIN1', 'run prod-1'), /Run backup/));
    const setId = /(bk-\d{8}-\d{4}-prod-1)/.exec(textOf(started))?.[1] as string;
    expect(setId).toBeDefined();
    await setState(setId, 'FINISHED');
    const listed = ding.say('admin1', `/backup list prod-1`);
    await ding.waitFor(() => ding.repliesTo(listed).length > 0 || [...ding.api.cards.values()].some((c) => c.createdAt >= listed.at), 'the list on DingTalk', 15_000);
    const described = ding.say('admin1', `/backup describe ${setId}`);
    await ding.waitFor(() => ding.repliesTo(described)[0], 'describe on DingTalk', 15_000);

    // A restore requested by an operator, approved by an admin, run to its checklist.
    const requested = await slash('U0OPER9', `restore ${setId} to staging-1`);
    const restoreId = /(rs-[\w-]+)/.exec(textOf(requested))?.[1] as string;
    expect(restoreId).toBeDefined();
    await bot.deliverNow();
    const approval = await slack.waitFor(() => [...slack.messages.values()].find((m) => m.text.includes(restoreId) && walkBlocks(m.blocks).buttons.some((b) => b.text === 'Approve')), 'the approval message', 15_000);
    await click('U0ADMIN1', button(approval as unknown as JsonObject, /^Approve$/));
    await waitFor(async () => (await store.restores.get(restoreId))?.state === 'FINISHED', 'the restore to finish', 30_000);

    // Delete the set.
    await click('U0ADMIN1', button(await slash('U0ADMIN1', `delete ${setId}`), /Delete/));
    await bot.deliverNow();
    await setState(setId, 'DELETED');

    // Errors with bad credentials: prod-sh's password and OSS secret are wrong.
    expect(textOf(await slash('U0ADMIN1', 'doctor prod-sh'))).toMatch(/denied|refused|password|credential|signature|Access/i);
    const failed = await click('U0ADMIN1', button(await slash('U0ADMIN1', 'run prod-sh'), /Run backup/));
    const failedId = /(bk-\d{8}-\d{4}-prod-sh)/.exec(textOf(failed))?.[1] as string;
    await setState(failedId, 'FAILED');
    const sh = ding.say('admin1', '/backup doctor prod-sh');
    await ding.waitFor(() => ding.repliesTo(sh)[0], 'doctor prod-sh on DingTalk', 15_000);
    // A forged request and a broken frame are logged, not answered with anything secret.
    replies.push(await postSigned(url, 'not-the-secret', slashCommandBody({ text: 'help', userId: 'U0X', responseUrl: slack.responseUrl(), triggerId: slack.issueTriggerId() })));
    await bot.runner.idle();
    await bot.deliverNow();

    const store_ = filesUnder(dataDir).map((f) => `${f}\n${readFileSync(f, 'utf8')}`);
    const slackSeen = [
      ...slack.calls.map((c) => JSON.stringify({ method: c.method, args: c.args, answer: c.answer })),
      ...[...slack.messages.values()].map((m) => JSON.stringify(m)),
      ...slack.responses.map((r) => JSON.stringify(r)),
      ...slack.views.map((v) => JSON.stringify(v)),
      ...slack.ephemerals.map((e) => JSON.stringify(e)),
    ];
    const dingSeen = [
      ...ding.api.calls.filter((c) => c.path !== '/v1.0/oauth2/accessToken').map((c) => JSON.stringify(c)),
      ...ding.api.messages.map((m) => JSON.stringify(m)),
      ...[...ding.api.cards.values()].map((c) => JSON.stringify(c)),
    ];
    const captured: Record<string, string[]> = { log: logLines, store: store_, slack: slackSeen, dingtalk: dingSeen, replies: replies.map((r) => JSON.stringify(r)) };
    // The scan is not vacuous: each source holds what the scenario did.
    expect(logLines.length).toBeGreaterThan(20);
    expect(store_.join('\n')).toContain(restoreId);
    expect(slackSeen.join('\n')).toContain(setId);
    expect(dingSeen.join('\n')).toContain(setId);
    expect(captured.slack?.join('\n')).toMatch(/prod-sh/);
    for (const [where, texts] of Object.entries(captured)) {
      const all = texts.join('\n');
      for (const [name, secret] of Object.entries(SECRETS)) expect(all.includes(secret), `${name} in ${where}`).toBe(false);
    }
  }, 120_000);
});
