// The fake Slack Web API in a process of its own, as Slack is remote to the bot: benchmarks
// fork it so its work does not share the bot's event loop. It prints one JSON line
// `{"apiUrl","baseUrl","botToken"}` and answers IPC `"stats"` with `{responses, calls}`.
// Run: `node --import tsx sim/slack/fake-process.ts [botToken]`.

import { startFakeSlack } from './server';

const fake = await startFakeSlack({ ...(process.argv[2] !== undefined ? { botToken: process.argv[2] } : {}) });
process.stdout.write(`${JSON.stringify({ apiUrl: fake.apiUrl, baseUrl: fake.baseUrl, botToken: fake.botToken })}\n`);
process.on('message', (m: unknown) => {
  if (m === 'stats') process.send?.({ responses: fake.responses.length, calls: fake.calls.length });
});
process.on('disconnect', () => {
  void fake.close().then(() => process.exit(0));
});
