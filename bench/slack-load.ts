// The load generator of the Slack ack benchmark, in a process of its own (Slack is remote: its
// signing and HTTP work must not share the bot's event loop). Reads one JSON job from argv,
// prints one JSON line: the ack times in ms.

import http from 'node:http';
import pLimit from 'p-limit';
import { postSigned, slashCommandBody } from '../sim/slack';

interface Job {
  url: string;
  secret: string;
  responseBase: string;
  firstResponse: number;
  requests: number;
  concurrency: number;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as Job;
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const times: number[] = [];
  let failures = 0;
  const send = async (i: number): Promise<void> => {
    const n = job.firstResponse + i;
    const body = slashCommandBody({ text: 'help', userId: 'U0BENCH', responseUrl: `${job.responseBase}/response/${n}`, triggerId: `${Date.now()}.${n}.bench` });
    const r = await postSigned(job.url, job.secret, body, {}, agent);
    if (r.status !== 200) failures++;
    times.push(r.ms);
  };
  await pLimit(job.concurrency).map(Array.from({ length: job.requests }, (_, i) => i), send);
  agent.destroy();
  process.stdout.write(`${JSON.stringify({ times, failures })}\n`);
}

void main();
