// A small valid configuration to break one rule at a time.

import { stringify } from 'yaml';
import { ConfigError } from '../../src/domain/errors';
import { parseConfig } from '../../src/config/load';

export const ENV: NodeJS.ProcessEnv = {
  OSS_AK_HZ: 'ak-hz-value',
  OSS_SK_HZ: 'sk-hz-super-secret-value',
  SR_PROD1_PASSWORD: 'pw-prod-1-secret',
  SR_STAGING1_PASSWORD: 'pw-staging-1-secret',
};

export type Data = Record<string, unknown> & {
  regions: Record<string, Record<string, unknown>>;
  instances: Record<string, unknown>[];
  people: Record<string, unknown>[];
};

export function validData(): Data {
  return {
    regions: {
      'cn-hangzhou': {
        bucket: 'my-backups',
        endpoint: 'https://oss-cn-hangzhou-internal.aliyuncs.com',
        accessKeyIdEnv: 'OSS_AK_HZ',
        accessKeySecretEnv: 'OSS_SK_HZ',
      },
    },
    instances: [
      {
        id: 'prod-1',
        region: 'cn-hangzhou',
        frontends: ['10.0.0.1:9030'],
        user: 'backup_bot',
        passwordEnv: 'SR_PROD1_PASSWORD',
        timezone: 'Asia/Shanghai',
        channels: { slack: ['C0123ABC'] },
      },
      {
        id: 'staging-1',
        region: 'cn-hangzhou',
        frontends: ['10.0.1.1:9030'],
        user: 'backup_bot',
        passwordEnv: 'SR_STAGING1_PASSWORD',
        timezone: 'Asia/Shanghai',
        channels: { terminal: true },
      },
    ],
    people: [
      { name: 'alice', slack: 'U012ABC', terminal: 'alice', roles: { '*': 'operator', 'prod-1': 'admin' } },
      { name: 'bob', slack: ['U045DEF'], dingtalk: 'manager4220', roles: { '*': 'admin' } },
    ],
  };
}

export function parse(data: unknown, env: NodeJS.ProcessEnv = ENV) {
  return parseConfig(stringify(data), 'test.yml', env);
}

/** The problems a configuration has; fails when it loads. */
export function problemsOf(data: unknown, env: NodeJS.ProcessEnv = ENV): string[] {
  return problemsOfText(stringify(data), env);
}

export function problemsOfText(text: string, env: NodeJS.ProcessEnv = ENV): string[] {
  try {
    parseConfig(text, 'test.yml', env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError, but the configuration loaded');
}

export function captureError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
