// The Cron port on node-cron: instances on the same schedule share one task, each keeps its own job.
import { afterEach, describe, expect, it } from 'vitest';
import { sharedNodeCron } from '../../adapters/cron/node-cron';
import type { CronJob } from '../../src/ports';

/** Waits (bounded) until the condition holds. */
async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('node-cron adapter', () => {
  const jobs: CronJob[] = [];
  afterEach(() => {
    for (const job of jobs.splice(0)) job.stop();
  });

  it('gives jobs on the same expression and zone one task, and drops it with the last job', () => {
    const cron = sharedNodeCron();
    jobs.push(cron.schedule('0 0 * * 1,3,5', 'Asia/Shanghai', () => undefined));
    jobs.push(cron.schedule('0 0 * * 1,3,5', 'Asia/Shanghai', () => undefined));
    jobs.push(cron.schedule('0 0 * * 1,3,5', 'UTC', () => undefined));
    jobs.push(cron.schedule('30 2 * * *', 'Asia/Shanghai', () => undefined));
    expect(cron.tasks).toBe(3);
    jobs[0]?.stop();
    expect(cron.tasks).toBe(3);
    jobs[1]?.stop();
    jobs[1]?.stop(); // a second stop changes nothing
    expect(cron.tasks).toBe(2);
  });

  it('tells every job of a shared task, and no longer a stopped one', async () => {
    const cron = sharedNodeCron();
    const fired = { a: 0, b: 0 };
    // Every second (node-cron's six-field form), so the test sees ticks without waiting a minute.
    const a = cron.schedule('* * * * * *', 'UTC', () => fired.a++);
    const b = cron.schedule('* * * * * *', 'UTC', () => fired.b++);
    jobs.push(a, b);
    expect(cron.tasks).toBe(1);
    await until(() => fired.a > 0 && fired.b > 0);
    a.stop();
    const aWhenStopped = fired.a;
    const bWhenStopped = fired.b;
    await until(() => fired.b >= bWhenStopped + 2);
    expect(fired.a).toBe(aWhenStopped);
  });

  it('refuses an invalid expression', () => {
    expect(() => sharedNodeCron().schedule('61 25 * * *', 'UTC', () => undefined)).toThrow(/invalid cron expression/);
  });
});
