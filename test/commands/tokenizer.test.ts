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

  it('joins a value a space cut off: days=mon, thu and retention= 14', () => {
    expect(tokenize('settings prod-1 on days=mon, thu time=02:30').options).toEqual({ days: 'mon,thu', time: '02:30' });
    expect(tokenize('settings prod-1 days=mon , thu ,fri').options).toEqual({ days: 'mon,thu,fri' });
    expect(tokenize('settings prod-1 retention= 14 on')).toEqual({ words: ['settings', 'prod-1', 'on'], options: { retention: '14' }, flags: [] });
    // A flag or another option after an empty value is not taken as the value.
    expect(tokenize('list prod-1 days= --all time=1:00')).toEqual({ words: ['list', 'prod-1'], options: { days: '', time: '1:00' }, flags: ['all'] });
    expect(tokenize('settings prod-1 days=mon thu').words).toEqual(['settings', 'prod-1', 'thu']);
  });

  it('backticks quote like the other quotes (ids pasted from a code span)', () => {
    expect(tokenize('run `prod-1`').words).toEqual(['run', 'prod-1']);
    expect(() => tokenize('run `prod-1')).toThrow('a quote is not closed: add the closing `');
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
