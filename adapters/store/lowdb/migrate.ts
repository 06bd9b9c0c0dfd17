// Document version 1 → 2: job states become typed (StarRocks' state apart from how the bot knows
// it), the named values become typed runner state, outbox items can be claimed and delivered ones
// leave the outbox, and deliveries carry a time so they can be pruned. Anything that is not a
// version-1 object passes unchanged (the schema check then says what is wrong). The files beside
// the document (the kept v1 copy, the audit log) are ./migration-files.ts.

import { BACKUP_JOB_STATES } from '../../../src/domain/jobs';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** A v1 free-text `jobState` (`UPLOADING`, `NOT VISIBLE YET`, `waiting: ...`) as typed fields. */
function typedJob(db: Json): Json {
  const text = typeof db.jobState === 'string' ? db.jobState : null;
  const known = text !== null && (BACKUP_JOB_STATES as readonly string[]).includes(text) ? text : null;
  let tracking: string;
  if (db.state === 'PENDING') tracking = 'not_submitted';
  else if (text === 'FINISHED (from OSS)') tracking = 'resolved_from_oss';
  else if (text === 'NOT VISIBLE YET' || text === 'NOT VISIBLE') tracking = 'not_visible';
  else if (text === 'REFUSED') tracking = 'not_submitted';
  else if (known) tracking = 'visible';
  else tracking = 'submitted';
  const waitingFor = db.state === 'PENDING' && text?.startsWith('waiting: ') ? text.slice('waiting: '.length) : null;
  return { ...db, jobState: known, tracking, waitingFor };
}

const WATCHDOG = /^watchdog\.(.+)$/;

function runnerState(values: unknown[]): Json[] {
  const out: Json[] = [];
  const alerts: Record<string, string> = {};
  for (const v of values) {
    if (!isObject(v) || typeof v.name !== 'string' || typeof v.value !== 'string') continue;
    if (v.name === 'signing.key') out.push({ name: 'signingKey', value: v.value });
    else if (v.name === 'scheduler.lastSeen') out.push({ name: 'schedulerLastSeen', value: v.value });
    else {
      const instance = WATCHDOG.exec(v.name)?.[1];
      if (instance && v.value !== '') alerts[instance] = v.value;
    }
  }
  if (Object.keys(alerts).length) out.push({ name: 'watchdogAlerts', value: alerts });
  return out;
}

export function migrateDocument(raw: unknown, now = new Date()): unknown {
  if (!isObject(raw) || raw.version !== 1) return raw;
  const { values, ...rest } = raw;
  return {
    ...rest,
    version: 2,
    leaderEpoch: 0,
    backupSets: list(raw.backupSets).map((s) => (isObject(s) ? { ...s, databases: list(s.databases).map((d) => (isObject(d) ? typedJob(d) : d)) } : s)),
    restoreRequests: list(raw.restoreRequests).map((r) => (isObject(r) ? { ...r, jobs: [] } : r)),
    // Version 1 kept delivered items; version 2 removes an item once it is delivered.
    outbox: list(raw.outbox)
      .filter((o) => !(isObject(o) && typeof o.deliveredAt === 'string'))
      .map((o) => (isObject(o) ? { claimedBy: null, claimedUntil: null, ...o } : o)),
    deliveries: list(raw.deliveries).map((d) => (isObject(d) ? { at: now.toISOString(), ...d } : d)),
    runnerState: runnerState(list(values)),
    seen: [],
  };
}
