// The work after an ack (the core, the reply) runs here, a bounded number at a time, so a
// burst of requests does not slow the acks of the requests behind it (Slack's 3-second rule).

export class WorkQueue {
  private running = 0;
  private readonly waiting: (() => Promise<void>)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Queues a job; it starts on a later turn of the event loop, never inside the caller. */
  push(job: () => Promise<void>): void {
    this.waiting.push(job);
    setImmediate(() => this.next());
  }

  get pending(): number {
    return this.waiting.length + this.running;
  }

  private next(): void {
    while (this.running < this.concurrency) {
      const job = this.waiting.shift();
      if (job === undefined) return;
      this.running++;
      job()
        .catch(this.onError)
        .finally(() => {
          this.running--;
          this.next();
        });
    }
  }
}
