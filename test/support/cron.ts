// A Cron that fires only when a test says so, with the instant the real cron would pass.

import type { Cron, CronJob } from '../../src/ports';

export interface FakeCronJob {
  expression: string;
  timezone: string;
  fire(at: Date): void;
  stopped: boolean;
}

export class FakeCron implements Cron {
  readonly jobs: FakeCronJob[] = [];

  schedule(expression: string, timezone: string, onTick: (firedAt: Date) => void): CronJob {
    const job: FakeCronJob = { expression, timezone, fire: (at) => onTick(at), stopped: false };
    this.jobs.push(job);
    return {
      stop: () => {
        job.stopped = true;
      },
    };
  }

  active(): FakeCronJob[] {
    return this.jobs.filter((j) => !j.stopped);
  }
}
