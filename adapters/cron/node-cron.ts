// The Cron port on node-cron 4: one task per enabled instance, in the instance's time zone.

import cron from 'node-cron';
import type { Cron, CronJob } from '../../src/ports';

export const nodeCron: Cron = {
  schedule(expression: string, timezone: string, onTick: (firedAt: Date) => void): CronJob {
    if (!cron.validate(expression)) throw new Error(`invalid cron expression ${expression}`);
    const task = cron.schedule(expression, (context) => onTick(context.date), { timezone, noOverlap: false });
    return {
      stop() {
        void task.destroy();
      },
    };
  },
};
