// The work after an ACK (the core, the reply) runs here, a bounded number at a time, so a burst
// of messages never delays the ACKs of the frames behind them.

export class WorkQueue {
  private running = 0;
  private readonly waiting: (() => Promise<void>)[] = [];
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  push(job: () => Promise<void>): void {
    this.waiting.push(job);
    setImmediate(() => this.next());
  }

  /** Resolves when nothing is queued or running (shutdown). */
  idle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private next(): void {
    while (this.running < this.concurrency) {
      const job = this.waiting.shift();
      if (job === undefined) break;
      this.running++;
      job()
        .catch(this.onError)
        .finally(() => {
          this.running--;
          this.next();
        });
    }
    if (this.running === 0 && this.waiting.length === 0) for (const done of this.idleWaiters.splice(0)) done();
  }
}
