// BOT_STORE_URL as an operator writes it: what is read, what is refused (every problem named, the
// accepted form shown), and that the password never appears in a message or a description.

import { describe, expect, it } from 'vitest';
import { describeTarget, maskUrlPasswords, parseStoreUrl } from '../../adapters/store/mysql';
import { ConfigError } from '../../src/domain/errors';

const refusal = (url: string, password?: string): ConfigError => {
  try {
    parseStoreUrl(url, password);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`${url} was accepted`);
};

describe('BOT_STORE_URL', () => {
  it('reads user, host, port and database, with the defaults of a lease and a pool', () => {
    expect(parseStoreUrl('mysql://bot@db.internal:3307/backupbot')).toEqual({
      host: 'db.internal',
      port: 3307,
      user: 'bot',
      password: '',
      database: 'backupbot',
      leaseTtlMs: 15_000,
      connectionLimit: 10,
    });
    expect(parseStoreUrl('mysql://bot@[::1]/backup_bot?leaseSeconds=30&connectionLimit=4')).toMatchObject({ host: '::1', port: 3306, leaseTtlMs: 30_000, connectionLimit: 4 });
  });

  it('takes the password from BOT_STORE_PASSWORD first, else from the URL (percent-decoded)', () => {
    expect(parseStoreUrl('mysql://bot:p%40ss%3Aword@db/backupbot').password).toBe('p@ss:word');
    expect(parseStoreUrl('mysql://bot:from-url@db/backupbot', 'from-env').password).toBe('from-env');
    expect(parseStoreUrl('mysql://bot@db/backupbot', 'from-env').password).toBe('from-env');
  });

  it.each([
    ['postgres://bot@db/backupbot', /scheme must be mysql:/],
    ['not a url', /not a URL/],
    ['mysql://db/backupbot', /no user/],
    ['mysql://bot@db/', /the database must be named/],
    ['mysql://bot@db/a/b', /the database must be named/],
    ['mysql://bot@db/backupbot?leaseSeconds=1', /leaseSeconds is the leader lease in whole seconds, a whole number from 2 to 300, got "1"/],
    ['mysql://bot@db/backupbot?leaseSeconds=ten', /leaseSeconds .* got "ten"/],
    ['mysql://bot@db/backupbot?ssl=true', /unknown option "ssl"; accepted: leaseSeconds, connectionLimit/],
  ])('refuses %s, saying why', (url, why) => {
    const error = refusal(url);
    expect(error.source).toBe('environment');
    expect(error.problems.join('\n')).toMatch(why);
  });

  it('lists every problem at once and never repeats the password', () => {
    const error = refusal('mysql://:hunter2-secret@db/bad%20name?leaseSeconds=0');
    expect(error.problems).toHaveLength(3);
    expect(error.message).not.toContain('hunter2');
  });

  it('is described with the password masked', () => {
    const target = parseStoreUrl('mysql://bot:hunter2@db:3306/backupbot');
    expect(describeTarget(target)).toBe('mysql://bot:***@db:3306/backupbot');
    expect(describeTarget(parseStoreUrl('mysql://bot@db/backupbot'))).toBe('mysql://bot@db:3306/backupbot');
    expect(maskUrlPasswords('--to mysql://bot:hunter2@db/x failed')).toBe('--to mysql://bot:***@db/x failed');
  });
});
