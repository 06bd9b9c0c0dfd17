// One rule at a time: a valid configuration with one thing broken, and the exact problem.

import { describe, expect, it } from 'vitest';
import { ENV, problemsOf, validData, type Data } from './fixtures';

function broken(change: (d: Data) => void, env: NodeJS.ProcessEnv = ENV): string[] {
  const data = validData();
  change(data);
  return problemsOf(data, env);
}

const prod = (d: Data) => d.instances[0] as Record<string, unknown>;
const alice = (d: Data) => d.people[0] as Record<string, unknown>;
const hz = (d: Data) => d.regions['cn-hangzhou'] as Record<string, unknown>;

describe('unknown keys', () => {
  it('names a typo and the key it resembles, without a separate "is required"', () => {
    expect(
      broken((d) => {
        prod(d).timezon = prod(d).timezone;
        delete prod(d).timezone;
      }),
    ).toEqual(['instances[0]: unknown key "timezon" (did you mean "timezone"?)']);
  });

  it('at every level', () => {
    expect(broken((d) => Object.assign(d, { schedular: {} }))).toEqual(['(top level): unknown key "schedular" (did you mean "scheduler"?)']);
    expect(broken((d) => Object.assign(d, { scheduler: { jitter: 3 } }))).toEqual([
      'scheduler: unknown key "jitter" (known keys: jitterSeconds, concurrency, databaseConcurrency, invisibleJobLimitMinutes, outageNoticeMinutes)',
    ]);
    expect(broken((d) => Object.assign(prod(d), { channels: { slak: ['C1'], terminal: true } }))).toEqual([
      'instances[0].channels: unknown key "slak" (did you mean "slack"?)',
    ]);
    expect(broken((d) => Object.assign(alice(d), { role: {} }))).toEqual(['people[0]: unknown key "role" (did you mean "roles"?)']);
  });

  it('a secret written into the file is refused without echoing it', () => {
    const problems = broken((d) => Object.assign(hz(d), { accessKeySecret: 'REAL-SECRET-1234' }));
    expect(problems).toEqual([
      'regions.cn-hangzhou: unknown key "accessKeySecret": secrets come only from environment variables; set accessKeySecretEnv to the variable\'s name',
    ]);
    const password = broken((d) => Object.assign(prod(d), { password: 'hunter2' }));
    expect(password).toEqual([
      'instances[0]: unknown key "password": secrets come only from environment variables; set passwordEnv to the variable\'s name',
    ]);
    expect(password.join()).not.toContain('hunter2');
  });

  it('a secret put where its variable name belongs is not echoed', () => {
    const problems = broken((d) => Object.assign(hz(d), { accessKeySecretEnv: 'aB3dEfGhIjKlMnOpQrStUvWxYz1234' }));
    expect(problems).toEqual([
      'regions.cn-hangzhou.accessKeySecretEnv: must be the name of an environment variable (A-Z, 0-9 and _, e.g. OSS_SK_HZ), not the secret itself',
    ]);
  });
});

describe('regions', () => {
  it('a missing secret names its variable', () => {
    expect(broken(() => undefined, { ...ENV, OSS_SK_HZ: undefined })).toEqual([
      'regions.cn-hangzhou.accessKeySecretEnv: environment variable OSS_SK_HZ is not set',
    ]);
  });

  it('an endpoint of another region is refused', () => {
    expect(broken((d) => Object.assign(hz(d), { endpoint: 'https://oss-cn-shanghai.aliyuncs.com' }))).toEqual([
      'regions.cn-hangzhou.endpoint: endpoint is in region cn-shanghai, not cn-hangzhou: backups never cross regions',
    ]);
  });

  it('endpoint, bucket, path prefix and region id shapes', () => {
    expect(broken((d) => Object.assign(hz(d), { endpoint: 'oss-cn-hangzhou.aliyuncs.com' }))).toEqual([
      'regions.cn-hangzhou.endpoint: expected an OSS endpoint URL with http:// or https://, got "oss-cn-hangzhou.aliyuncs.com"',
    ]);
    expect(broken((d) => Object.assign(hz(d), { endpoint: 'https://ak:sk@oss-cn-hangzhou.aliyuncs.com' }))).toEqual([
      'regions.cn-hangzhou.endpoint: must not contain credentials: they come from accessKeyIdEnv and accessKeySecretEnv',
    ]);
    expect(broken((d) => Object.assign(hz(d), { bucket: 'My_Bucket' }))).toEqual([
      'regions.cn-hangzhou.bucket: expected an OSS bucket name (3-63 lowercase letters, digits, hyphens), got "My_Bucket"',
    ]);
    expect(broken((d) => Object.assign(hz(d), { pathPrefix: '../../etc' }))).toEqual([
      'regions.cn-hangzhou.pathPrefix: expected a key prefix like starrocks-backups (letters, digits, . _ - and /), got "../../etc"',
    ]);
    expect(
      broken((d) => {
        d.regions.Hangzhou = { ...hz(d) };
      }),
    ).toEqual(['regions.Hangzhou: region id must look like cn-hangzhou, got "Hangzhou"']);
  });
});

describe('instances', () => {
  it('a region reference must exist', () => {
    expect(broken((d) => Object.assign(prod(d), { region: 'cn-hangzou' }))).toEqual([
      'instances[0].region: no region "cn-hangzou" (did you mean "cn-hangzhou"?)',
    ]);
    expect(broken((d) => Object.assign(prod(d), { region: 'us-west-1' }))).toEqual([
      'instances[0].region: no region "us-west-1" (known: cn-hangzhou)',
    ]);
  });

  it('ids are valid and unique', () => {
    expect(broken((d) => Object.assign(prod(d), { id: 'Prod_1' }))).toEqual([
      'instances[0].id: expected an instance id (lowercase letters, digits and single hyphens, starting with a letter, at most 63 characters), got "Prod_1"',
      'people[0].roles.prod-1: no instance "prod-1" (did you mean "Prod_1"?)',
    ]);
    expect(broken((d) => Object.assign(d.instances[1] ?? {}, { id: 'prod-1' }))).toEqual([
      'instances[1].id: "prod-1" is already the id of instances[0]; instance ids must be unique',
    ]);
  });

  it('repository names are valid and unique', () => {
    expect(broken((d) => Object.assign(d.instances[1] ?? {}, { repository: 'bot_prod_1' }))).toEqual([
      'instances[1].repository: repository bot_prod_1 is already used by instances[0] (prod-1); each instance needs its own',
    ]);
    expect(broken((d) => Object.assign(prod(d), { repository: '1repo' }))).toEqual([
      'instances[0].repository: expected a repository name (a letter, then letters, digits and _), got "1repo"',
    ]);
  });

  it('frontends parse as host:port with a port 1..65535', () => {
    expect(broken((d) => Object.assign(prod(d), { frontends: ['10.0.0.1:0', 'fe:65536', 'fe', 'fe:9030'] }))).toEqual([
      'instances[0].frontends[0]: expected host:port with a port from 1 to 65535, got "10.0.0.1:0"',
      'instances[0].frontends[1]: expected host:port with a port from 1 to 65535, got "fe:65536"',
      'instances[0].frontends[2]: expected host:port with a port from 1 to 65535, got "fe"',
    ]);
    expect(broken((d) => Object.assign(prod(d), { frontends: [] }))).toEqual(['instances[0].frontends: needs at least one FE address host:port']);
  });

  it('time zones are IANA names', () => {
    expect(broken((d) => Object.assign(prod(d), { timezone: 'Asia/Shangai' }))).toEqual([
      'instances[0].timezone: unknown time zone "Asia/Shangai" (expected an IANA name like Asia/Shanghai)',
    ]);
    expect(broken((d) => Object.assign(prod(d), { feTimezone: '+25:00' }))).toEqual([
      'instances[0].feTimezone: unknown time zone "+25:00" (expected an IANA name like Asia/Shanghai or an offset like +08:00)',
    ]);
  });

  it('peak windows are HH:mm-HH:mm', () => {
    expect(broken((d) => Object.assign(prod(d), { peakHours: ['9-12', '25:00-26:00', '10:00-10:00'] }))).toEqual([
      'instances[0].peakHours[0]: expected a window HH:mm-HH:mm (24-hour), got "9-12"',
      'instances[0].peakHours[1]: expected a window HH:mm-HH:mm (24-hour), got "25:00-26:00"',
      'instances[0].peakHours[2]: a window must not start and end at the same time, got "10:00-10:00"',
    ]);
  });

  it('an instance needs a channel, and numeric ids must be quoted', () => {
    expect(broken((d) => Object.assign(prod(d), { channels: { terminal: false } }))).toEqual([
      'instances[0].channels: needs at least one channel (slack, dingtalk or terminal: true), so progress and alerts reach someone',
    ]);
    expect(broken((d) => Object.assign(prod(d), { channels: { dingtalk: 12345 } }))).toEqual([
      'instances[0].channels.dingtalk: a DingTalk conversation id must be text: quote it ("12345") so YAML keeps it as written',
    ]);
  });

  it('a missing password variable is named', () => {
    expect(broken(() => undefined, { ...ENV, SR_PROD1_PASSWORD: undefined })).toEqual([
      'instances[0].passwordEnv: environment variable SR_PROD1_PASSWORD is not set',
    ]);
  });

  it('required keys and types', () => {
    expect(broken((d) => delete prod(d).user)).toEqual(['instances[0].user: is required']);
    expect(broken((d) => Object.assign(prod(d), { selfApproval: 'yes' }))).toEqual(['instances[0].selfApproval: must be true or false, got "yes"']);
  });
});

describe('people', () => {
  it('one account belongs to one person', () => {
    expect(broken((d) => Object.assign(d.people[1] ?? {}, { slack: ['U045DEF', 'U012ABC'] }))).toEqual([
      'people[1].slack: "U012ABC" is already people[0] (alice): one account belongs to one person',
    ]);
  });

  it('names are unique and a person needs an account', () => {
    expect(broken((d) => Object.assign(d.people[1] ?? {}, { name: 'alice' }))).toEqual([
      'people[1].name: "alice" is already the name of people[0]; names must be unique',
    ]);
    expect(broken((d) => d.people.push({ name: 'carol', roles: {} }))).toEqual([
      'people[2]: "carol" has no slack, dingtalk or terminal id, so the bot can never recognise them',
    ]);
  });

  it('roles are valid and refer to known instances or *', () => {
    expect(broken((d) => Object.assign(alice(d), { roles: { '*': 'root', 'prod-9': 'admin' } }))).toEqual([
      'people[0].roles.*: must be viewer, operator or admin, got "root"',
      'people[0].roles.prod-9: no instance "prod-9" (did you mean "prod-1"?)',
    ]);
    expect(broken((d) => Object.assign(d, { defaultRole: 'everyone' }))).toEqual([
      'defaultRole: must be viewer, operator, admin or null, got "everyone"',
    ]);
  });
});

describe('numbers in range', () => {
  it.each([
    [{ approvals: { ttlHours: 0 } }, 'approvals.ttlHours: must be a whole number from 1 to 168, got the number 0'],
    [{ approvals: { ttlHours: 169 } }, 'approvals.ttlHours: must be a whole number from 1 to 168, got the number 169'],
    [{ expiryWarningHours: 1.5 }, 'expiryWarningHours: must be a whole number from 1 to 168, got the number 1.5'],
    [{ scheduler: { jitterSeconds: 601 } }, 'scheduler.jitterSeconds: must be a whole number from 0 to 600, got the number 601'],
    [{ scheduler: { concurrency: 0 } }, 'scheduler.concurrency: must be a whole number from 1 to 64, got the number 0'],
    [{ scheduler: { databaseConcurrency: 17 } }, 'scheduler.databaseConcurrency: must be a whole number from 1 to 16, got the number 17'],
    [{ scheduler: { invisibleJobLimitMinutes: '60' } }, 'scheduler.invisibleJobLimitMinutes: must be a whole number from 5 to 1440, got "60"'],
    [{ scheduler: { outageNoticeMinutes: 0 } }, 'scheduler.outageNoticeMinutes: must be a whole number from 1 to 1440, got the number 0'],
  ])('%j', (change, problem) => {
    expect(broken((d) => Object.assign(d, change))).toEqual([problem]);
  });
});

describe('several problems at once', () => {
  it('lists every one of them', () => {
    const problems = broken(
      (d) => {
        Object.assign(prod(d), { timezone: 'Asia/Shangai', region: 'cn-hangzou' });
        Object.assign(d.instances[1] ?? {}, { id: 'prod-1', frontends: ['x:99999'] });
        Object.assign(d.people[1] ?? {}, { slack: 'U012ABC' });
        Object.assign(d, { approvals: { ttlHours: 500 } });
      },
      { ...ENV, OSS_SK_HZ: undefined },
    );
    expect(problems).toHaveLength(7);
    expect(problems).toEqual(
      expect.arrayContaining([
        'instances[0].timezone: unknown time zone "Asia/Shangai" (expected an IANA name like Asia/Shanghai)',
        'instances[0].region: no region "cn-hangzou" (did you mean "cn-hangzhou"?)',
        'instances[1].id: "prod-1" is already the id of instances[0]; instance ids must be unique',
        'instances[1].frontends[0]: expected host:port with a port from 1 to 65535, got "x:99999"',
        'people[1].slack: "U012ABC" is already people[0] (alice): one account belongs to one person',
        'approvals.ttlHours: must be a whole number from 1 to 168, got the number 500',
        'regions.cn-hangzhou.accessKeySecretEnv: environment variable OSS_SK_HZ is not set',
      ]),
    );
  });
});
