// The queue behind the acks: work never starts inside the listener that acked, at most N jobs
// run at once, and a failed job is reported without stopping the ones behind it.

import { describe, expect, it } from 'vitest';
import { WorkQueue } from '../../adapters/slack/work-queue';
import { waitFor } from '../support/wait';

function gate(): { open: () => void; opened: Promise<void> } {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('WorkQueue', () => {
  it('starts a job on a later turn of the event loop, not inside the caller nor its microtasks', async () => {
    const started: string[] = [];
    const queue = new WorkQueue(4, () => undefined);
    queue.push(async () => void started.push('job'));
    started.push('caller');
    await Promise.resolve();
    await Promise.resolve();
    started.push('microtasks');
    await waitFor(() => started.includes('job'), 'the job');
    expect(started).toEqual(['caller', 'microtasks', 'job']);
  });

  it('runs at most its concurrency at once, in the order pushed', async () => {
    const queue = new WorkQueue(2, () => undefined);
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    gates.forEach((g, i) =>
      queue.push(async () => {
        started.push(i);
        await g.opened;
      }),
    );
    await waitFor(() => started.length >= 2, 'two jobs');
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1]);
    gates[1]?.open();
    await waitFor(() => started.length >= 3, 'the third job');
    expect(started).toEqual([0, 1, 2]);
    gates.forEach((g) => g.open());
    await waitFor(() => started.length === 4, 'the last job');
  });

  it('reports a failed job and goes on with the next', async () => {
    const errors: unknown[] = [];
    const queue = new WorkQueue(1, (err) => errors.push(err));
    let after = false;
    queue.push(async () => {
      throw new Error('core failed');
    });
    queue.push(async () => {
      after = true;
    });
    await waitFor(() => after, 'the job after the failure');
    expect(errors).toEqual([new Error('core failed')]);
  });
});
