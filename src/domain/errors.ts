// Typed errors. Each carries a message fit for chat; the command core maps them to one reply.

/** Bad input or a refused action, told to the user as is. */
export class UserError extends Error {
  override readonly name: string = 'UserError';
  constructor(message: string) {
    super(message);
  }
}

/** The caller's role does not allow the action. */
export class PermissionError extends UserError {
  override readonly name = 'PermissionError';
}

/** The thing named does not exist. */
export class NotFoundError extends UserError {
  override readonly name = 'NotFoundError';
}

/** The state of things forbids the action now (a backup already running, ...). */
export class ConflictError extends UserError {
  override readonly name: string = 'ConflictError';
}

/** Someone saved first: the update was made against an older version. */
export class StaleUpdateError<T = unknown> extends ConflictError {
  override readonly name = 'StaleUpdateError';
  constructor(
    message: string,
    readonly current: T,
  ) {
    super(message);
  }
}

/** The once-a-day rule: the day already has a running or good scheduled set. */
export class DayTakenError extends ConflictError {
  override readonly name = 'DayTakenError';
  constructor(
    message: string,
    readonly holder: string,
  ) {
    super(message);
  }
}

/** One running backup per instance: another set of that instance is still RUNNING. */
export class BackupRunningError extends ConflictError {
  override readonly name = 'BackupRunningError';
  constructor(
    message: string,
    readonly holder: string,
  ) {
    super(message);
  }
}

/**
 * A write of a former leader, refused by the store: this process acted under a lease (its epoch)
 * that another replica has since taken over, or that it was told it had lost. Nothing was written.
 * Not a ConflictError: no caller may take it for "try another id" and write again unfenced.
 */
export class LeaseLostError extends UserError {
  override readonly name = 'LeaseLostError';
  constructor(
    readonly epoch: number,
    readonly currentEpoch: number | null,
  ) {
    super('This replica of the bot lost its leadership a moment ago (another replica took over), so nothing was saved; please try again.');
  }
}

/** An illegal life-cycle transition. A bug or a race, never silently applied. */
export class TransitionError extends ConflictError {
  override readonly name = 'TransitionError';
}

export type OutsideErrorKind =
  | 'unreachable'
  | 'auth'
  | 'privileges'
  | 'timeout'
  | 'unknown_database'
  | 'job_running'
  | 'snapshot_exists'
  | 'repository_missing'
  | 'repository_read_only'
  | 'unsupported_table'
  | 'not_found'
  | 'throttled'
  /** A bucket's retention lock (WORM) refuses to delete or change the objects. */
  | 'immutable'
  | 'server'
  | 'protocol'
  | 'other';

/** A failure of StarRocks, OSS or a chat platform, classified; `message` keeps the system's own text. */
export class OutsideError extends Error {
  override readonly name = 'OutsideError';
  constructor(
    readonly system: 'starrocks' | 'oss' | 'slack' | 'dingtalk' | 'store',
    readonly kind: OutsideErrorKind,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** Configuration that cannot be used; lists every problem by path. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly problems: string[],
    readonly source: string,
  ) {
    super(`${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
