// A configuration problem stops `npm start` with the problem list and a non-zero status: no
// stack trace, and nothing started first (no simulator, no store, no log file).

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'backup-bot-start-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The environment of a shell with none of the bot's variables set. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(SLACK_|DINGTALK_|BOT_|BACKUP_BOT_|OSS_|SR_|USER_NAME$|PORT$)/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

async function start(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

const leftBehind = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);

describe('npm start with a configuration problem', () => {
  it('config.example.yml without its variables: the problem list only, status 1', async () => {
    const dataDir = join(root, 'example');
    const { code, stdout, stderr } = await start({ BACKUP_BOT_CONFIG: 'config.example.yml', BOT_DATA_DIR: dataDir });
    expect(code).toBe(1);
    expect(stderr).toContain('The bot cannot start: the configuration is not valid.');
    expect(stderr).toContain('  - instances[0].passwordEnv: environment variable SR_PROD1_PASSWORD is not set');
    expect(stderr).not.toMatch(/sonic boom|\n\s+at /);
    expect(stdout).toBe('');
    expect(leftBehind(dataDir)).toEqual([]);
  });

  it('a BOT_STORE_URL that is not a mysql:// URL: refused before any simulator starts, status 1, no password shown', async () => {
    const dataDir = join(root, 'store-url');
    const { code, stderr } = await start({ BOT_STORE_URL: 'postgres://bot:hunter2@db/backupbot', BACKUP_BOT_CONFIG: join(root, 'no-such.yml'), BOT_DATA_DIR: dataDir });
    expect(code).toBe(1);
    expect(stderr).toContain('BOT_STORE_URL: the scheme must be mysql:, got "postgres:"; expected mysql://USER@HOST:PORT/DATABASE');
    expect(stderr).not.toContain('hunter2');
    expect(stderr).not.toMatch(/sonic boom|\n\s+at /);
    expect(leftBehind(dataDir)).toEqual([]);
  });
});
