// The work after an ack (the core, the reply) runs here, a bounded number at a time (p-limit),
// so a burst of requests does not slow the acks of the requests behind it (Slack's 3-second rule).

import pLimit, { type LimitFunction } from 'p-limit';

export class WorkQueue {
  private readonly limit: LimitFunction;

  constructor(
    concurrency: number,
    private readonly onError: (err: unknown) => void,
  ) {
    this.limit = pLimit(concurrency);
  }

  /** Queues a job; it starts on a later turn of the event loop, never inside the caller. */
  push(job: () => Promise<void>): void {
    setImmediate(() => {
      this.limit(job).catch(this.onError);
    });
  }
}
