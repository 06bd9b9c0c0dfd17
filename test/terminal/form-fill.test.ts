// `/fill` of a form with a choice: the answer is a listed value or its number, anything else
// is asked again naming what is accepted.

import { describe, expect, it } from 'vitest';
import { answer, question, startFill, submission } from '../../adapters/terminal/form-fill';
import type { Form } from '../../src/reply';

const form: Form = {
  id: 'restore',
  title: 'Restore a backup',
  submitLabel: 'Ask for approval',
  context: 'ctx',
  fields: [
    { kind: 'readonly', name: 'set', label: 'Backup set', value: 'bk-1' },
    { kind: 'choice', name: 'target', label: 'Restore into (instance)', options: [{ value: 'staging-1', label: 'staging-1' }, { value: 'staging-2', label: 'staging-2 (not reachable now)' }], initial: 'staging-1' },
  ],
};
const actor = { platform: 'terminal' as const, userId: 'admin1', personId: 'admin1' };

describe('filling a choice in the terminal', () => {
  it('asks with the numbered values and keeps the current one on Enter', () => {
    const fill = startFill(form);
    expect(question(fill)).toBe('  Restore into (instance) (1=staging-1, 2=staging-2) [staging-1]:');
    expect(answer(fill, '')).toBeNull();
    expect(submission(fill, actor).values).toEqual({ target: 'staging-1' });
  });

  it('takes a value by its number or by name', () => {
    const byNumber = startFill(form);
    expect(answer(byNumber, '2')).toBeNull();
    expect(byNumber.values.target).toBe('staging-2');
    const byName = startFill(form);
    expect(answer(byName, 'staging-2')).toBeNull();
    expect(byName.values.target).toBe('staging-2');
  });

  it('asks again for anything not listed, naming what is accepted', () => {
    const fill = startFill(form);
    expect(answer(fill, 'prod-1')).toBe('answer one of 1 (staging-1), 2 (staging-2)');
    expect(answer(fill, '3')).toBe('answer one of 1 (staging-1), 2 (staging-2)');
    expect(fill.index).toBe(0);
    expect(fill.values.target).toBe('staging-1');
  });
});
