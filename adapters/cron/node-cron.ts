// The Cron port on node-cron 4: one task per enabled instance, in the instance's time zone.

import cron from 'node-cron';
import type { Cron, CronJob } from '../../src/ports';

/** Expressions already validated: a fleet shares a handful of them (00:00 is the default). */
const valid = new Set<string>();

export const nodeCron: Cron = {
  schedule(expression: string, timezone: string, onTick: (firedAt: Date) => void): CronJob {
    if (!valid.has(expression)) {
      if (!cron.validate(expression)) throw new Error(`invalid cron expression ${expression}`);
      valid.add(expression);
    }
    const task = cron.schedule(expression, (context) => onTick(context.date), { timezone, noOverlap: false });
    return {
      stop() {
        void task.destroy();
      },
    };
  },
};
