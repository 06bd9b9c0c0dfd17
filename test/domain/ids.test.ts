import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/domain/errors';
import {
  backupSetId,
  isBackupSetId,
  isRestoreId,
  quoteIdentifier,
  repositoryName,
  restoreId,
  snapshotName,
  validateIdentifier,
  validateInstanceId,
  withCollisionSuffix,
  type IdentifierKind,
} from '../../src/domain/ids';

const hostile = [
  'prod-1; DROP DATABASE x',
  '../../etc',
  '`sales`',
  'sales`; DROP DATABASE prod; --',
  "o'brien",
  'a"b',
  'a b',
  'a.b',
  'a/b',
  'a\\b',
  'a;b',
  'ventes_été',
  'продажи',
  '表',
  'a\nb',
  'sales\u0000',
  '',
];

describe('backup set and restore ids', () => {
  it('use the local time of the instance zone', () => {
    expect(backupSetId(new Date('2026-11-23T18:30:00Z'), 'Asia/Shanghai', 'prod-1')).toBe('bk-20261124-0230-prod-1');
    expect(restoreId(new Date('2026-11-25T02:05:00Z'), 'Asia/Shanghai', 'staging-1')).toBe('rs-20261125-1005-staging-1');
  });

  it('take a suffix when the id is taken', () => {
    expect(withCollisionSuffix('bk-20261124-0230-prod-1', 1)).toBe('bk-20261124-0230-prod-1');
    expect(withCollisionSuffix('bk-20261124-0230-prod-1', 2)).toBe('bk-20261124-0230-prod-1.2');
  });

  it('are recognised', () => {
    expect(isBackupSetId('bk-20261124-0230-prod-1')).toBe(true);
    expect(isBackupSetId('bk-20261124-0230-prod-1.2')).toBe(true);
    expect(isBackupSetId('rs-20261124-0230-prod-1')).toBe(false);
    expect(isBackupSetId('bk-2026112-0230-prod-1')).toBe(false);
    expect(isBackupSetId('bk-20261124-0230-prod-1; DROP')).toBe(false);
    expect(isBackupSetId('bk-20261124-0230-prod-1.0')).toBe(false);
    expect(isRestoreId('rs-20261125-1005-staging-1')).toBe(true);
    expect(isRestoreId('bk-20261125-1005-staging-1')).toBe(false);
  });

  it('made from a valid instance id are always recognised (property)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-01-01T00:00:00Z'), noInvalidDate: true }), fc.stringMatching(/^[a-z](?:-?[a-z0-9]){0,20}$/), fc.integer({ min: 1, max: 50 }), (at, instance, n) => {
        expect(isBackupSetId(withCollisionSuffix(backupSetId(at, 'Europe/Berlin', instance), n))).toBe(true);
        expect(isRestoreId(withCollisionSuffix(restoreId(at, 'Europe/Berlin', instance), n))).toBe(true);
      }),
    );
  });
});

describe('snapshotName', () => {
  it('is readable when it can be', () => {
    expect(snapshotName('bk-20261124-0230-prod-1', 'sales', 1)).toBe('bk_20261124_0230_prod_1__sales');
    expect(snapshotName('bk-20261124-0230-prod-1', 'sales', 2)).toBe('bk_20261124_0230_prod_1__sales_a2');
  });

  it('tells apart a database named like an attempt suffix', () => {
    expect(snapshotName('bk-20261124-0230-prod-1', 'sales_a2', 1)).not.toBe(snapshotName('bk-20261124-0230-prod-1', 'sales', 2));
  });

  it('tells apart a collision-suffixed set from a similar instance id', () => {
    expect(snapshotName('bk-20261124-0230-prod-1.2', 'sales', 1)).not.toBe(snapshotName('bk-20261124-0230-prod-1-2', 'sales', 1));
  });

  it('stays within 128 characters for a very long database name', () => {
    const name = snapshotName('bk-20261124-0230-prod-1', 'd'.repeat(256), 3);
    expect(name.length).toBeLessThanOrEqual(128);
    expect(name).toMatch(/^bkh_20261124_0230_prod_1__d+_[0-9a-f]{16}$/);
  });

  const setIds = fc.oneof(
    fc.stringMatching(/^bk-\d{8}-\d{4}-[a-z](?:-?[a-z0-9]){0,62}(?:\.[2-9])?$/),
    fc.constantFrom('bk-20261124-0230-prod-1', 'bk-20261124-0230-prod-1.2', 'bk-20261124-0230-prod-1-2'),
  );
  const databases = fc.oneof(
    fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,255}$/),
    fc.constantFrom('sales', 'sales_a2', 'sales_a', 'sales_', '_sales', 's__x', 'x_a10'),
  );

  it('is a StarRocks label: [A-Za-z0-9_], starts with a letter, at most 128 (property)', () => {
    fc.assert(
      fc.property(setIds, databases, fc.integer({ min: 1, max: 1000 }), (setId, database, attempt) => {
        expect(snapshotName(setId, database, attempt)).toMatch(/^[A-Za-z][A-Za-z0-9_]{0,127}$/);
      }),
      { numRuns: 2000 },
    );
  });

  it('is different for every (set id, database, attempt) (property)', () => {
    const tuple = fc.tuple(setIds, databases, fc.integer({ min: 1, max: 12 }));
    fc.assert(
      fc.property(fc.uniqueArray(tuple, { minLength: 2, maxLength: 60, selector: (t) => JSON.stringify(t) }), (tuples) => {
        const names = tuples.map(([s, d, a]) => snapshotName(s, d, a));
        expect(new Set(names).size).toBe(names.length);
      }),
      { numRuns: 500 },
    );
  });

  it('is different for close variants of one name', () => {
    const names = new Set<string>();
    for (const db of ['sales', 'sales_a2', 'sales_a', 'Sales', 'sales_', 'sales__a2']) {
      for (const attempt of [1, 2, 3, 12]) {
        for (const set of ['bk-20261124-0230-prod-1', 'bk-20261124-0230-prod-1.2', 'bk-20261124-0230-prod-1-2']) {
          names.add(snapshotName(set, db, attempt));
        }
      }
    }
    expect(names.size).toBe(6 * 4 * 3);
  });

  it('refuses an attempt below 1', () => {
    expect(() => snapshotName('bk-20261124-0230-prod-1', 'sales', 0)).toThrow('attempt must be 1 or more, got 0');
  });
});

describe('validateInstanceId', () => {
  it.each(['prod-1', 'staging-1', 'a', 'lake-1', 'p'.repeat(63)])('accepts %j', (id) => {
    expect(validateInstanceId(id)).toBe(id);
  });

  it.each([
    ['Prod-1', ''],
    ['1prod', '(it must start with a letter)'],
    ['prod-', '(no hyphen at the end and no two hyphens in a row)'],
    ['prod--1', '(no hyphen at the end and no two hyphens in a row)'],
    ['p'.repeat(64), '(at most 63 characters)'],
    ['prod_1', ''],
  ])('refuses %j', (id, why) => {
    expect(() => validateInstanceId(id)).toThrow(UserError);
    expect(() => validateInstanceId(id)).toThrow('instance ids are lowercase letters, digits and hyphens, like prod-1; got "');
    if (why) expect(() => validateInstanceId(id)).toThrow(why);
  });

  it('quotes hostile input safely: short, one line, no markup', () => {
    let refusal: unknown = null;
    try {
      validateInstanceId(`prod-1\n\u202e\`; DROP DATABASE x; ${'x'.repeat(500)}`);
    } catch (e) {
      refusal = e;
    }
    expect(refusal).toBeInstanceOf(UserError);
    const message = (refusal as UserError).message;
    expect(message.length).toBeLessThan(160);
    expect(message).not.toMatch(/[\n`\u202e]/);
    expect(message).toContain('…');
  });

  it('never throws anything but a UserError, and what passes is safe (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 100 }), fc.constantFrom(...hostile)), (id) => {
        try {
          expect(validateInstanceId(id)).toMatch(/^[a-z][a-z0-9-]{0,62}$/);
        } catch (e) {
          expect(e).toBeInstanceOf(UserError);
        }
      }),
    );
  });
});

describe('validateIdentifier and quoteIdentifier', () => {
  const kinds: IdentifierKind[] = ['database', 'table', 'repository', 'snapshot'];

  it.each(['sales', 'Sales_2026', '_tmp', 'a'])('accepts %j for every kind', (name) => {
    for (const kind of kinds) {
      expect(validateIdentifier(kind, name)).toBe(name);
      expect(quoteIdentifier(kind, name)).toBe(`\`${name}\``);
    }
  });

  it('applies each kind’s length limit', () => {
    expect(validateIdentifier('database', 'd'.repeat(256))).toHaveLength(256);
    expect(() => validateIdentifier('database', 'd'.repeat(257))).toThrow('at most 256 characters');
    expect(validateIdentifier('table', 't'.repeat(1024))).toHaveLength(1024);
    expect(() => validateIdentifier('table', 't'.repeat(1025))).toThrow('at most 1024 characters');
    expect(() => validateIdentifier('repository', 'r'.repeat(65))).toThrow('at most 64 characters');
    expect(() => validateIdentifier('snapshot', 's'.repeat(129))).toThrow('at most 128 characters');
  });

  it.each(hostile)('refuses %j', (name) => {
    for (const kind of kinds) {
      expect(() => quoteIdentifier(kind, name)).toThrow(UserError);
    }
  });

  it('names the kind and the rule', () => {
    expect(() => validateIdentifier('database', 'a b')).toThrow(
      'database names are letters, digits and underscores, starting with a letter or underscore, at most 256 characters; got "a b"',
    );
    expect(() => validateIdentifier('table', '1abc')).toThrow('table names are');
  });

  it('never lets through a backquote, quote, semicolon, space, slash, dot or non-ASCII (property)', () => {
    const dangerous = fc.constantFrom('`', "'", '"', ';', ' ', '/', '\\', '.', '-', '\n', '\u0000', 'é', '表', '🙂', '\u202e');
    const withDanger = fc
      .tuple(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/), dangerous, fc.string({ maxLength: 10 }), fc.nat(30))
      .map(([safe, bad, rest, at]) => {
        const i = at % (safe.length + 1);
        return safe.slice(0, i) + bad + safe.slice(i) + rest;
      });
    fc.assert(
      fc.property(fc.constantFrom(...kinds), withDanger, (kind, name) => {
        expect(() => quoteIdentifier(kind, name)).toThrow(UserError);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.string({ unit: 'grapheme', maxLength: 40 }), (kind, name) => {
        try {
          expect(quoteIdentifier(kind, name)).toMatch(/^`[A-Za-z_][A-Za-z0-9_]*`$/);
        } catch (e) {
          expect(e).toBeInstanceOf(UserError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('repositoryName', () => {
  it('is bot_ and the instance id in the identifier alphabet', () => {
    expect(repositoryName('prod-1')).toBe('bot_prod_1');
    expect(repositoryName('staging-1')).toBe('bot_staging_1');
  });

  it('is a valid repository name, different for every instance id (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z](?:-?[a-z0-9]){0,62}$/).filter((s) => s.length <= 63), { minLength: 2, maxLength: 30 }), (ids) => {
        const names = ids.map(repositoryName);
        for (const n of names) expect(validateIdentifier('repository', n)).toBe(n);
        expect(new Set(names).size).toBe(names.length);
      }),
    );
  });

  it('stays apart for long ids that share a prefix', () => {
    const a = `${'a'.repeat(55)}-one`;
    const b = `${'a'.repeat(55)}-two`;
    expect(repositoryName(a)).not.toBe(repositoryName(b));
    expect(repositoryName(a).length).toBeLessThanOrEqual(64);
  });

  it('refuses an invalid instance id', () => {
    expect(() => repositoryName('prod 1')).toThrow(UserError);
  });
});
