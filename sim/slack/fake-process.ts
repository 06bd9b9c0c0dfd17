// The fake Slack Web API in a process of its own, as Slack is remote to the bot: benchmarks
// fork it so its work does not share the bot's event loop. It prints one JSON line
// `{"apiUrl","baseUrl","botToken"}`, answers IPC `"stats"` with `{responses, calls}` and
// `{ replies: [from, to] }` with `{ arrivals, posts }`: when the replies to response_urls
// /response/from .. /response/(to - 1) arrived (epoch ms, 0 = none yet) and how many
// chat.postMessage / chat.postEphemeral calls it took in all.
// Run: `node --import tsx sim/slack/fake-process.ts [botToken]`.

import { startFakeSlack } from './server';

const fake = await startFakeSlack({ ...(process.argv[2] !== undefined ? { botToken: process.argv[2] } : {}) });
process.stdout.write(`${JSON.stringify({ apiUrl: fake.apiUrl, baseUrl: fake.baseUrl, botToken: fake.botToken })}\n`);

/** How far `fake.responses` was read: arrival times by response number, first arrival only. */
let read = 0;
const arrivedAt = new Map<number, number>();

process.on('message', (m: unknown) => {
  if (m === 'stats') {
    process.send?.({ responses: fake.responses.length, calls: fake.calls.length });
    return;
  }
  if (typeof m === 'object' && m !== null && 'replies' in m && Array.isArray(m.replies)) {
    const [from, to] = m.replies as [number, number];
    for (; read < fake.responses.length; read++) {
      const r = fake.responses[read];
      const n = Number(r?.url.slice(r.url.lastIndexOf('/') + 1));
      if (r !== undefined && !arrivedAt.has(n)) arrivedAt.set(n, r.at);
    }
    const arrivals: number[] = [];
    for (let n = from; n < to; n++) arrivals.push(arrivedAt.get(n) ?? 0);
    const posts = fake.callsTo('chat.postMessage').length + fake.callsTo('chat.postEphemeral').length;
    process.send?.({ arrivals, posts });
  }
});
process.on('disconnect', () => {
  void fake.close().then(() => process.exit(0));
});
