// A stock `mariadb` command-line client (Debian's /usr/bin/mariadb) against the simulator.
// Skipped with a message when the binary is missing, except under CI=true.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instance, PASSWORD, SALES, startFixture, USER, type Fixture } from './helpers';

const run = promisify(execFile);
const BINARY = '/usr/bin/mariadb';
const present = existsSync(BINARY);
const mustRun = process.env.CI === 'true';
if (!present && !mustRun) console.warn(`${BINARY} not found: skipping the stock-client test of the StarRocks simulator`);

describe.skipIf(!present && !mustRun)('the mariadb CLI against the simulator', () => {
  let fx: Fixture;
  beforeAll(async () => {
    if (!present) throw new Error(`CI=true but ${BINARY} is missing`);
    fx = await startFixture([instance({ id: 'prod', databases: [SALES] })]);
    const c = fx.client('prod');
    await c.ensureRepository(fx.repo('repo1'));
    await c.submitBackup({ database: 'sales', snapshotName: 'snap_cli', repository: 'repo1', tables: ['orders'], timeoutSeconds: 3600 });
    await fx.sr.instance('prod').advance(6);
  });
  afterAll(() => fx?.close());

  const mariadb = async (sql: string, extra: string[] = []) => {
    const args = ['-h', '127.0.0.1', '-P', String(fx.sr.ports.prod), '-u', USER, `-p${PASSWORD}`, ...extra, '-e', sql];
    return (await run(BINARY, args, { timeout: 10_000 })).stdout;
  };

  it('connects and prints SHOW BACKUP FROM <db> and SHOW SNAPSHOT ON <repo>', async () => {
    const backup = (await mariadb('SHOW BACKUP FROM sales', ['--batch'])).trimEnd().split('\n');
    expect(backup[0]?.split('\t')).toEqual(['JobId', 'SnapshotName', 'DbName', 'State', 'BackupObjs', 'CreateTime', 'SnapshotFinishedTime', 'UploadFinishedTime', 'FinishedTime', 'UnfinishedTasks', 'Progress', 'TaskErrMsg', 'Status', 'Timeout']);
    const cells = backup[1]?.split('\t') ?? [];
    expect(cells.slice(1, 5)).toEqual(['snap_cli', 'sales', 'FINISHED', '[sales.orders]']);
    expect(cells[12]).toBe('[OK]');

    const snapshot = await mariadb('SHOW SNAPSHOT ON repo1', ['--table']);
    expect(snapshot).toMatch(/\| Snapshot\s+\| Timestamp\s+\| Status \|/);
    expect(snapshot).toMatch(/\| snap_cli\s+\| 2024-12-09-10-25-58-842 \| OK\s+\|/);
  });

  it('answers the interactive start-up queries and shows StarRocks errors', async () => {
    expect(await mariadb('select @@version_comment limit 1; SELECT DATABASE(); SELECT current_version()', ['--batch', '--skip-column-names'])).toBe('StarRocks version 3.3.5\nNULL\n3.3.5 6f1e4c2\n');
    await expect(mariadb('SHOW SNAPSHOT ON nope')).rejects.toMatchObject({ stderr: expect.stringContaining('ERROR 1064 (HY000) at line 1: Getting analyzing error. Detail message: Repository [nope] does not exist.') });
    await expect(run(BINARY, ['-h', '127.0.0.1', '-P', String(fx.sr.ports.prod), '-u', USER, '-pwrong', '-e', 'select 1'])).rejects.toMatchObject({ stderr: expect.stringContaining('ERROR 1045 (28000)') });
  });
});
