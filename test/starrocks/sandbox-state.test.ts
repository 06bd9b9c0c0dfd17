// The sandbox's simulators keep their state under the bot's data folder (SPEC section 4): a
// sandbox stopped in the middle of a backup finds the same job and objects when it starts
// again, and the job goes on by itself to the end, as a real FE and OSS would.

import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mysqlStarRocksConnector } from '../../adapters/starrocks';
import type { StarRocksClient } from '../../src/ports';
import { sandboxStateDir, startSandboxSimulators, type Sandbox } from '../../sim/sandbox';
import { waitFor } from './helpers';

const dataDir = mkdtempSync(join(tmpdir(), 'backup-bot-sandbox-state-'));
const opened: { sandbox: Sandbox; client: StarRocksClient }[] = [];
afterAll(async () => {
  for (const { sandbox, client } of opened) {
    await client.close();
    await sandbox.close();
  }
  rmSync(dataDir, { recursive: true, force: true });
});

/** A sandbox on `dir` whose jobs move only when the test says (stepMs 0), and a client of prod-sh. */
async function open(dir: string): Promise<{ sandbox: Sandbox; client: StarRocksClient }> {
  const sandbox = await startSandboxSimulators({ stepMs: 0, dataDir: dir });
  const d = sandbox.description;
  const client = mysqlStarRocksConnector.connect({ instanceId: 'prod-sh', frontends: [{ host: d.mysql.host, port: d.instances['prod-sh']?.mysqlPort ?? 0 }], user: d.mysql.user, password: d.mysql.password });
  const both = { sandbox, client };
  opened.push(both);
  return both;
}

async function stop(both: { sandbox: Sandbox; client: StarRocksClient }): Promise<void> {
  opened.splice(opened.indexOf(both), 1);
  await both.client.close();
  await both.sandbox.close();
}

const PREFIX = 'starrocks/prod-sh/__starrocks_repository_bot_prod_sh/__ss_demo_1/';

describe('a sandbox stopped mid-backup and started again', () => {
  it('finds the same job and objects; the job finishes on its own ticks', async () => {
    const first = await open(dataDir);
    const d = first.sandbox.description;
    await first.client.ensureRepository({ name: 'bot_prod_sh', location: 'oss://sandbox-backups-sh/starrocks/prod-sh', endpoint: d.oss.endpoint, accessKeyId: d.oss.accessKeyId, accessKeySecret: d.oss.accessKeySecret, readOnly: false });
    await first.client.submitBackup({ database: 'finance', snapshotName: 'demo_1', repository: 'bot_prod_sh', tables: ['ledger', 'accounts'], timeoutSeconds: 3600 });
    // PENDING → SNAPSHOTING → UPLOAD_SNAPSHOT → UPLOADING (data files on OSS) → SAVE_META.
    await first.sandbox.starrocks.instance('prod-sh').advance(4);
    expect((await first.client.findBackupJob('finance', 'demo_1'))?.state).toBe('SAVE_META');
    const uploaded = first.sandbox.oss.listKeys('sandbox-backups-sh', PREFIX);
    expect(uploaded.length).toBeGreaterThan(10);
    const firstJobId = (await first.client.findBackupJob('finance', 'demo_1'))?.jobId;
    await stop(first);

    const second = await open(dataDir);
    expect(second.sandbox.description.oss.endpoint).not.toBe(d.oss.endpoint);
    const resumed = await second.client.findBackupJob('finance', 'demo_1');
    expect(resumed?.state).toBe('SAVE_META');
    expect(resumed?.jobId).not.toBe(firstJobId);
    expect(second.sandbox.oss.listKeys('sandbox-backups-sh', PREFIX)).toEqual(uploaded);
    // No one submits anything: the FE's own ticks take the job to the end.
    second.sandbox.starrocks.instance('prod-sh').startTicker(5);
    const done = await waitFor(async () => {
      const job = await second.client.findBackupJob('finance', 'demo_1');
      return job?.state === 'FINISHED' ? job : undefined;
    });
    expect(done.status).toBe('[OK]');
    const snapshot = await second.client.showSnapshot('bot_prod_sh', 'demo_1');
    expect(snapshot.status).toBe('OK');
    expect(second.sandbox.starrocks.instance('prod-sh').backupSubmissions.get('demo_1')).toBe(1);
    await stop(second);

    // A third start still knows the finished job, the repository and every object.
    const third = await open(dataDir);
    expect((await third.client.findBackupJob('finance', 'demo_1'))?.state).toBe('FINISHED');
    expect((await third.client.showSnapshot('bot_prod_sh', 'demo_1')).timestamps).toEqual(snapshot.timestamps);
    expect(await third.client.ensureRepository({ name: 'bot_prod_sh', location: 'oss://sandbox-backups-sh/starrocks/prod-sh', endpoint: third.sandbox.description.oss.endpoint, accessKeyId: d.oss.accessKeyId, accessKeySecret: d.oss.accessKeySecret, readOnly: false })).toBe('exists');
    await stop(third);
    expect(readdirSync(sandboxStateDir(dataDir)).sort()).toEqual(['oss', 'starrocks']);
  });

  it('a state file that cannot be read stops the sandbox with its name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backup-bot-sandbox-bad-'));
    try {
      const sandbox = await startSandboxSimulators({ stepMs: 0, dataDir: dir });
      await sandbox.close();
      const file = join(sandboxStateDir(dir), 'starrocks', 'prod-1.json');
      writeFileSync(file, '{"version": 1, "instance": "prod-1"');
      await expect(startSandboxSimulators({ stepMs: 0, dataDir: dir })).rejects.toThrow(`${file} is not valid JSON`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
