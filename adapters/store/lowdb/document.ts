// The shape of the lowdb file, checked with zod when it is read (records: ./schemas.ts). A file
// written by the previous document version is migrated on read (./migrate.ts).

import { z } from 'zod';
import type { AuditEvent, BackupSet, RestoreRequest, StoredSettings, Task } from '../../../src/domain/types';
import type { DeliveredMessage, OutboxItem } from '../../../src/ports';
import { migrateDocument } from './migrate';
import { auditEvent, backupSet, delivery, outboxItem, restoreRequest, runnerValue, seenId, storedSettings, task } from './schemas';

/** Bump with a migration in ./migrate.ts when the shape changes. */
export const DOCUMENT_VERSION = 2;

/** The document keeps this many recent audit events; the append-only audit log keeps them all. */
export const AUDIT_KEPT_IN_DOCUMENT = 1000;

export const documentSchema = z.looseObject({
  version: z.literal(DOCUMENT_VERSION),
  leaderEpoch: z.number().int().nonnegative(),
  settings: z.array(storedSettings),
  backupSets: z.array(backupSet),
  restoreRequests: z.array(restoreRequest),
  tasks: z.array(task),
  audit: z.array(auditEvent),
  outbox: z.array(outboxItem),
  /** Pairs, not an object keyed by the key: a key like `__proto__` must stay plain data. */
  deliveries: z.array(delivery),
  runnerState: z.array(runnerValue),
  seen: z.array(seenId),
});

export interface StoreDocument {
  version: typeof DOCUMENT_VERSION;
  /** Grows by one each time a process takes the lock: the lease epoch. */
  leaderEpoch: number;
  settings: StoredSettings[];
  backupSets: BackupSet[];
  restoreRequests: RestoreRequest[];
  tasks: Task[];
  /** The most recent audit events; the whole log is the append-only `audit.jsonl` beside the file. */
  audit: AuditEvent[];
  outbox: OutboxItem[];
  deliveries: { key: string; messages: DeliveredMessage[]; at: string }[];
  runnerState: { name: string; value: unknown }[];
  seen: { scope: string; id: string; expiresAt: string }[];
}

// The schema's output must fit the document the store works with.
const _fits: (parsed: z.output<typeof documentSchema>) => StoreDocument = (parsed) => parsed;

export function emptyDocument(): StoreDocument {
  return {
    version: DOCUMENT_VERSION,
    leaderEpoch: 0,
    settings: [],
    backupSets: [],
    restoreRequests: [],
    tasks: [],
    audit: [],
    outbox: [],
    deliveries: [],
    runnerState: [],
    seen: [],
  };
}

/** `backupSets.3.state` → `backupSets[3] (bk-...) state`: a problem names the record it is in. */
function describePath(raw: unknown, path: PropertyKey[]): string {
  if (path.length === 0) return '(top)';
  const [list, index, ...rest] = path;
  if (typeof list === 'string' && typeof index === 'number' && typeof raw === 'object' && raw !== null) {
    const record = (raw as Record<string, unknown[]>)[list]?.[index] as Record<string, unknown> | undefined;
    const id = record && (typeof record.id === 'string' ? record.id : typeof record.instanceId === 'string' ? record.instanceId : null);
    return `${list}[${index}]${id ? ` (${id.slice(0, 80)})` : ''}${rest.length ? ` ${rest.map(String).join('.')}` : ''}`;
  }
  return path.map(String).join('.');
}

/** Checks a parsed file (migrating an older version); throws an Error listing what is wrong, by record. */
export function checkDocument(raw: unknown): StoreDocument {
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const version = (raw as { version?: unknown }).version;
    if (typeof version === 'number' && version > DOCUMENT_VERSION) {
      throw new Error(`it was written by a newer version of the bot (document version ${version}, this bot reads up to ${DOCUMENT_VERSION})`);
    }
  }
  const migrated = migrateDocument(raw);
  const result = documentSchema.safeParse(migrated);
  if (!result.success) {
    const problems = result.error.issues.slice(0, 5).map((i) => `${describePath(migrated, i.path)}: ${i.message}`);
    const more = result.error.issues.length > 5 ? ` (and ${result.error.issues.length - 5} more)` : '';
    throw new Error(`its content is not a backup-bot store: ${problems.join('; ')}${more}`);
  }
  return result.data as StoreDocument;
}
