// Faults the other suites do not cover: OSS failing or slow while a finished backup is sized, the
// FE dropping connections while SHOW BACKUP is polled, a StarRocks job that fails. Each scenario
// ends by checking the three sources of truth: the store, the simulated cluster and OSS.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAliOssConnector } from '../../adapters/oss';
import { startSandboxSimulators } from '../../sim/sandbox';
import type { BackupSet } from '../../src/domain/types';
import type { BotConfig } from '../../src/config/types';
import { endedSet, startBackup } from '../support/backups';
import { startHarness, type Harness, type HarnessOptions } from '../support/harness';
import { waitFor } from '../support/wait';

type Sandbox = Awaited<ReturnType<typeof startSandboxSimulators>>;
let sims: Sandbox;
let h: Harness;
const BUCKET = 'sandbox-backups-hz';
const ROOT = 'starrocks-backups/__starrocks_repository_bot_prod_1';

beforeAll(async () => {
  sims = await startSandboxSimulators({ stepMs: 15 });
});
afterAll(async () => {
  await sims.close();
});
afterEach(async () => {
  prod().faults.clear();
  sims.oss.faults.reset();
  await h?.close();
});

const prod = () => sims.starrocks.instance('prod-1');
const allAtOnce = (c: BotConfig): BotConfig => ({ ...c, scheduler: { ...c.scheduler, databaseConcurrency: 8 } });
const lookedAgain = () => h.log.filter((r) => r.message === 'could not read the backup job; will look again');

async function start(options: Partial<HarnessOptions> = {}): Promise<Harness> {
  h = await startHarness({ sims: sims.description, config: allAtOnce, ...options });
  return h;
}

/** What OSS holds under a snapshot directory: object count and bytes. */
function onOss(snapshotName: string): { objects: number; bytes: number } {
  const keys = sims.oss.listKeys(BUCKET, `${ROOT}/__ss_${snapshotName}/`);
  return { objects: keys.length, bytes: keys.reduce((n, k) => n + (sims.oss.getObject(BUCKET, k)?.length ?? 0), 0) };
}

/** The store agrees with OSS on every finished database, and the cluster got one BACKUP each. */
function expectConsistent(set: BackupSet): void {
  for (const db of set.databases) {
    expect(prod().backupSubmissions.get(db.snapshotName), `BACKUP statements for ${db.database}`).toBe(1);
    if (db.state === 'FINISHED') {
      const oss = onOss(db.snapshotName);
      expect(oss.objects).toBeGreaterThan(0);
      expect({ objects: db.objectCount, bytes: db.sizeBytes }, `${db.database}'s size`).toEqual(oss);
    }
  }
  const ok = set.databases.filter((d) => d.state === 'FINISHED');
  expect(set.sizeBytes).toBe(ok.reduce((n, d) => n + (d.sizeBytes ?? 0), 0));
  expect(set.objectCount).toBe(ok.reduce((n, d) => n + (d.objectCount ?? 0), 0));
}

/** Holds `sales` at its last state, lets the others finish, arms `arm`, then releases it. */
async function faultWhileSizingSales(arm: () => void): Promise<BackupSet> {
  prod().faults.hold('sales', 'UPLOAD_INFO');
  const id = await startBackup(h, 'prod-1');
  await waitFor(async () => {
    const set = await h.store.backupSets.get(id);
    return set && set.databases.length > 0 && set.databases.every((d) => d.database === 'sales' ? d.jobState === 'UPLOAD_INFO' : d.state === 'FINISHED');
  }, 'every database but sales to finish');
  arm();
  prod().faults.release('sales');
  return endedSet(h, id);
}

describe('OSS failing while a finished backup is sized', () => {
  it('with 503 and 500 bursts beyond the adapter retries: the set finishes, sized as OSS lists it', async () => {
    await start({ oss: createAliOssConnector({ retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } }) });
    const set = await faultWhileSizingSales(() => {
      sims.oss.faults.failNext(3, { status: 503, onlyMethod: 'GET' });
      sims.oss.faults.failNext(3, { status: 500, onlyMethod: 'GET' });
    });
    expect(set.state).toBe('FINISHED');
    expect(set.databases.every((d) => d.state === 'FINISHED')).toBe(true);
    expectConsistent(set);
    // Each failed step was logged and the next one looked again; nothing was announced as lost.
    expect(lookedAgain().some((r) => /OSS: /.test(String((r.fields as { err?: unknown }).err)))).toBe(true);
    expect(set.outage).toBeNull();
    await h.flush();
    expect(h.channel.texts().join('\n')).not.toMatch(/partially failed|FAILED|does not answer|has not answered/);
    expect((await h.store.audit.list({ instanceId: 'prod-1' })).filter((a) => a.action === 'backup.finish' && a.subject === set.id)).toHaveLength(1);
  });

  it('answering slower than the request timeout: sized once OSS answers in time', async () => {
    await start({ oss: createAliOssConnector({ timeoutMs: 300, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } }) });
    const set = await faultWhileSizingSales(() => sims.oss.faults.delayNext(3, 1_000, 'GET'));
    expect(set.state).toBe('FINISHED');
    expectConsistent(set);
    expect(lookedAgain().length).toBeGreaterThan(0);
  });
});

describe('the FE dropping connections while SHOW BACKUP is polled', () => {
  it('is followed through: one BACKUP per database, the set finishes, no outage said', async () => {
    await start({ config: (c) => allAtOnce({ ...c, scheduler: { ...c.scheduler, outageNoticeMinutes: 60 } }) });
    prod().faults.hold('sales', 'UPLOADING');
    const id = await startBackup(h, 'prod-1');
    await waitFor(async () => (await h.store.backupSets.get(id))?.databases.find((d) => d.database === 'sales')?.jobState === 'UPLOADING', 'sales to upload');
    for (let i = 0; i < 4; i++) prod().faults.dropConnectionOn(/^SHOW BACKUP/i);
    await waitFor(() => prod().faults.armedDrops === 0, 'every armed drop to fire');
    prod().faults.release('sales');
    const set = await endedSet(h, id);
    expect(set.state).toBe('FINISHED');
    expectConsistent(set);
    expect(set.outage).toBeNull();
    await h.flush();
    expect(h.channel.texts().join('\n')).not.toMatch(/does not answer|has not answered|FAILED/);
  });
});

describe('a StarRocks job that fails (CANCELLED with a message)', () => {
  it("ends the set PARTIAL, names StarRocks' text once, cleans the failed snapshot off OSS; a restart says nothing more", async () => {
    const text = 'upload failed: OSS returned 403 AccessDenied for part 7 (injected)';
    await start();
    prod().faults.failNextBackup('web', text);
    const id = await startBackup(h, 'prod-1');
    const set = await endedSet(h, id);
    expect(set.state).toBe('PARTIAL');
    const web = set.databases.find((d) => d.database === 'web');
    expect(web).toMatchObject({ state: 'FAILED', jobState: 'CANCELLED' });
    expect(web?.error).toContain(text);
    expect(onOss(web?.snapshotName ?? '').objects).toBe(0);
    expectConsistent(set);
    expect((await h.store.audit.list({ instanceId: 'prod-1' })).find((a) => a.action === 'backup.finish' && a.subject === id)?.after).toMatchObject({ state: 'PARTIAL' });

    await h.settle();
    await h.flush();
    const alerts = h.channel.messages.filter((m) => m.versions.some((v) => v.title === 'Backup partially failed: prod-1'));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.versions).toHaveLength(1);
    expect(alerts[0]?.versions[0]?.text).toContain(`web: ${web?.error ?? ''}`);
    const summary = h.channel.find(new RegExp(`${id}\\* of \\*prod-1\\* finished PARTIALLY`));
    expect(summary).toBeDefined();
    expect(h.channel.messages.filter((m) => m.versions.some((v) => v.text.includes(text)))).toHaveLength(2); // the alert and the summary

    const dataDir = h.dataDir;
    await h.close({ keepData: true });
    h = await startHarness({ sims: sims.description, dataDir });
    await h.settle();
    await h.flush();
    expect(h.channel.texts().join('\n')).not.toContain(text);
    expect((await h.store.backupSets.get(id))?.state).toBe('PARTIAL');
  });
});
