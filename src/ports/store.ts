// The bot's memory, one port per kind of record. Every rule that must hold across processes is
// enforced here, by the store, in one transaction: never by process memory. The lowdb store
// (one JSON file) and the MySQL store implement the same ports and pass the same contract suite.

import type { DeliveredMessage } from './chat';
import type { Lease } from './leadership';
import type { Leadership } from './leadership';
import type { RunnerStateKey, RunnerStateValue } from './runner-state';
import type { Reply } from '../reply';
import type {
  AuditEvent,
  BackupSet,
  BackupSetState,
  ChannelAddress,
  RestoreRequest,
  RestoreState,
  StoredSettings,
  Task,
} from '../domain/types';

export interface SettingsRecords {
  /** Settings of an instance, or null when never saved (callers use the defaults). */
  get(instanceId: string): Promise<StoredSettings | null>;
  /**
   * Saves settings whose `version` is one more than the stored version (0 when none).
   * Throws `StaleUpdateError` carrying the stored settings when someone saved first.
   */
  save(next: StoredSettings): Promise<StoredSettings>;
  list(): Promise<StoredSettings[]>;
}

export interface BackupSetFilter {
  instanceId?: string;
  states?: readonly BackupSetState[];
  /** At most this many, newest first. */
  limit?: number;
}

export interface BackupSetRecords {
  /**
   * Adds a set, checking in one transaction, in this order:
   * - a duplicate id: `ConflictError`;
   * - a scheduled set whose instance already has a scheduled set for that local day that is
   *   running or good (a FAILED one gives its day back): `DayTakenError` naming it;
   * - a RUNNING set while the instance has another RUNNING set: `BackupRunningError` naming it.
   */
  create(set: BackupSet): Promise<void>;
  get(id: string): Promise<BackupSet | null>;
  /** Read-modify-write in one transaction; the mutator must be pure. The same rules hold. */
  update(id: string, mutate: (current: BackupSet) => BackupSet): Promise<BackupSet>;
  /** Newest first (by start time). */
  list(filter?: BackupSetFilter): Promise<BackupSet[]>;
}

export interface RestoreFilter {
  /** The requests from or into this instance. */
  instanceId?: string;
  backupSetId?: string;
  states?: readonly RestoreState[];
}

export interface RestoreRecords {
  /** Throws `ConflictError` on a duplicate id. */
  create(request: RestoreRequest): Promise<void>;
  get(id: string): Promise<RestoreRequest | null>;
  /** Read-modify-write in one transaction; a mutator that throws changes nothing. */
  update(id: string, mutate: (current: RestoreRequest) => RestoreRequest): Promise<RestoreRequest>;
  /** Newest first (by request time). */
  list(filter?: RestoreFilter): Promise<RestoreRequest[]>;
}

export interface TaskFilter {
  instanceId?: string;
  states?: readonly Task['state'][];
  limit?: number;
}

export interface TaskRecords {
  upsert(task: Task): Promise<void>;
  get(id: string): Promise<Task | null>;
  /** Newest first (by start time). */
  list(filter?: TaskFilter): Promise<Task[]>;
}

export interface AuditLog {
  /** Throws `ConflictError` on a duplicate id. */
  append(event: AuditEvent): Promise<void>;
  /** Newest first. */
  list(filter?: { instanceId?: string; limit?: number }): Promise<AuditEvent[]>;
}

export interface OutboxItem {
  id: string;
  /** Messages with the same key are one message edited in place (progress); null = a new post each time. */
  key: string | null;
  channel: ChannelAddress;
  reply: Reply;
  createdAt: string;
  attempts: number;
  nextAttemptAt: string;
  deliveredAt: string | null;
  lastError: string | null;
  /** Who is delivering it, until when: another deliverer leaves it alone meanwhile. */
  claimedBy: string | null;
  claimedUntil: string | null;
}

/** A new notification, as the announcer makes it. */
export type NewOutboxItem = Pick<OutboxItem, 'id' | 'key' | 'channel' | 'reply' | 'createdAt'>;

export interface OutboxClaim {
  /** Who claims (a process id, a lease holder). */
  claimant: string;
  /** How long the claim holds; after that another deliverer may take the item. */
  leaseMs: number;
  limit: number;
}

export interface Outbox {
  /**
   * Queues a notification. An undelivered item with the same key and channel takes the new
   * reply under the new id, keeping its place (so a delivery of the old id under way cannot
   * mark the newer reply delivered): progress is one message.
   */
  enqueue(item: NewOutboxItem): Promise<void>;
  /** Undelivered items due at `now` and not claimed by someone else, oldest first; claims them. */
  claimDue(now: Date, claim: OutboxClaim): Promise<OutboxItem[]>;
  /** An id no longer queued (replaced by a newer reply of its key) is ignored. */
  markDelivered(id: string, claimant: string, at: Date): Promise<void>;
  /** Counts an attempt, releases the claim and sets the next attempt. */
  markFailed(id: string, claimant: string, error: string, nextAttemptAt: Date): Promise<void>;
  /** Undelivered items. */
  depth(): Promise<number>;
  /** Where a keyed message was delivered, so the next one with that key edits it. */
  getDelivery(key: string): Promise<DeliveredMessage[]>;
  setDelivery(key: string, messages: DeliveredMessage[]): Promise<void>;
}

/** Small typed values the runner and the surfaces keep between runs. */
export interface RunnerState {
  get<K extends RunnerStateKey>(key: K): Promise<RunnerStateValue<K> | null>;
  /** Validated against the key's schema before it is written. */
  set<K extends RunnerStateKey>(key: K, value: RunnerStateValue<K>): Promise<void>;
  /**
   * Writes the value only when none is stored, and returns what is stored afterwards: of several
   * processes starting at once, all end up with the first one's value (a signing key).
   */
  setIfAbsent<K extends RunnerStateKey>(key: K, value: RunnerStateValue<K>): Promise<RunnerStateValue<K>>;
  /**
   * Remembers an id (a chat request, a message id) for `ttlMs`; true the first time, false when
   * it was already remembered and has not expired. Atomic: two callers never both get true.
   */
  firstSeen(scope: string, id: string, at: Date, ttlMs: number): Promise<boolean>;
  /** Forgets a remembered id (a failed action may be tried again). */
  forget(scope: string, id: string): Promise<void>;
}

/** Every kind of record, as one transaction or the whole store sees it. */
export interface StoreRecords {
  readonly settings: SettingsRecords;
  readonly backupSets: BackupSetRecords;
  readonly restores: RestoreRecords;
  readonly tasks: TaskRecords;
  readonly audit: AuditLog;
  readonly outbox: Outbox;
  readonly runnerState: RunnerState;
}

export interface Store extends StoreRecords {
  readonly leadership: Leadership;
  /**
   * Runs `work` in one transaction: every write made through `tx` lands together when `work`
   * resolves, or none does when it throws; reads through `tx` see its own writes. This is how a
   * change of state and the announcement and audit record it causes are written as one. Inside
   * `work`, use only `tx` (the store itself waits until the transaction ends).
   */
  atomically<T>(work: (tx: StoreRecords) => Promise<T>): Promise<T>;
  /** Throws when the store cannot be read (health). */
  ping(): Promise<void>;
  /** Waits for the operations already queued, then refuses any more; releases leadership. */
  close(): Promise<void>;
}

export type { Lease };
