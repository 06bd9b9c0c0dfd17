// Faults on demand for the OSS simulator. Each queued fault fires on the next matching request,
// in the order queued, so tests stay deterministic.

export interface FailSpec {
  status: 500 | 503;
  /** Defaults to InternalError for 500 and ServiceUnavailable for 503. */
  code?: string;
  /** Sends `x-oss-qos-delay-time: <ms>`, OSS's hint for throttled requests. */
  qosDelayMs?: number;
  /** Only requests with this HTTP method (e.g. `POST` for DeleteMultipleObjects) consume the fault. */
  onlyMethod?: string;
}

export type Fault =
  | { kind: 'fail'; status: 500 | 503; code: string; qosDelayMs: number | null }
  | { kind: 'drop' }
  | { kind: 'delay'; ms: number };

interface Queued {
  remaining: number;
  onlyMethod: string | null;
  fault: Fault;
}

export class OssFaults {
  /** Added to every response. */
  latencyMs = 0;
  private readonly queue: Queued[] = [];
  private deleteReportLimit: { remaining: number; keys: number } | null = null;

  /** The next `count` (matching) requests fail with an OSS error and are not carried out. */
  failNext(count: number, spec: FailSpec): void {
    const code = spec.code ?? (spec.status === 503 ? 'ServiceUnavailable' : 'InternalError');
    this.push(count, spec.onlyMethod, { kind: 'fail', status: spec.status, code, qosDelayMs: spec.qosDelayMs ?? null });
  }

  /** The next `count` requests are throttled: 503 ServiceUnavailable with `x-oss-qos-delay-time`. */
  throttle(count: number, qosDelayMs = 100, onlyMethod?: string): void {
    this.failNext(count, { status: 503, code: 'ServiceUnavailable', qosDelayMs, onlyMethod });
  }

  /** The next `count` requests lose their connection: the socket is destroyed before any answer. */
  dropNext(count: number, onlyMethod?: string): void {
    this.push(count, onlyMethod, { kind: 'drop' });
  }

  /** The next `count` requests are answered `ms` late (to provoke client-side timeouts). */
  delayNext(count: number, ms: number, onlyMethod?: string): void {
    this.push(count, onlyMethod, { kind: 'delay', ms });
  }

  /**
   * The next `count` DeleteMultipleObjects requests delete and report only their first `keys`
   * keys, as a partly failed batch would.
   */
  truncateDeletesNext(count: number, keys: number): void {
    this.deleteReportLimit = { remaining: count, keys };
  }

  /** Forgets every queued fault and the latency. */
  reset(): void {
    this.queue.length = 0;
    this.deleteReportLimit = null;
    this.latencyMs = 0;
  }

  /** Called by the server for each request: the fault to apply, if any. */
  take(method: string): Fault | null {
    const index = this.queue.findIndex((q) => q.onlyMethod === null || q.onlyMethod === method);
    const queued = this.queue[index];
    if (!queued) return null;
    queued.remaining -= 1;
    if (queued.remaining <= 0) this.queue.splice(index, 1);
    return queued.fault;
  }

  /** Called by DeleteMultipleObjects: how many keys to carry out, or null for all. */
  takeDeleteLimit(): number | null {
    const limit = this.deleteReportLimit;
    if (!limit) return null;
    limit.remaining -= 1;
    if (limit.remaining <= 0) this.deleteReportLimit = null;
    return limit.keys;
  }

  private push(count: number, onlyMethod: string | undefined, fault: Fault): void {
    if (count > 0) this.queue.push({ remaining: count, onlyMethod: onlyMethod?.toUpperCase() ?? null, fault });
  }
}
