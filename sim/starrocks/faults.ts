// Faults on demand for one simulated instance. Each one is armed by a test and fires once
// (or until released), so tests stay deterministic.
//
//   failNextBackup(db, msg?)       the next backup of `db` uploads part of its files, then goes
//                                  CANCELLED with `TaskErrMsg` [<task>: msg] and Status
//                                  [COMMON_ERROR, msg: <msg>] (objects stay on OSS, §2.4).
//   dropConnectionOn(pattern)      the next query whose text matches loses its connection
//                                  (socket destroyed, no answer) before it runs: it never ran.
//   dropAnswerOn(pattern)          the next query whose text matches runs, then its connection
//                                  is lost before the answer: it ran, the client cannot know.
//   unreachable() / reachable()    the FE stops answering (every connection is closed at once,
//                                  new ones too), as in a network partition; jobs go on.
//   hold(db, state) / release(db)  jobs of `db` stay in `state` until released (a slow job).
//   refuseTable(db, table, msg?)   BACKUP naming that table fails at submit with `msg`
//                                  (default: a 3.x analyzer's list-partition refusal, §2.1).
//   forgeAnswer(pattern, rs)      the next query whose text matches is answered with this result
//                                  set instead of running (rows a broken or unknown FE might send).
//   leaderChange() and ageOutHistory() are actions on the cluster (see SimCluster).
//   interceptNext(pattern, hook)   the next query whose text matches is held when it arrives:
//                                  `hook(sql)` runs first (a test kills the client there), then
//                                  the query runs ('run', its answer going to whoever is still
//                                  connected) or is dropped with its connection ('drop': it never
//                                  ran). Opt-in, for tests that stop the bot at an exact point.

import type { ResultSet } from './types';

/** What becomes of an intercepted statement once its hook settles. */
export type InterceptOutcome = 'run' | 'drop';
export type InterceptHook = (sql: string) => Promise<InterceptOutcome>;

export class SimFaults {
  private readonly forged: { pattern: RegExp; result: ResultSet }[] = [];
  private readonly intercepts: { pattern: RegExp; hook: InterceptHook }[] = [];
  private readonly failBackups = new Map<string, string>();
  private readonly drops: RegExp[] = [];
  private readonly holds = new Map<string, string>();
  private readonly refused = new Map<string, string>();
  private readonly answerDrops: RegExp[] = [];
  private partitioned = false;

  failNextBackup(db: string, message = 'upload failed: connection reset by peer'): void {
    this.failBackups.set(db, message);
  }

  /** Consumed by the backup job that fails. */
  takeBackupFailure(db: string): string | null {
    const msg = this.failBackups.get(db) ?? null;
    this.failBackups.delete(db);
    return msg;
  }

  dropConnectionOn(pattern: RegExp | string): void {
    this.drops.push(asPattern(pattern));
  }

  dropAnswerOn(pattern: RegExp | string): void {
    this.answerDrops.push(asPattern(pattern));
  }

  /** True (and disarmed) when this query should run, then lose its connection. */
  takeAnswerDrop(sql: string): boolean {
    const i = this.answerDrops.findIndex((re) => re.test(sql));
    if (i < 0) return false;
    this.answerDrops.splice(i, 1);
    return true;
  }

  /** Connection and answer drops armed and not yet fired. */
  get armedDrops(): number {
    return this.drops.length + this.answerDrops.length;
  }

  forgeAnswer(pattern: RegExp | string, result: ResultSet): void {
    this.forged.push({ pattern: asPattern(pattern), result });
  }

  get armedForgeries(): number {
    return this.forged.length;
  }

  /** The forged answer to this query, if one is armed (and disarmed). */
  takeForgedAnswer(sql: string): ResultSet | null {
    const i = this.forged.findIndex((f) => f.pattern.test(sql));
    if (i < 0) return null;
    const [found] = this.forged.splice(i, 1);
    return found?.result ?? null;
  }

  interceptNext(pattern: RegExp | string, hook: InterceptHook): void {
    this.intercepts.push({ pattern: asPattern(pattern), hook });
  }

  /** The hook for this query (and disarmed), if one was armed for it. */
  takeIntercept(sql: string): InterceptHook | null {
    const i = this.intercepts.findIndex((x) => x.pattern.test(sql));
    if (i < 0) return null;
    const [taken] = this.intercepts.splice(i, 1);
    return taken?.hook ?? null;
  }

  unreachable(): void {
    this.partitioned = true;
  }

  reachable(): void {
    this.partitioned = false;
  }

  get isUnreachable(): boolean {
    return this.partitioned;
  }

  /** True (and disarmed) when this query should lose its connection. */
  takeDrop(sql: string): boolean {
    const i = this.drops.findIndex((re) => re.test(sql));
    if (i < 0) return false;
    this.drops.splice(i, 1);
    return true;
  }

  hold(db: string, state: string): void {
    this.holds.set(db, state);
  }

  release(db?: string): void {
    if (db === undefined) this.holds.clear();
    else this.holds.delete(db);
  }

  isHeld(db: string, state: string): boolean {
    return this.holds.get(db) === state;
  }

  refuseTable(db: string, table: string, message = 'List partition table does not support backup/restore job'): void {
    this.refused.set(`${db}.${table}`, message);
  }

  refusal(db: string, table: string): string | null {
    return this.refused.get(`${db}.${table}`) ?? null;
  }

  clear(): void {
    this.failBackups.clear();
    this.drops.length = 0;
    this.answerDrops.length = 0;
    this.forged.length = 0;
    this.partitioned = false;
    this.holds.clear();
    this.refused.clear();
    this.intercepts.length = 0;
  }
}

function asPattern(pattern: RegExp | string): RegExp {
  return typeof pattern === 'string' ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i') : pattern;
}
