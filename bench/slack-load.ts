// The load generator of the Slack benchmarks, in a process of its own (Slack is remote: its
// signing and HTTP work must not share the bot's event loop). Reads one JSON job from argv,
// prints one JSON line: the ack times in ms (in the order the acks came), the number of
// answers other than 200, and when each command was sent (epoch ms, by command index) so the
// reply latency can be measured where the reply lands.

import http from 'node:http';
import { performance } from 'node:perf_hooks';
import pLimit from 'p-limit';
import { postSigned, slashCommandBody } from '../sim/slack';

interface Job {
  url: string;
  secret: string;
  responseBase: string;
  /** Command i gets the response_url `${responseBase}/response/${firstResponse + i}`. */
  firstResponse: number;
  requests: number;
  concurrency: number;
  /** The text after `/backup` (default `help`). */
  text?: string;
  /** The Slack user sending it (default U0BENCH). */
  userId?: string;
}

const epochMs = (): number => performance.timeOrigin + performance.now();

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as Job;
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const times: number[] = [];
  const sent: number[] = new Array<number>(job.requests).fill(0);
  let failures = 0;
  const send = async (i: number): Promise<void> => {
    const n = job.firstResponse + i;
    const body = slashCommandBody({ text: job.text ?? 'help', userId: job.userId ?? 'U0BENCH', responseUrl: `${job.responseBase}/response/${n}`, triggerId: `${Date.now()}.${n}.bench` });
    sent[i] = epochMs();
    const r = await postSigned(job.url, job.secret, body, {}, agent);
    if (r.status !== 200) failures++;
    times.push(r.ms);
  };
  await pLimit(job.concurrency).map(Array.from({ length: job.requests }, (_, i) => i), send);
  agent.destroy();
  process.stdout.write(`${JSON.stringify({ times, failures, sent })}\n`);
}

void main();
