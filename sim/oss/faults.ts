// Faults on demand for the OSS simulator. Each queued fault fires on the next matching request,
// in the order queued, so tests stay deterministic.
//
// interceptNext(match, hook) is opt-in, for tests that stop a client at an exact point: the next
// request `match` accepts is held when it arrives (before its signature is checked) while
// `hook` runs; then it is carried out ('run', its answer going to whoever still listens) or its
// connection is dropped unanswered ('drop': it never happened).

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

/** What an intercepting test sees of a request. */
export interface InterceptedRequest {
  method: string;
  bucket: string;
  key: string;
  query: Record<string, string>;
}

export type InterceptOutcome = 'run' | 'drop';

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
  private readonly intercepts: { match: (r: InterceptedRequest) => boolean; hook: (r: InterceptedRequest) => Promise<InterceptOutcome> }[] = [];

  /** Holds the next request `match` accepts while `hook` runs (see the header). */
  interceptNext(match: (r: InterceptedRequest) => boolean, hook: (r: InterceptedRequest) => Promise<InterceptOutcome>): void {
    this.intercepts.push({ match, hook });
  }

  /** Called by the server for each request: the hook armed for it (and disarmed), if any. */
  takeIntercept(request: InterceptedRequest): ((r: InterceptedRequest) => Promise<InterceptOutcome>) | null {
    const i = this.intercepts.findIndex((x) => x.match(request));
    if (i < 0) return null;
    const [taken] = this.intercepts.splice(i, 1);
    return taken?.hook ?? null;
  }

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
    this.intercepts.length = 0;
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
