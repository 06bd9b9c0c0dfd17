// Properties of the simulator's building blocks: XML escaping round-trips through its parser, and
// paging a listing in any page size with any delimiter gives the same names as one big page.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareUtf8, listPage } from '../../sim/oss/buckets';
import { escapeXml, parseXml, XmlSyntaxError } from '../../sim/oss/xml';

describe('sim XML', () => {
  it('parses back any escaped key exactly', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (key) => {
        const doc = `<?xml version="1.0"?><Delete><Object><Key>${escapeXml(key)}</Key></Object></Delete>`;
        expect(parseXml(doc).children[0]?.children[0]?.text).toBe(key);
      }),
    );
  });

  it('rejects unclosed elements, mismatched tags, bare ampersands and trailing content', () => {
    for (const bad of ['<Delete>', '<Delete></Object>', '<Delete>a & b</Delete>', '<Delete/><Delete/>', '<Delete>&bogus;</Delete>']) {
      expect(() => parseXml(bad), bad).toThrow(XmlSyntaxError);
    }
  });
});

describe('sim listing', () => {
  it('orders names by their UTF-8 bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(Math.sign(compareUtf8(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
    );
  });

  const keyArb = fc.array(fc.constantFrom('a', 'b', '/', 'é', '\u{1F600}'), { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));

  it('pages to the same names as a single page, with no name twice', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(keyArb, { maxLength: 40 }),
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom('', '/'),
        fc.constantFrom('', 'a', 'a/'),
        (keys, maxKeys, delimiter, prefix) => {
          const sorted = [...keys].sort(compareUtf8);
          const whole = listPage(sorted, { prefix, delimiter, after: '', maxKeys: 1000 });
          const names: string[] = [];
          let after = '';
          for (let guard = 0; guard < 100; guard += 1) {
            const page = listPage(sorted, { prefix, delimiter, after, maxKeys });
            expect(page.keys.length + page.commonPrefixes.length).toBeLessThanOrEqual(maxKeys);
            names.push(...page.keys, ...page.commonPrefixes);
            if (!page.isTruncated) break;
            after = page.last ?? '';
          }
          const expected = [...whole.keys, ...whole.commonPrefixes];
          expect([...names].sort(compareUtf8)).toEqual([...expected].sort(compareUtf8));
          expect(new Set(names).size).toBe(names.length);
        },
      ),
    );
  });
});
