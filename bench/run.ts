// `npm run bench`: every benchmark, each beside a baseline measured in the same run, printed
// as a table. Targets are ratios and differences against the baseline, not absolute times.

import { execFileSync } from 'node:child_process';
import { benchDelete } from './delete';
import { benchSlackAck } from './slack-ack';

interface SchedulerSample {
  instances: number;
  startupMs: number;
  rssMb: number;
  rssGrowthMb: number;
  idleCpuMsPerSecond: number;
  tickMs: number;
  tickCpuMs: number;
}

function schedulerSample(instances: number): SchedulerSample {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/scheduler-child.ts', String(instances)], { encoding: 'utf8' });
  const line = out.trim().split('\n').pop() ?? '{}';
  return JSON.parse(line) as SchedulerSample;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const f = (n: number, digits = 1) => n.toFixed(digits);

async function main(): Promise<void> {
  const rows: string[][] = [];
  const rounds = 3;
  const base: SchedulerSample[] = [];
  const big: SchedulerSample[] = [];
  for (let i = 0; i < rounds; i++) {
    base.push(schedulerSample(0));
    big.push(schedulerSample(1000));
  }
  const summary = (samples: SchedulerSample[]) => ({
    startup: median(samples.map((s) => s.startupMs)),
    rss: median(samples.map((s) => s.rssMb)),
    cpu: median(samples.map((s) => s.idleCpuMsPerSecond)),
    tick: median(samples.map((s) => s.tickMs)),
    tickCpu: median(samples.map((s) => s.tickCpuMs)),
  });
  const b = summary(base);
  const m = summary(big);
  rows.push(['scheduler start-up (ms)', f(b.startup), f(m.startup), `+${f(m.startup - b.startup)} ms (aim < +200)`]);
  rows.push(['resident memory (MB)', f(b.rss), f(m.rss), `+${f(m.rss - b.rss)} MB (aim < +50)`]);
  rows.push(['idle cron CPU (ms per s)', f(b.cpu, 2), f(m.cpu, 2), `+${f(m.cpu - b.cpu, 2)} ms/s`]);
  rows.push(['one tick, all due (ms wall / CPU)', `${f(b.tick, 2)} / ${f(b.tickCpu, 2)}`, `${f(m.tick)} / ${f(m.tickCpu)}`, `+${f(m.tick - b.tick)} ms wall`]);

  const slack = await benchSlackAck({ requests: 1000, concurrency: 50 });
  const surface = slack.rows[0];
  const bare = slack.rows[1];
  if (surface && bare) {
    rows.push(['Slack ack p50 (ms)', f(bare.p50), f(surface.p50), `x${f(surface.p50 / bare.p50, 2)}`]);
    rows.push(['Slack ack p99 (ms)', f(bare.p99), f(surface.p99), `x${f(slack.ratio, 2)} (aim p99 < 100 ms, x < 1.5)`]);
  }

  // Deleting a backup set: the adapter's batched deletes against one DELETE per object.
  for (const latencyMs of [0, 5]) {
    const d = await benchDelete(20_000, latencyMs);
    const where = latencyMs === 0 ? 'loopback' : `${latencyMs} ms a request`;
    rows.push([`delete 20,000 objects, ${where} (s)`, f(d.perObject.ms / 1000, 2), f(d.adapter.ms / 1000, 2), `x${f(d.perObject.ms / d.adapter.ms, 1)} faster (aim x20)`]);
    if (latencyMs === 0) {
      rows.push([
        'delete 20,000 objects: HTTP requests',
        `${d.perObject.deleteRequests} DELETE + ${d.perObject.listRequests} list`,
        `${d.adapter.deleteRequests} POST ?delete + ${d.adapter.listRequests} list`,
        `aim <= ${Math.ceil(d.objects / 1000)} deletes + list pages`,
      ]);
    }
  }

  const header = ['benchmark', 'baseline', 'measured', 'vs baseline'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(line(r));
  console.log('\nbaseline: scheduler rows = same process with 0 instances; Slack rows = a bare Bolt app that only acks; delete rows = one DELETE per object (4 in flight, as the adapter\'s batches). Scheduler: 1,000 instances, median of 3 runs. Slack: 1,000 signed slash commands at concurrency 50. Delete: ali-oss against the OSS simulator in the same process; "5 ms a request" adds that latency to every answer, as a network round trip would.');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
