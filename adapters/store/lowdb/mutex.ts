// One operation at a time: each waits for the previous one to settle, whatever its outcome.

export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(() => work());
    this.tail = result.catch(() => undefined);
    return result;
  }
}
