// Form → Slack modal. Pure. Each input block's block_id is the form field's name and its
// action_id names the field's kind, so a submission can be read back without the form
// (read-form.ts). Read-only fields are section text, never inputs.

import type { types as SlackTypes } from '@slack/bolt';
import type { Form, FormField } from '../../src/reply';
import { SLACK_LIMITS as L } from './limits';
import { escapeSlack, toMrkdwn, truncate } from './mrkdwn';

type View = SlackTypes.ModalView;
type Block = SlackTypes.KnownBlock;
type Option = SlackTypes.PlainTextOption;

/** Modals are submitted with `callback_id` = `backup_form:<form id>`. */
export const FORM_CALLBACK_PREFIX = 'backup_form';

/** The action_id of each field kind's element; read-form.ts reads values by it. */
export const FIELD_ACTION = {
  toggle: 'toggle',
  weekdays: 'weekdays',
  time: 'time',
  number: 'number',
  text: 'text',
  choice: 'choice',
} as const;

export const WEEKDAYS = [
  ['mon', 'Monday'],
  ['tue', 'Tuesday'],
  ['wed', 'Wednesday'],
  ['thu', 'Thursday'],
  ['fri', 'Friday'],
  ['sat', 'Saturday'],
  ['sun', 'Sunday'],
] as const;

/** The value of the single checkbox that stands for a toggle being on. */
export const TOGGLE_ON = 'on';

export function renderModal(form: Form, privateMetadata: string): View {
  const blocks = form.fields.flatMap(fieldBlocks).slice(0, L.blocksPerModal);
  const hasInput = blocks.some((b) => b.type === 'input');
  const view: View = {
    type: 'modal',
    callback_id: truncate(`${FORM_CALLBACK_PREFIX}:${form.id}`, 255),
    title: plain(truncate(form.title.trim() || 'Backup', L.modalTitle)),
    close: plain(hasInput ? 'Cancel' : 'Close'),
    private_metadata: privateMetadata,
    blocks,
  };
  if (hasInput) view.submit = plain(truncate(form.submitLabel.trim() || 'Save', L.modalButton));
  return view;
}

function plain(text: string): SlackTypes.PlainTextElement {
  return { type: 'plain_text', text, emoji: true };
}

function option(value: string, text: string): Option {
  return { text: plain(truncate(text, L.optionText)), value };
}

function withHint<T extends SlackTypes.InputBlock>(block: T, hint: string | undefined): T {
  if (hint !== undefined && hint.trim() !== '') block.hint = plain(truncate(hint.trim(), L.hint));
  return block;
}

function label(field: FormField): SlackTypes.PlainTextElement {
  return plain(truncate(field.label.trim() || field.name, L.inputLabel));
}

/** `Mon`, `monday`, `MON` → `mon`; anything else → null. */
export function weekdayValue(day: string): string | null {
  const key = day.trim().slice(0, 3).toLowerCase();
  return WEEKDAYS.some(([v]) => v === key) ? key : null;
}

function fieldBlocks(field: FormField): Block[] {
  switch (field.kind) {
    case 'toggle': {
      const on = option(TOGGLE_ON, field.label.trim() || 'On');
      const element: SlackTypes.Checkboxes = { type: 'checkboxes', action_id: FIELD_ACTION.toggle, options: [on] };
      if (field.initial) element.initial_options = [on];
      return [withHint({ type: 'input', block_id: field.name, optional: true, label: label(field), element }, field.hint)];
    }
    case 'weekdays': {
      const options = WEEKDAYS.map(([v, t]) => option(v, t));
      const chosen = new Set(field.initial.map(weekdayValue).filter((d): d is string => d !== null));
      const element: SlackTypes.Checkboxes = { type: 'checkboxes', action_id: FIELD_ACTION.weekdays, options };
      const initial = options.filter((o) => chosen.has(o.value ?? ''));
      if (initial.length > 0) element.initial_options = initial;
      return [withHint({ type: 'input', block_id: field.name, optional: true, label: label(field), element }, field.hint)];
    }
    case 'time': {
      const initial = /^([01]\d|2[0-3]):[0-5]\d$/.test(field.initial) ? field.initial : '00:00';
      const element: SlackTypes.Timepicker = {
        type: 'timepicker',
        action_id: FIELD_ACTION.time,
        initial_time: initial,
        placeholder: plain('Pick a time'),
      };
      return [withHint({ type: 'input', block_id: field.name, label: label(field), element }, field.hint)];
    }
    case 'number': {
      const element: SlackTypes.NumberInput = {
        type: 'number_input',
        action_id: FIELD_ACTION.number,
        is_decimal_allowed: false,
        min_value: String(field.min),
        max_value: String(field.max),
      };
      if (Number.isInteger(field.initial) && field.initial >= field.min && field.initial <= field.max) {
        element.initial_value = String(field.initial);
      }
      return [withHint({ type: 'input', block_id: field.name, label: label(field), element }, field.hint)];
    }
    case 'text': {
      const element: SlackTypes.PlainTextInput = { type: 'plain_text_input', action_id: FIELD_ACTION.text };
      if (field.initial !== '') element.initial_value = field.initial;
      const block: SlackTypes.InputBlock = { type: 'input', block_id: field.name, label: label(field), element };
      if (field.optional === true) block.optional = true;
      return [withHint(block, field.hint)];
    }
    case 'choice': {
      const options = field.options.slice(0, L.selectOptions).map((o) => option(o.value, o.label));
      const element: SlackTypes.StaticSelect = { type: 'static_select', action_id: FIELD_ACTION.choice, options, placeholder: plain('Choose') };
      const initial = options.find((o) => o.value === field.initial);
      if (initial) element.initial_option = initial;
      return [withHint({ type: 'input', block_id: field.name, label: label(field), element }, field.hint)];
    }
    case 'readonly': {
      const text = truncate(`*${escapeSlack(field.label)}*\n${toMrkdwn(field.value) || '—'}`, L.sectionText);
      const blocks: Block[] = [{ type: 'section', block_id: field.name, text: { type: 'mrkdwn', text } }];
      if (field.hint !== undefined && field.hint.trim() !== '') {
        blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(toMrkdwn(field.hint), L.sectionText) }] });
      }
      return blocks;
    }
  }
}
