// A store file written before retention existed still reads: its backup sets come back without
// a keep or a blocked deletion, and the sweep can work on them.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLowdbStore, STORE_FILE_NAME } from '../../adapters/store/lowdb';
import { emptyDocument } from '../store/lowdb-files';
import { aFinishedSet } from '../domain/fixtures';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('a backup set written before retention', () => {
  it('reads with no keep and no blocked deletion, and takes them when written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'retention-old-'));
    dirs.push(dir);
    const { retentionHold: _hold, deletionBlocked: _blocked, ...old } = aFinishedSet();
    writeFileSync(join(dir, STORE_FILE_NAME), JSON.stringify({ ...emptyDocument(), backupSets: [old] }));
    const store = await openLowdbStore(dir);
    try {
      const set = await store.backupSets.get(old.id);
      expect(set).toMatchObject({ id: old.id, retentionHold: null, deletionBlocked: null });
      const kept = await store.backupSets.update(old.id, (s) => ({ ...s, retentionHold: { reason: 'last_good', restoreIds: [], since: '2026-12-01T00:00:00.000Z' } }));
      expect(kept.retentionHold?.reason).toBe('last_good');
      await expect(store.backupSets.update(old.id, (s) => ({ ...s, deletionBlocked: { reason: 'x', since: 'yesterday', retryAt: 'soon' } }))).rejects.toThrow(/deletionBlocked.since: expected an ISO-8601 time/);
    } finally {
      await store.close();
    }
  });
});
