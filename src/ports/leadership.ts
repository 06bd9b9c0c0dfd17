// Leadership: only the process that holds it runs the controllers (scheduler, trackers, sweeps,
// outbox). The embedded store grants it through an exclusive lock file for the life of the
// process; a shared database grants a lease that must be renewed, with an epoch that fences a
// former leader's late writes.

export interface Lease {
  /** Who holds it (host and pid, or a replica id). */
  holder: string;
  /** Grows by one at every change of leader: the fencing token. */
  epoch: number;
  acquiredAt: Date;
  /** When it lapses unless renewed; null when it lasts as long as the process (a lock file). */
  expiresAt: Date | null;
}

export interface Leadership {
  /** What grants it, for logs and health (`lock file /data/backup-bot.lock`). */
  readonly description: string;
  /** How often the runner renews; null when a lease never lapses. */
  readonly renewEveryMs: number | null;
  /**
   * Becomes or stays the leader: the lease, or null while another process holds it. A lease in a
   * shared database is timed by the database's clock (`now` is this process's, for a lock file).
   */
  acquire(now: Date): Promise<Lease | null>;
  /** The lease as the store has it now, whoever holds it (health: who leads, since when). */
  current?(): Promise<Lease | null>;
  /**
   * Gives leadership up (shutdown): a lease ends at once so another replica may take it; the
   * embedded store's lock file is given up when the store closes.
   */
  release(): Promise<void>;
}
