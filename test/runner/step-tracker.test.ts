// The items a controller follows step by step: the pause a step asks for, an item forgotten
// once done, the runner asked again after each step (not while stopping), and a step that
// throws looked at again after its pause instead of becoming an unhandled rejection.

import { describe, expect, it } from 'vitest';
import { followPause, StepTracker } from '../../src/runner/step-tracker';

describe('StepTracker', () => {
  it('waits the pause a step asks for, forgets an item once done, and asks for a reconcile after each step', async () => {
    let kicks = 0;
    const steps = new StepTracker(() => kicks++);
    const now = performance.now();
    const a = steps.add('a', 100, now);
    const b = steps.add('b', 100, now);
    expect(steps.isDue(a, now)).toBe(true);
    steps.launch('a', a, async () => 5_000);
    steps.launch('b', b, async () => null);
    expect(steps.busy).toBe(2);
    expect(steps.nextLook(now)).toEqual({});
    await steps.settled();
    expect(steps.ids).toEqual(['a']);
    expect(kicks).toBe(2);
    const look = steps.nextLook(performance.now()).requeueAfterMs ?? 0;
    expect(look).toBeGreaterThan(4_000);
    expect(look).toBeLessThanOrEqual(5_000);
    expect(steps.isDue(a, performance.now())).toBe(false);
  });

  it('looks again after the item pause when a step throws', async () => {
    const steps = new StepTracker(() => {});
    const t = steps.add('a', 2_000, performance.now());
    steps.launch('a', t, async () => Promise.reject(new Error('boom')));
    await steps.settled();
    expect(steps.ids).toEqual(['a']);
    expect(steps.nextLook(performance.now()).requeueAfterMs).toBeGreaterThan(1_000);
  });

  it('keeps only the wanted idle items, and asks nothing once stopping', async () => {
    let kicks = 0;
    const steps = new StepTracker(() => kicks++);
    const now = performance.now();
    steps.add('gone', 100, now);
    const busy = steps.add('busy', 100, now);
    let finish: (v: number | null) => void = () => {};
    steps.launch('busy', busy, () => new Promise((resolve) => (finish = resolve)));
    steps.keepOnly(new Set());
    expect(steps.ids).toEqual(['busy']);
    const stopped = steps.stop();
    finish(100);
    await stopped;
    expect(kicks).toBe(0);
    expect(steps.ids).toEqual([]);
  });

  it('pauses shortest after a change, half as long again while nothing moves, longest after a failure', () => {
    const poll = { pollMinMs: 300, pollMaxMs: 2_000 };
    const t = new StepTracker(() => {}).add('a', 300, performance.now());
    expect([followPause(t, 'unchanged', poll), followPause(t, 'unchanged', poll), followPause(t, 'unchanged', poll)]).toEqual([450, 675, 1013]);
    expect(followPause(t, 'unchanged', poll)).toBe(1520);
    expect(followPause(t, 'unchanged', poll)).toBe(2_000);
    expect(followPause(t, 'changed', poll)).toBe(300);
    expect(followPause(t, 'failed', poll)).toBe(2_000);
  });
});
