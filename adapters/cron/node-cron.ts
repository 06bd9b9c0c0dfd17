// The Cron port on node-cron 4, in the instance's time zone. Instances on the same schedule share
// one node-cron task: a fleet repeats a handful of (expression, zone) pairs (00:00 is the
// default), and a task costs a timer, an emitter and a parse, so 1,000 instances make a few tasks,
// not 1,000. Each subscriber still gets its own job to stop; the task goes when its last one does.

import cron from 'node-cron';
import type { Cron, CronJob } from '../../src/ports';

type OnTick = (firedAt: Date) => void;

interface SharedTask {
  task: ReturnType<typeof cron.schedule>;
  subscribers: Set<OnTick>;
}

/** Expressions already validated. */
const valid = new Set<string>();

/** A Cron whose jobs on the same expression and zone share one node-cron task. */
export function sharedNodeCron(): Cron & { readonly tasks: number } {
  const tasks = new Map<string, SharedTask>();
  return {
    /** node-cron tasks alive. */
    get tasks() {
      return tasks.size;
    },
    schedule(expression: string, timezone: string, onTick: OnTick): CronJob {
      if (!valid.has(expression)) {
        if (!cron.validate(expression)) throw new Error(`invalid cron expression ${expression}`);
        valid.add(expression);
      }
      const key = `${timezone}\u0000${expression}`;
      let shared = tasks.get(key);
      if (!shared) {
        const subscribers = new Set<OnTick>();
        const task = cron.schedule(
          expression,
          (context) => {
            // A copy: a subscriber may stop its job (or another's) while being told.
            for (const tick of [...subscribers]) tick(context.date);
          },
          { timezone, noOverlap: false },
        );
        shared = { task, subscribers };
        tasks.set(key, shared);
      }
      // Each job is its own subscriber, even with the same callback.
      const mine: OnTick = (firedAt) => onTick(firedAt);
      shared.subscribers.add(mine);
      const owner = shared;
      return {
        stop() {
          if (!owner.subscribers.delete(mine) || owner.subscribers.size > 0) return;
          if (tasks.get(key) === owner) tasks.delete(key);
          void owner.task.destroy();
        },
      };
    },
  };
}

/** The process's Cron (`npm start`). */
export const nodeCron: Cron = sharedNodeCron();
