// Replies to mistyped commands say what was actually wrong (issue 14, bug 6).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteInput } from '../../src/domain/text';
import { startHarness } from '../support/harness';
import type { Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('what a mistyped command is told', () => {
  it('days=mon, thu (a space after the comma) is read as mon,thu', async () => {
    const reply = await h.say('oper1', 'settings prod-1 on days=mon, thu time=02:30');
    expect(reply.tone).not.toBe('error');
    expect(reply.text).toContain('Mon and Thu at 02:30');
    const spaced = await h.say('oper1', 'settings prod-1 on days=mon , fri');
    expect(spaced.text).toContain('Mon and Fri at 02:30');
  });

  it('retention= 14 (a space after =) is read as retention=14', async () => {
    const reply = await h.say('oper1', 'settings prod-1 retention= 14');
    expect(reply.tone).not.toBe('error');
    expect(reply.text).toContain('retention 7 → 14 days');
  });

  it('a backtick-quoted id is read as the id, like other quotes', async () => {
    const reply = await h.say('oper1', 'run `prod-1`');
    expect(reply.tone).toBe('warning');
    expect(reply.title).toBe('Run a backup of prod-1?');
    const open = await h.say('oper1', 'run `prod-1');
    expect(open.text).toContain('a quote is not closed: add the closing `');
  });

  it('backticks in echoed input stay visible (as a look-alike that chat does not format)', async () => {
    const reply = await h.say('oper1', 'run "prod`1`"');
    expect(reply.text).toContain('got "prodˋ1ˋ"');
    expect(quoteInput('a*b*~c~<d>')).toBe('"a∗b∗˜c˜‹d›"');
  });

  it('two times a day names the one-backup-a-day rule', async () => {
    const reply = await h.say('oper1', 'settings prod-1 on days=mon time=02:30,14:00');
    expect(reply.tone).toBe('error');
    expect(reply.text).toContain('at most one backup a day: give one time, e.g. time=02:30; got "02:30,14:00"');
  });

  it('words a command does not take are refused, not ignored', async () => {
    const reply = await h.say('oper1', 'instances extra');
    expect(reply.tone).toBe('error');
    expect(reply.text).toContain('too many words: "extra"');
    expect(reply.text).toContain('Usage: /backup instances');
    const help = await h.say('oper1', 'help settings now');
    expect(help.text).toContain('too many words: "now"');
  });

  it('a swapped pair of letters gets a suggestion: lsit → list', async () => {
    const reply = await h.say('oper1', 'lsit prod-1');
    expect(reply.text).toContain('unknown command "lsit"; did you mean /backup list?');
    const help = await h.say('oper1', 'help setitngs');
    expect(help.text).toBe('there is no command "setitngs"; did you mean settings? See /backup help settings.');
    const none = await h.say('oper1', 'help zzzzzz');
    expect(none.text).toBe('there is no command "zzzzzz". See /backup help.');
  });
});
