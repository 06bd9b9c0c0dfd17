// The lowdb file stays small: the full audit log is an append-only file beside it (the document
// keeps the most recent events), delivered notifications and expired ids leave it.

import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_LOG_NAME, openLowdbStore, STORE_FILE_NAME, type WriteTextFile } from '../../adapters/store/lowdb';
import { ConflictError } from '../../src/domain/errors';
import type { Store } from '../../src/ports';
import { aNotification, anAuditEvent } from './builders';

/** Plain writes without fsync: these tests count records, not durability, and write a lot. */
const quickWrite: WriteTextFile = (path, text) => writeFile(path, text, { flag: 'wx', mode: 0o600 });

describe('lowdb: what the file keeps', () => {
  let dir: string;
  let store: Store;
  const document = async () => JSON.parse(await readFile(join(dir, STORE_FILE_NAME), 'utf8')) as { audit: unknown[]; outbox: unknown[]; seen: unknown[] };
  const auditLines = async () => (await readFile(join(dir, AUDIT_LOG_NAME), 'utf8')).split('\n').slice(0, -1);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lowdb-growth-'));
    store = await openLowdbStore(dir, { writeTextFile: quickWrite });
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes every audit event to audit.jsonl, one JSON line each, and keeps the last 1000 in the document', async () => {
    const at = (i: number) => new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString();
    for (let i = 0; i < 1005; i++) await store.audit.append(anAuditEvent({ id: `ev-${i}`, at: at(i), after: { n: i } }));
    const lines = await auditLines();
    expect(lines).toHaveLength(1005);
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(Array.from({ length: 1005 }, (_, i) => anAuditEvent({ id: `ev-${i}`, at: at(i), after: { n: i } })));
    const listed = await store.audit.list();
    expect(listed).toHaveLength(1000);
    expect([listed[0]?.id, listed.at(-1)?.id]).toEqual(['ev-1004', 'ev-5']);
    expect((await document()).audit).toHaveLength(1000);
  });

  it('writes a refused audit event nowhere', async () => {
    await store.audit.append(anAuditEvent());
    await expect(store.audit.append(anAuditEvent({ action: 'again' }))).rejects.toBeInstanceOf(ConflictError);
    await expect(store.audit.append({ ...anAuditEvent({ id: 'ev-2' }), at: 'never' })).rejects.toBeInstanceOf(Error);
    expect(await auditLines()).toEqual([JSON.stringify(anAuditEvent())]);
  });

  it('starts a new line after a line torn by a crash', async () => {
    await store.audit.append(anAuditEvent({ id: 'ev-1' }));
    await store.close();
    await writeFile(join(dir, AUDIT_LOG_NAME), '{"id":"ev-torn","at":', { flag: 'a' });
    store = await openLowdbStore(dir, { writeTextFile: quickWrite });
    await store.audit.append(anAuditEvent({ id: 'ev-2' }));
    expect(await auditLines()).toEqual([JSON.stringify(anAuditEvent({ id: 'ev-1' })), '{"id":"ev-torn","at":', JSON.stringify(anAuditEvent({ id: 'ev-2' }))]);
  });

  it('removes delivered notifications from the file: it does not grow with them', async () => {
    const now = new Date('2026-11-24T01:00:00Z');
    const deliverAll = async (from: number) => {
      for (let i = from; i < from + 100; i++) await store.outbox.enqueue(aNotification({ id: `ob-${i}` }));
      for (const item of await store.outbox.claimDue(now, { claimant: 'deliverer-a', leaseMs: 60_000, limit: 200 })) {
        await store.outbox.markDelivered(item.id, 'deliverer-a', now);
      }
    };
    await deliverAll(0);
    const size = (await stat(join(dir, STORE_FILE_NAME))).size;
    await deliverAll(100);
    await deliverAll(200);
    expect((await document()).outbox).toEqual([]);
    expect(await store.outbox.depth()).toBe(0);
    expect((await stat(join(dir, STORE_FILE_NAME))).size).toBe(size);
  });

  it('forgets remembered ids once they expired', async () => {
    const at = new Date('2026-11-24T00:00:00Z');
    for (let i = 0; i < 50; i++) await store.runnerState.firstSeen('slack', `Ev${i}`, at, 60_000);
    expect((await document()).seen).toHaveLength(50);
    await store.runnerState.firstSeen('slack', 'Ev-later', new Date(at.getTime() + 60_000), 60_000);
    expect((await document()).seen).toEqual([{ scope: 'slack', id: 'Ev-later', expiresAt: '2026-11-24T00:02:00.000Z' }]);
  });
});
