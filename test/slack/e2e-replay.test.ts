// The whole bot behind the real Slack surface, its store on disk: a confirmed "Run backup now"
// click replayed by someone who captured it, before and after a restart of the bot, does not
// start a second backup; a forged click (user a string) runs nothing and the store still opens; clicking the same button again is answered "already done"; a button
// made by another bot, or a button value edited to carry another user, is refused.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackSurface, type SlackSurface } from '../../adapters/slack';
import { TokenSigner } from '../../commands/signing';
import { startSandboxSimulators } from '../../sim/sandbox';
import { blockActionsBody, postSigned, postToBot, shownText, signSlackRequest, slashCommandBody, startFakeSlack, walkBlocks, type FakeSlack, type FoundButton, type JsonObject } from '../../sim/slack';
import { endedSet } from '../support/backups';
import { startHarness, type Harness } from '../support/harness';
import { captureLogger, type LogLine } from './harness';

const secret = randomBytes(16).toString('hex');
const botToken = `xoxb-e2e-${randomBytes(4).toString('hex')}`;
const dataDir = mkdtempSync(join(tmpdir(), 'slack-replay-e2e-'));
let sims: Awaited<ReturnType<typeof startSandboxSimulators>>;
let fake: FakeSlack;

interface Running {
  h: Harness;
  surface: SlackSurface;
  url: string;
  logs: LogLine[];
  stop(): Promise<void>;
}

/** The bot on `dataDir` with its Slack surface, as `npm start` wires them. */
async function startBot(): Promise<Running> {
  const h = await startHarness({ sims: sims.description, dataDir });
  const { logger, lines } = captureLogger();
  const surface = await startSlackSurface({ core: h.bot.core, seenRequests: h.bot.seenRequests, botToken, signingSecret: secret, apiUrl: fake.apiUrl, port: 0, logger, retryConfig: { retries: 0 } });
  h.bot.notifiers.set('slack', surface.notifier);
  return {
    h,
    surface,
    url: `http://127.0.0.1:${surface.port}/slack/events`,
    logs: lines,
    stop: async () => {
      await surface.stop();
      await h.close({ keepData: true });
    },
  };
}

beforeAll(async () => {
  sims = await startSandboxSimulators({ stepMs: 15 });
  fake = await startFakeSlack({ botToken });
});
afterAll(async () => {
  await fake.close();
  await sims.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const textOf = (m: JsonObject): string => walkBlocks(m.blocks).texts.join('\n');

async function slash(bot: Running, user: string, text: string): Promise<JsonObject> {
  const responseUrl = fake.responseUrl();
  expect((await postSigned(bot.url, secret, slashCommandBody({ text, userId: user, responseUrl, triggerId: fake.issueTriggerId() }))).status).toBe(200);
  return fake.waitFor(() => fake.responsesAt(responseUrl)[0], `the reply to /backup ${text}`, 10_000);
}

/** A click as Slack sends it: the body and its signed headers, so it can be sent again as is. */
function signedClick(user: string, button: FoundButton, value = button.value): { body: string; headers: Record<string, string>; responseUrl: string } {
  const responseUrl = fake.responseUrl();
  const body = blockActionsBody({ userId: user, button: { actionId: button.actionId, value, blockId: button.blockId, text: button.text }, responseUrl, triggerId: fake.issueTriggerId() });
  return { body, headers: signSlackRequest(secret, body), responseUrl };
}

async function clickAnswer(bot: Running, user: string, button: FoundButton, value?: string): Promise<string> {
  const c = signedClick(user, button, value);
  expect((await postToBot(bot.url, c.body, c.headers)).status).toBe(200);
  return textOf(await fake.waitFor(() => fake.responsesAt(c.responseUrl)[0], 'the answer to the click', 10_000));
}

describe('a captured "Run backup now" click', () => {
  it('replayed before and after a restart starts no second backup; the button then says it was used', async () => {
    let bot = await startBot();
    const ask = await slash(bot, 'U0ADMIN1', 'run prod-1');
    const run = walkBlocks(ask.blocks).buttons[0] as FoundButton;
    expect(run.text).toBe('Run backup now');

    const captured = signedClick('U0ADMIN1', run);
    expect((await postToBot(bot.url, captured.body, captured.headers)).status).toBe(200);
    const started = textOf(await fake.waitFor(() => fake.responsesAt(captured.responseUrl)[0], 'the start', 10_000));
    const id = /(bk-\d{8}-\d{4}-prod-1)/.exec(started)?.[1] as string;
    expect(id).toBeDefined();
    expect((await endedSet(bot.h, id)).state).toBe('FINISHED');

    expect((await postToBot(bot.url, captured.body, captured.headers)).status).toBe(200);
    await fake.waitFor(() => bot.logs.some((l) => l.msg === 'repeated button click dropped'), 'the replay to be dropped');

    // The probe's forged click (user a string) ran a backup as nobody and wrote an audit record
    // that stopped the next start. Now it is refused, and the restart below opens the store.
    const forgedUrl = fake.responseUrl();
    const forged = new URLSearchParams({ payload: JSON.stringify({ ...JSON.parse(new URLSearchParams(signedClick('U0ADMIN1', run).body).get('payload') ?? '{}'), user: 'U0ADMIN1', response_url: forgedUrl }) }).toString();
    expect((await postToBot(bot.url, forged, signSlackRequest(secret, forged))).status).toBe(200);
    expect(shownText(await fake.waitFor(() => fake.responsesAt(forgedUrl)[0], 'the refusal', 10_000))).toBe('This request could not be read: user is not an object. Nothing was done.');
    expect((await bot.h.store.audit.list()).every((a) => typeof a.actor.userId === 'string' && a.actor.userId !== '')).toBe(true);
    await bot.stop();

    bot = await startBot();
    expect((await postToBot(bot.url, captured.body, captured.headers)).status).toBe(200);
    await fake.waitFor(() => bot.logs.some((l) => l.msg === 'repeated button click dropped'), 'the replay after the restart to be dropped');

    const again = await clickAnswer(bot, 'U0ADMIN1', run);
    expect(again).toBe(':x: already done: this button was used before, so nothing more was done. To do it again, type /backup run prod-1');
    expect(fake.responsesAt(captured.responseUrl)).toHaveLength(1);
    expect((await bot.h.store.backupSets.list({ instanceId: 'prod-1' })).map((s) => s.id)).toEqual([id]);

    // A button made by another bot (another signing key), and a value edited to name a user.
    const foreign = new TokenSigner(randomBytes(32)).action('run prod-1', 900, new Date());
    expect(await clickAnswer(bot, 'U0ADMIN1', run, foreign)).toMatch(/not one this bot made/);
    const [prefix, body, mac] = (run.value ?? '').split('.');
    const edited = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body ?? '', 'base64url').toString()), u: 'U0ADMIN2' })).toString('base64url');
    expect(await clickAnswer(bot, 'U0VIEWER1', run, `${prefix}.${edited}.${mac}`)).toMatch(/not one this bot made/);
    expect((await bot.h.store.backupSets.list({ instanceId: 'prod-1' })).map((s) => s.id)).toEqual([id]);
    await bot.stop();
  });
});
