// Ten backups' worth of history keeps the store file small (issue 14, bug 11): the file holds the
// sets and what is still needed to run, not a trail of every message. Prints what it measured.

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FILE_NAME } from '../../adapters/store/lowdb';
import { MAX_EVENTS } from '../../src/domain/backup-events';
import { startSandboxSimulators } from '../../sim/sandbox';
import { endedSet, startBackup } from '../support/backups';
import { startHarness } from '../support/harness';
import type { Harness } from '../support/harness';

const BACKUPS = 10;
/** What one backup may add to the file, all records together (its set is about 3 KB of it). */
const PER_BACKUP_BYTES = 8 * 1024;

let sims: Awaited<ReturnType<typeof startSandboxSimulators>>;
let h: Harness;

beforeAll(async () => {
  sims = await startSandboxSimulators({ stepMs: 5 });
  h = await startHarness({ sims: sims.description });
});
afterAll(async () => {
  await h.close();
  await sims.close();
});

describe('the store file after many backups', () => {
  it(`grows by one set's worth per backup, and keeps no trail of delivered messages (${BACKUPS} backups)`, async () => {
    const file = join(h.dataDir, STORE_FILE_NAME);
    const sizes: number[] = [];
    for (let i = 0; i < BACKUPS; i++) {
      expect((await endedSet(h, await startBackup(h, 'prod-1'), 60_000)).state).toBe('FINISHED');
      await h.settle();
      await h.flush();
      sizes.push(statSync(file).size);
    }
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { outbox: unknown[]; deliveries: unknown[]; seen: unknown[]; backupSets: { events: unknown[] }[] };
    const lists = Object.fromEntries(Object.entries(doc).filter(([, v]) => Array.isArray(v)).map(([k, v]) => [k, (v as unknown[]).length]));
    process.stderr.write(`store file after each of ${BACKUPS} backups (bytes): ${sizes.join(', ')}; records: ${JSON.stringify(lists)}\n`);

    expect(doc.outbox).toEqual([]);
    expect(lists).toMatchObject({ backupSets: BACKUPS, tasks: BACKUPS, audit: 2 * BACKUPS });
    // Where each backup's progress message went, per chat surface that took it (terminal, Slack).
    expect(doc.deliveries.length).toBeLessThanOrEqual(2 * BACKUPS);
    // The confirm buttons used: remembered for a day, then forgotten.
    expect(doc.seen.length).toBeLessThanOrEqual(BACKUPS);
    for (const set of doc.backupSets) expect(set.events.length).toBeLessThanOrEqual(MAX_EVENTS);
    expect(sizes.at(-1)).toBeLessThan(BACKUPS * PER_BACKUP_BYTES);
    // Linear in the sets, nothing accumulating besides: the last five cost what the first five did.
    const firstHalf = (sizes[4] as number) - 0;
    const secondHalf = (sizes[9] as number) - (sizes[4] as number);
    expect(secondHalf).toBeLessThan(firstHalf * 1.2);
  }, 120_000);
});
