import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFileExists, loadConfig, parseConfig } from '../../src/config/load';
import { captureError, ENV, parse, problemsOf, problemsOfText, validData } from './fixtures';

const EXAMPLE_ENV: NodeJS.ProcessEnv = {
  OSS_AK_HZ: 'a1',
  OSS_SK_HZ: 's1',
  OSS_AK_SH: 'a2',
  OSS_SK_SH: 's2',
  SR_PROD1_PASSWORD: 'p1',
  SR_STAGING1_PASSWORD: 'p2',
  SR_PRODSH_PASSWORD: 'p3',
};

describe('config.example.yml', () => {
  it('loads with the environment variables it names', () => {
    const config = loadConfig('config.example.yml', EXAMPLE_ENV);
    expect(config.source).toBe('config.example.yml');
    expect(config.sandbox).toBe(false);
    expect(config.instances.map((i) => i.id)).toEqual(['prod-1', 'staging-1', 'prod-sh']);
    const prod = config.instances[0];
    expect(prod?.frontends).toEqual([
      { host: '10.0.0.1', port: 9030 },
      { host: '10.0.0.2', port: 9030 },
    ]);
    expect(prod?.peakHours).toEqual([
      { from: '09:00', to: '12:00' },
      { from: '14:00', to: '18:00' },
    ]);
    expect(prod?.password).toBe('p1');
    expect(prod?.repository).toBe('bot_prod_1');
    expect(config.regions['cn-hangzhou']?.accessKeySecret).toBe('s1');
    expect(config.regions['cn-shanghai']?.starrocksEndpoint).toBe('oss-cn-shanghai-internal.aliyuncs.com');
    expect(config.people.find((p) => p.id === 'bob')?.dingtalk).toEqual(['01234567']);
    expect(config.defaultRole).toBeNull();
  });

  it('names every missing environment variable, never a value', () => {
    const error = captureError(() => loadConfig('config.example.yml', { ...EXAMPLE_ENV, OSS_SK_HZ: undefined, SR_PRODSH_PASSWORD: undefined }));
    expect(error.problems).toEqual([
      'regions.cn-hangzhou.accessKeySecretEnv: environment variable OSS_SK_HZ is not set',
      'instances[2].passwordEnv: environment variable SR_PRODSH_PASSWORD is not set',
    ]);
    expect(error.message).not.toContain('a1');
  });
});

describe('defaults', () => {
  it('fills what the example calls optional', () => {
    const config = parse(validData());
    const staging = config.instances[1];
    expect(staging).toMatchObject({
      displayName: 'staging-1',
      feTimezone: null,
      peakHours: [],
      selfApproval: false,
      repository: 'bot_staging_1',
      channels: { slack: [], dingtalk: [], terminal: true },
    });
    expect(config.regions['cn-hangzhou']).toMatchObject({
      id: 'cn-hangzhou',
      starrocksEndpoint: 'oss-cn-hangzhou-internal.aliyuncs.com',
      pathPrefix: 'starrocks-backups',
      accessKeyId: 'ak-hz-value',
      accessKeyIdEnv: 'OSS_AK_HZ',
    });
    expect(config.people[0]).toEqual({
      id: 'alice',
      displayName: 'alice',
      slack: ['U012ABC'],
      dingtalk: [],
      terminal: ['alice'],
      roles: { '*': 'operator', 'prod-1': 'admin' },
    });
    expect(config.defaultRole).toBeNull();
    expect(config.approvals).toEqual({ ttlHours: 24 });
    expect(config.expiryWarningHours).toBe(24);
    expect(config.scheduler).toEqual({ jitterSeconds: 30, concurrency: 4, databaseConcurrency: 2, invisibleJobLimitMinutes: 60, outageNoticeMinutes: 5 });
  });

  it('an empty password is allowed, an empty access key is not', () => {
    expect(parse(validData(), { ...ENV, SR_PROD1_PASSWORD: '' }).instances[0]?.password).toBe('');
    expect(problemsOf(validData(), { ...ENV, OSS_AK_HZ: '' })).toEqual([
      'regions.cn-hangzhou.accessKeyIdEnv: environment variable OSS_AK_HZ is empty',
    ]);
  });

  it('normalises what has one obvious meaning', () => {
    const data = validData();
    Object.assign(data.regions['cn-hangzhou'] ?? {}, { pathPrefix: '/backups/sr/', endpoint: 'https://oss-cn-hangzhou.aliyuncs.com/' });
    Object.assign(data.instances[0] ?? {}, { timezone: 'asia/shanghai', peakHours: ['22:00-24:00', '23:00 - 02:00'], frontends: ['[::1]:9030'] });
    const config = parse(data);
    expect(config.regions['cn-hangzhou']).toMatchObject({ pathPrefix: 'backups/sr', endpoint: 'https://oss-cn-hangzhou.aliyuncs.com' });
    expect(config.instances[0]).toMatchObject({
      timezone: 'Asia/Shanghai',
      peakHours: [
        { from: '22:00', to: '00:00' },
        { from: '23:00', to: '02:00' },
      ],
      frontends: [{ host: '::1', port: 9030 }],
    });
  });
});

describe('the file', () => {
  it('a missing file names its path', () => {
    const error = captureError(() => loadConfig('/nowhere/config.yml', ENV));
    expect(error.problems).toEqual(['configuration file /nowhere/config.yml does not exist']);
    expect(error.source).toBe('/nowhere/config.yml');
  });

  it('configFileExists tells files from directories and nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bot-config-'));
    const file = join(dir, 'config.yml');
    writeFileSync(file, 'x: 1\n');
    mkdirSync(join(dir, 'sub'));
    expect(configFileExists(file)).toBe(true);
    expect(configFileExists(join(dir, 'sub'))).toBe(false);
    expect(configFileExists(join(dir, 'none.yml'))).toBe(false);
    expect(captureError(() => loadConfig(join(dir, 'sub'), ENV)).problems[0]).toContain('is a directory');
  });

  it('a YAML syntax error has its line and column', () => {
    expect(problemsOfText('regions: {}\ninstances:\n  - id: prod-1: x\n')).toEqual([
      expect.stringMatching(/^line 3, column \d+: \S/),
    ]);
    expect(problemsOfText('regions: {}\nregions: {}\n')).toEqual(['line 2, column 1: Map keys must be unique']);
  });

  it('an empty file or a file that is not a mapping', () => {
    expect(problemsOfText('')).toEqual(['(top level): the file is empty; it needs at least regions and instances']);
    expect(problemsOfText('- a\n- b\n')).toEqual(['(top level): expected a mapping with regions, instances, people, ...']);
    expect(problemsOfText('just text')).toEqual(['(top level): expected a mapping with regions, instances, people, ...']);
  });

  it('the ConfigError message lists every problem under the source', () => {
    const error = captureError(() => parseConfig('regions: {}\ninstances: []\n', 'my.yml', ENV));
    expect(error.message).toBe('my.yml: 2 problems\n  - regions: needs at least one region\n  - instances: needs at least one instance');
  });
});
