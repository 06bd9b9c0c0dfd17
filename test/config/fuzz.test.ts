// Whatever the file holds, loading it either succeeds or throws a ConfigError with short problems.

import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/domain/errors';
import { parseConfig } from '../../src/config/load';
import { ENV, problemsOf, problemsOfText, validData } from './fixtures';

const MAX_PROBLEM_LENGTH = 400;

function loadsOrConfigError(text: string, env: NodeJS.ProcessEnv = ENV): void {
  try {
    parseConfig(text, 'fuzz.yml', env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) {
      expect(problem.length).toBeLessThanOrEqual(MAX_PROBLEM_LENGTH);
      for (const secret of Object.values(ENV)) expect(problem).not.toContain(secret);
    }
  }
}

const nasty = fc.constantFrom(
  'prod-1; DROP DATABASE x',
  '../../etc/passwd',
  '`rm -rf /`',
  '$(whoami)',
  '${OSS_SK_HZ}',
  "' OR 1=1 --",
  '\u202eevil',
  '\u0000\u0007\u001b[31m',
  'x'.repeat(10_000),
  '🦄'.repeat(500),
  '__proto__',
  'constructor',
  '',
  ' ',
);

const value: fc.Arbitrary<unknown> = fc.oneof(
  nasty,
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(nasty, fc.string(), fc.integer()), { maxLength: 4 }),
  fc.dictionary(fc.oneof(nasty, fc.string()), fc.oneof(nasty, fc.string(), fc.integer()), { maxKeys: 4 }),
);

/** Paths into the valid configuration where a random value is put. */
const FIELD_PATHS: (string | number)[][] = [
  ['regions', 'cn-hangzhou', 'bucket'],
  ['regions', 'cn-hangzhou', 'endpoint'],
  ['regions', 'cn-hangzhou', 'starrocksEndpoint'],
  ['regions', 'cn-hangzhou', 'pathPrefix'],
  ['regions', 'cn-hangzhou', 'accessKeyIdEnv'],
  ['regions', 'cn-hangzhou'],
  ['regions'],
  ['instances', 0, 'id'],
  ['instances', 0, 'region'],
  ['instances', 0, 'frontends'],
  ['instances', 0, 'frontends', 0],
  ['instances', 0, 'timezone'],
  ['instances', 0, 'feTimezone'],
  ['instances', 0, 'channels'],
  ['instances', 0, 'channels', 'slack'],
  ['instances', 0, 'peakHours'],
  ['instances', 0, 'repository'],
  ['instances', 0, 'passwordEnv'],
  ['instances', 1],
  ['instances'],
  ['people', 0, 'name'],
  ['people', 0, 'slack'],
  ['people', 0, 'roles'],
  ['people', 0, 'roles', 'prod-1'],
  ['people'],
  ['defaultRole'],
  ['approvals'],
  ['scheduler', 'jitterSeconds'],
];

function setAt(target: unknown, path: (string | number)[], v: unknown): void {
  let node = target as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = v;
}

describe('fuzzing the configuration', () => {
  it('random text never throws anything but ConfigError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 300 }), nasty), (text) => {
        loadsOrConfigError(text);
      }),
      { numRuns: 300 },
    );
  });

  it('random YAML-looking text never throws anything but ConfigError', () => {
    const token = fc.constantFrom('regions:', 'instances:', '- ', '  ', ': ', '{', '}', '[', ']', '&a ', '*a', '!!str ', '\n', '"', "'", '#', '---\n', '? ', '|\n', 'id: prod-1');
    fc.assert(
      fc.property(fc.array(fc.oneof(token, fc.string({ maxLength: 8 })), { maxLength: 40 }), (parts) => {
        loadsOrConfigError(parts.join(''));
      }),
      { numRuns: 300 },
    );
  });

  it('any value in any field never throws anything but ConfigError, and problems stay short', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FIELD_PATHS), value, (path, v) => {
        const data = validData();
        setAt(data, path, v);
        loadsOrConfigError(stringify(data));
      }),
      { numRuns: 500 },
    );
  });

  it('injection-looking ids are refused with a truncated quote', () => {
    const data = validData();
    setAt(data, ['instances', 0, 'id'], 'prod-1; DROP DATABASE x');
    setAt(data, ['instances', 0, 'repository'], 'a`; DROP DATABASE x; `' + 'y'.repeat(200));
    const problems = problemsOf(data);
    expect(problems).toContain(
      'instances[0].id: expected an instance id (lowercase letters, digits and single hyphens, starting with a letter, at most 63 characters), got "prod-1; DROP DATABASE x"',
    );
    expect(problems.find((p) => p.startsWith('instances[0].repository'))).toMatch(/got "a`; DROP DATABASE x; `y+…"$/);
  });

  it('a billion-laughs document is refused at the alias limit, not expanded', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 9; i++) {
      lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`);
    }
    expect(problemsOfText(lines.join('\n'))).toEqual([expect.stringMatching(/^YAML: Excessive alias count\b/)]);
  });

  const LONG_KEY = 'k'.repeat(5000);
  const SHOWN_KEY = `"${'k'.repeat(40)}…"`;

  it('a long key in an unknown place is truncated in the message', () => {
    const data = validData() as Record<string, unknown>;
    data[LONG_KEY] = 1;
    expect(problemsOf(data)).toEqual([
      `(top level): unknown key ${SHOWN_KEY} (known keys: regions, instances, people, defaultRole, approvals, expiryWarningHours, scheduler)`,
    ]);
  });

  it('a long key inside the path is truncated in the path', () => {
    const data = validData();
    setAt(data, ['people', 0, 'roles', LONG_KEY], 'viewer');
    expect(problemsOf(data)).toEqual([`people[0].roles[${SHOWN_KEY}]: no instance ${SHOWN_KEY} (known: prod-1, staging-1)`]);
  });
});
