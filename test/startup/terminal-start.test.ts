// `npm start` with a configuration and the terminal chat: it greets as the configured terminal
// person (whose commands are not refused), and warns about an instance with nowhere to post.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dataDir = mkdtempSync(join(tmpdir(), 'backup-bot-terminal-start-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const SECRETS = { OSS_AK_HZ: 'ak', OSS_SK_HZ: 'sk', OSS_AK_SH: 'ak', OSS_SK_SH: 'sk', SR_PROD1_PASSWORD: 'p', SR_STAGING1_PASSWORD: 'p', SR_PRODSH_PASSWORD: 'p' };

describe('npm start with config.example.yml, piped', () => {
  it('greets as alice, answers her commands, and warns that prod-sh posts only to DingTalk', async () => {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!/^(SLACK_|DINGTALK_|BOT_|USER_NAME$)/.test(k)) env[k] = v;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...env, ...SECRETS, BACKUP_BOT_CONFIG: 'config.example.yml', BOT_DATA_DIR: dataDir, PORT: '0' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stdin.end('/whoami\n/backup list prod-1\n');
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^StarRocks backup bot \(.*config\.example\.yml\)\. You are alice \(Alice Chen\); \/as NAME switches user\./);
    expect(lines[1]).toMatch(/^⚠ prod-sh posts only to DingTalk, and DingTalk is not configured \(DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET\): its progress, completions and alerts reach no one\./);
    expect(stdout).toContain('You are alice (Alice Chen).');
    expect(stdout).toContain('No backup sets for prod-1');
    expect(stdout).not.toContain('not registered');
    const warnings = readFileSync(join(dataDir, 'bot.log'), 'utf8').split('\n').filter((l) => l.includes('"instanceId":"prod-sh"') && l.includes('"level":40') && l.includes('posts only to DingTalk'));
    expect(warnings).toHaveLength(1);
  });
});
