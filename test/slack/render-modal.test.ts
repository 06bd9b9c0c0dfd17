// Form → modal and back: the modal is valid for Slack (the fake's rules), every field kind
// renders as its element, and a submission reads back into the core's values; the core's
// field errors land on input blocks.

import { describe, expect, it } from 'vitest';
import { renderModal } from '../../adapters/slack';
import { decodeFormMetadata, encodeFormMetadata, inputBlockIds, readFormValues, toSlackErrors } from '../../adapters/slack/read-form';
import { DeliveryLog } from '../../adapters/slack/dedupe';
import type { Form } from '../../src/reply';
import { fillViewState, viewProblem, type Json, type JsonObject } from '../../sim/slack';

const form: Form = {
  id: 'settings',
  title: 'Backup settings for the instance prod-1',
  submitLabel: 'Save',
  context: 'signed-context',
  fields: [
    { kind: 'toggle', name: 'enabled', label: 'Enable backup', initial: false },
    { kind: 'weekdays', name: 'days', label: 'Backup cycle', initial: ['Mon', 'friday', 'nope'] },
    { kind: 'time', name: 'time', label: 'Backup time', initial: '', hint: 'Peak hours 09:00–18:00' },
    { kind: 'number', name: 'retention', label: 'Retention (days)', initial: 7, min: 7, max: 31 },
    { kind: 'text', name: 'note', label: 'Note', initial: '', optional: true },
    { kind: 'choice', name: 'target', label: 'Restore into', options: [{ value: 'staging-1', label: 'staging-1' }, { value: 'staging-2', label: 'staging-2 (not reachable now)' }], initial: 'staging-2' },
    { kind: 'readonly', name: 'region', label: 'Storage region', value: 'cn-hangzhou', hint: 'The instance region' },
  ],
};
const asJson = (v: unknown): JsonObject => JSON.parse(JSON.stringify(v)) as JsonObject;

describe('renderModal', () => {
  const view = asJson(renderModal(form, '{"f":"settings"}'));

  it('is a valid modal: title within 24 chars, submit and close labels', () => {
    expect(viewProblem(view)).toBeNull();
    expect(view.title).toEqual({ type: 'plain_text', text: 'Backup settings for the…', emoji: true });
    expect(view.submit).toMatchObject({ text: 'Save' });
    expect(view.close).toMatchObject({ text: 'Cancel' });
    expect(view.private_metadata).toBe('{"f":"settings"}');
  });

  it('renders each field kind as its element, block_id = field name', () => {
    const blocks = (view.blocks as JsonObject[]).map((b) => [b.block_id ?? b.type, b.type, (b.element as JsonObject | undefined)?.type]);
    expect(blocks).toEqual([
      ['enabled', 'input', 'checkboxes'],
      ['days', 'input', 'checkboxes'],
      ['time', 'input', 'timepicker'],
      ['retention', 'input', 'number_input'],
      ['note', 'input', 'plain_text_input'],
      ['target', 'input', 'static_select'],
      ['region', 'section', undefined],
      ['context', 'context', undefined],
    ]);
    const [enabled, days, time] = view.blocks as JsonObject[];
    expect((enabled?.element as JsonObject).initial_options).toBeUndefined();
    expect(((days?.element as JsonObject).initial_options as JsonObject[]).map((o) => o.value)).toEqual(['mon', 'fri']);
    expect(time).toMatchObject({ element: { initial_time: '00:00' }, hint: { text: 'Peak hours 09:00–18:00' } });
    const target = (view.blocks as JsonObject[]).find((b) => b.block_id === 'target')?.element as JsonObject;
    expect((target.options as JsonObject[]).map((o) => o.value)).toEqual(['staging-1', 'staging-2']);
    expect(target.initial_option).toMatchObject({ value: 'staging-2', text: { text: 'staging-2 (not reachable now)' } });
  });

  it('a form with only read-only fields has no submit button', () => {
    const v = asJson(renderModal({ ...form, fields: [{ kind: 'readonly', name: 'r', label: 'Region', value: 'x' }] }, ''));
    expect(viewProblem(v)).toBeNull();
    expect(v.submit).toBeUndefined();
    expect(v.close).toMatchObject({ text: 'Close' });
  });
});

describe('reading a submission', () => {
  const view = asJson(renderModal(form, ''));

  it('reads every kind: toggle → boolean, weekdays → list, time, number, text and choice → string', () => {
    const state = fillViewState(view, {
      enabled: { selected_options: [{ value: 'on', text: { type: 'plain_text', text: 'Enable backup' } }] },
      days: { selected_options: [{ value: 'tue' }, { value: 'sun' }] },
      time: { selected_time: '23:15' },
      retention: { value: '14' },
      target: { selected_option: { value: 'staging-1' } },
    });
    expect(readFormValues(state)).toEqual({ enabled: true, days: ['tue', 'sun'], time: '23:15', retention: '14', note: null, target: 'staging-1' });
  });

  it('initial values read back as they were rendered', () => {
    expect(readFormValues(fillViewState(view))).toEqual({ enabled: false, days: ['mon', 'fri'], time: '00:00', retention: '7', note: null, target: 'staging-2' });
  });

  it('ignores elements it did not render and malformed state', () => {
    expect(readFormValues({ x: { other: { type: 'datepicker', selected_date: '2024-01-01' } } })).toEqual({});
    expect(readFormValues('nonsense')).toEqual({});
  });

  it('field errors go on their input blocks; unknown fields on the first input', () => {
    const ids = inputBlockIds(view.blocks as Json);
    expect(ids).toEqual(['enabled', 'days', 'time', 'retention', 'note', 'target']);
    expect(toSlackErrors({ retention: 'retention must be 7..31', region: 'region is fixed', form: 'stale form' }, ids)).toEqual({
      retention: 'retention must be 7..31',
      enabled: 'region is fixed stale form',
    });
    expect(toSlackErrors({ a: 'b' }, [])).toBeNull();
  });

  it('private_metadata round-trips and refuses more than 3000 chars', () => {
    const meta = { formId: 'settings', context: 'c', channelId: 'C1' };
    expect(decodeFormMetadata(encodeFormMetadata(meta) ?? '')).toEqual(meta);
    expect(encodeFormMetadata({ ...meta, context: 'x'.repeat(3000) })).toBeNull();
    expect(decodeFormMetadata('{"f":1}')).toBeNull();
    expect(decodeFormMetadata('not json')).toBeNull();
  });
});

describe('DeliveryLog', () => {
  it('lets the first delivery through, drops repeats by any key, forgets after the TTL', () => {
    let now = 0;
    const log = new DeliveryLog({ ttlMs: 1000, maxEntries: 3, now: () => now });
    expect(log.first(['trigger:1', 'action:a'], true)).toBe(true);
    expect(log.first(['trigger:1'], true)).toBe(false);
    expect(log.first(['trigger:2', 'action:a'], true)).toBe(false);
    now = 1001;
    expect(log.first(['trigger:1'], true)).toBe(true);
  });

  it('is bounded: the oldest entries go first', () => {
    const log = new DeliveryLog({ maxEntries: 2 });
    log.first(['a'], true);
    log.first(['b'], true);
    log.first(['c'], true);
    expect(log.size).toBe(2);
    expect(log.first(['a'], true)).toBe(true);
    expect(log.first(['c'], true)).toBe(false);
  });
});
