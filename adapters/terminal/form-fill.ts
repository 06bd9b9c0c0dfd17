// `/fill`: the last form shown, filled in one question at a time, then submitted to the core.
// Enter keeps the current value. The core validates; its field errors are printed as they come.

import type { Form, FormErrors, FormField } from '../../src/reply';
import type { FormSubmission } from '../../src/ports';
import { sanitize } from './render';

type Editable = Exclude<FormField, { kind: 'readonly' }>;
type Value = FormSubmission['values'][string];

export interface FormFill {
  form: Form;
  fields: Editable[];
  index: number;
  values: Record<string, Value>;
}

export function startFill(form: Form): FormFill {
  const fields = form.fields.filter((f): f is Editable => f.kind !== 'readonly');
  const values: Record<string, Value> = {};
  for (const f of fields) values[f.name] = initialValue(f);
  return { form, fields, index: 0, values };
}

function initialValue(field: Editable): Value {
  switch (field.kind) {
    case 'toggle':
      return field.initial;
    case 'weekdays':
      return field.initial;
    case 'number':
      return String(field.initial);
    case 'time':
    case 'text':
    case 'choice':
      return field.initial;
  }
}

function shown(value: Value): string {
  if (value === null || value === '') return 'empty';
  if (Array.isArray(value)) return value.length > 0 ? value.join(',') : 'none';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return value;
}

/** The question for the current field, or null when every field has been asked. */
export function question(fill: FormFill): string | null {
  const field = fill.fields[fill.index];
  if (field === undefined) return null;
  const accepted =
    field.kind === 'toggle'
      ? 'on/off'
      : field.kind === 'weekdays'
        ? 'e.g. mon,thu'
        : field.kind === 'time'
          ? 'HH:mm'
          : field.kind === 'number'
            ? `${field.min} to ${field.max}`
            : field.kind === 'choice'
              ? field.options.map((o, i) => `${i + 1}=${o.value}`).join(', ')
              : field.optional
                ? 'text, or - for empty'
                : 'text';
  return `  ${sanitize(field.label)} (${accepted}) [${sanitize(shown(fill.values[field.name] ?? null))}]:`;
}

/** Takes the answer to the current question; returns a problem to ask again, or null. */
export function answer(fill: FormFill, text: string): string | null {
  const field = fill.fields[fill.index];
  if (field === undefined) return null;
  const input = text.trim();
  if (input !== '') {
    if (field.kind === 'toggle') {
      if (/^(on|yes|y|true|1)$/i.test(input)) fill.values[field.name] = true;
      else if (/^(off|no|n|false|0)$/i.test(input)) fill.values[field.name] = false;
      else return 'answer on or off';
    } else if (field.kind === 'weekdays') {
      fill.values[field.name] = input === '-' ? [] : input.toLowerCase().split(/[\s,]+/).filter((d) => d !== '');
    } else if (field.kind === 'choice') {
      const byNumber = /^\d+$/.test(input) ? field.options[Number(input) - 1] : undefined;
      const chosen = byNumber ?? field.options.find((o) => o.value === input);
      if (chosen === undefined) return `answer one of ${field.options.map((o, i) => `${i + 1} (${o.value})`).join(', ')}`;
      fill.values[field.name] = chosen.value;
    } else if (field.kind === 'text') {
      fill.values[field.name] = input === '-' ? (field.optional ? null : '') : input;
    } else {
      fill.values[field.name] = input;
    }
  }
  fill.index += 1;
  return null;
}

export function submission(fill: FormFill, actor: FormSubmission['actor']): FormSubmission {
  return { actor, formId: fill.form.id, context: fill.form.context, values: { ...fill.values } };
}

/** The core's field errors, by field label. */
export function describeErrors(form: Form, errors: FormErrors): string {
  const lines = Object.entries(errors).map(([name, message]) => {
    const label = form.fields.find((f) => f.name === name)?.label ?? name;
    return `  ${sanitize(label)}: ${sanitize(message)}`;
  });
  return `✖ Not saved:\n${lines.join('\n')}\n  Type /fill to try again.`;
}
