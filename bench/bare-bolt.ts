// The baseline of the bot latency benchmark, in a process of its own as the bot is: a bare
// Bolt app (Bolt's own HTTPReceiver) whose slash command handler only acks. Prints one JSON
// line `{"url"}` and exits when its parent disconnects.
// Run: `node --import tsx bench/bare-bolt.ts SIGNING_SECRET SLACK_API_URL BOT_TOKEN`.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { silentLogger } from '../adapters/slack';
import { boltLogger } from '../adapters/slack/logger';

const [secret = '', apiUrl = '', token = ''] = process.argv.slice(2);
const app = new App({
  token,
  botId: 'B0BOT',
  botUserId: 'UBOT',
  logger: boltLogger(silentLogger, 'bare-bolt', [], LogLevel.ERROR),
  clientOptions: { slackApiUrl: apiUrl },
  receiver: new HTTPReceiver({ signingSecret: secret, processBeforeResponse: false }),
});
app.command('/backup', async ({ ack }) => {
  await ack();
});
const server: unknown = await app.start(0);
if (!(server instanceof http.Server)) throw new Error('Bolt did not return an HTTP server');
const { port } = server.address() as AddressInfo;
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}/slack/events` })}\n`);
process.on('disconnect', () => {
  void app.stop().then(() => process.exit(0));
});
