import { describe, expect, it } from 'vitest';
import type { SimulatorDescription } from '../../sim/description';
import { sandboxConfig } from '../../src/config/sandbox';

const SIMS: SimulatorDescription = {
  mysql: { host: '127.0.0.1', port: 19030, user: 'root', password: '' },
  oss: {
    endpoint: 'http://127.0.0.1:19000',
    accessKeyId: 'sandbox-ak',
    accessKeySecret: 'sandbox-sk',
    buckets: { 'cn-hangzhou': 'sandbox-hz', 'cn-shanghai': 'sandbox-sh' },
  },
  instances: {
    'prod-1': { region: 'cn-hangzhou', mysqlPort: 19030 },
    'staging-1': { region: 'cn-hangzhou', mysqlPort: 19031 },
    'lake-1': { region: 'cn-hangzhou', mysqlPort: 19032 },
    'prod-sh': { region: 'cn-shanghai', mysqlPort: 19033 },
  },
};

describe('the sandbox configuration', () => {
  const config = sandboxConfig(SIMS);

  it('is marked as the sandbox', () => {
    expect(config.source).toBe('sandbox');
    expect(config.sandbox).toBe(true);
  });

  it('has the four instances of the spec, each at its simulated FE', () => {
    expect(config.instances.map((i) => [i.id, i.region, i.frontends])).toEqual([
      ['prod-1', 'cn-hangzhou', [{ host: '127.0.0.1', port: 19030 }]],
      ['staging-1', 'cn-hangzhou', [{ host: '127.0.0.1', port: 19031 }]],
      ['lake-1', 'cn-hangzhou', [{ host: '127.0.0.1', port: 19032 }]],
      ['prod-sh', 'cn-shanghai', [{ host: '127.0.0.1', port: 19033 }]],
    ]);
    for (const instance of config.instances) {
      expect(instance).toMatchObject({ user: 'root', password: '', timezone: 'Asia/Shanghai', selfApproval: false });
      expect(instance.channels).toEqual({ slack: ['C0OPS'], dingtalk: ['cidSandboxOps'], terminal: true });
    }
    expect(config.instances[0]?.peakHours).toEqual([
      { from: '09:00', to: '12:00' },
      { from: '14:00', to: '18:00' },
    ]);
    expect(config.instances[0]?.repository).toBe('bot_prod_1');
  });

  it('has the regions of the OSS simulator', () => {
    expect(config.regions['cn-hangzhou']).toMatchObject({
      bucket: 'sandbox-hz',
      endpoint: 'http://127.0.0.1:19000',
      starrocksEndpoint: '127.0.0.1:19000',
      accessKeyId: 'sandbox-ak',
      accessKeySecret: 'sandbox-sk',
    });
    expect(config.regions['cn-shanghai']?.bucket).toBe('sandbox-sh');
  });

  it('makes everyone an operator, admin1 and admin2 admins and viewer1 a viewer', () => {
    expect(config.defaultRole).toBe('operator');
    const byId = Object.fromEntries(config.people.map((p) => [p.id, p]));
    expect(byId.admin1).toMatchObject({ slack: ['U0ADMIN1'], dingtalk: ['admin1'], terminal: ['admin1'], roles: { '*': 'admin' } });
    expect(byId.admin2).toMatchObject({ slack: ['U0ADMIN2'], dingtalk: ['admin2'], terminal: ['admin2'], roles: { '*': 'admin' } });
    expect(byId.viewer1).toMatchObject({ slack: ['U0VIEWER1'], terminal: ['viewer1'], roles: { '*': 'viewer' } });
  });

  it('follows a simulator with fewer or more instances', () => {
    const small = sandboxConfig({ ...SIMS, instances: { 'prod-1': { region: 'cn-hangzhou', mysqlPort: 1 }, extra: { region: 'cn-hangzhou', mysqlPort: 2 } } });
    expect(small.instances.map((i) => i.id)).toEqual(['prod-1', 'extra']);
  });
});
