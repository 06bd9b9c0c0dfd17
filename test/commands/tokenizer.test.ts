import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/domain/errors';
import { tokenize } from '../../commands/tokenizer';

describe('the tokenizer', () => {
  it('splits words, key=value options and --flags', () => {
    expect(tokenize('settings prod-1 on days=mon,thu time=02:30 --all')).toEqual({
      words: ['settings', 'prod-1', 'on'],
      options: { days: 'mon,thu', time: '02:30' },
      flags: ['all'],
    });
  });

  it('keeps quoted text together, with straight and typographic quotes', () => {
    expect(tokenize('help "two words" \u201cthree more words\u201d').words).toEqual(['help', 'two words', 'three more words']);
    expect(tokenize("restore 'a b'").words).toEqual(['restore', 'a b']);
  });

  it('lower-cases option keys and flags but not values', () => {
    expect(tokenize('x DAYS=Mon --ALL')).toEqual({ words: ['x'], options: { days: 'Mon' }, flags: ['all'] });
  });

  it('refuses an unclosed quote and a repeated option with a clear message', () => {
    expect(() => tokenize('help "oops')).toThrow(/quote is not closed/);
    expect(() => tokenize('settings prod-1 time=01:00 time=02:00')).toThrow(/time= is given twice/);
  });

  it('refuses very long input instead of working on it', () => {
    expect(() => tokenize('x'.repeat(5000))).toThrow(/too long/);
  });

  it('never throws anything but a UserError, whatever the input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 })), (text) => {
        try {
          const t = tokenize(text);
          expect(Array.isArray(t.words)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(UserError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
