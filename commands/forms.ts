// Reading the settings form's submitted values, field by field.

import { UserError } from '../src/domain/errors';
import { DEFAULT_SETTINGS, parseRetention, parseTime, parseWeekdays } from '../src/domain/settings';
import { WEEKDAYS } from '../src/domain/types';
import type { Weekday } from '../src/domain/types';
import type { SettingsPatch } from '../src/services/settings';
import type { FormErrors } from '../src/reply';
import type { FormSubmission } from '../src/ports';

type Value = FormSubmission['values'][string];

function asBoolean(v: Value): boolean {
  if (typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.length > 0;
  const s = String(v ?? '').toLowerCase();
  if (['true', 'on', 'yes', '1', 'enabled'].includes(s)) return true;
  if (['false', 'off', 'no', '0', 'disabled', ''].includes(s)) return false;
  throw new UserError(`enable backup must be on or off, got "${s.slice(0, 20)}"`);
}

function asWeekdays(v: Value): Weekday[] {
  if (Array.isArray(v)) {
    const picked = v.map((d) => String(d).toLowerCase().slice(0, 3));
    const bad = picked.find((d) => !(WEEKDAYS as readonly string[]).includes(d));
    if (bad !== undefined) throw new UserError(`unknown weekday "${bad}"`);
    return WEEKDAYS.filter((d) => picked.includes(d));
  }
  if (v === null || v === '' || v === undefined) return [];
  return parseWeekdays(String(v));
}

/** Reads the settings form's values; each bad field gets its own message. */
export function readSettingsValues(values: FormSubmission['values']): { patch: SettingsPatch; errors: FormErrors } {
  const patch: SettingsPatch = {};
  const errors: FormErrors = {};
  const field = (name: string, read: () => void): void => {
    try {
      read();
    } catch (err) {
      if (err instanceof UserError) errors[name] = err.message;
      else throw err;
    }
  };
  if ('enabled' in values) field('enabled', () => (patch.enabled = asBoolean(values.enabled ?? null)));
  if ('weekdays' in values) field('weekdays', () => (patch.weekdays = asWeekdays(values.weekdays ?? null)));
  if ('time' in values) {
    field('time', () => {
      const raw = values.time;
      patch.time = raw === null || raw === '' || raw === undefined ? DEFAULT_SETTINGS.time : parseTime(String(raw));
    });
  }
  if ('retentionDays' in values) {
    field('retentionDays', () => {
      const raw = values.retentionDays;
      patch.retentionDays = raw === null || raw === '' || raw === undefined ? DEFAULT_SETTINGS.retentionDays : parseRetention(String(raw));
    });
  }
  if (patch.enabled === true && patch.weekdays !== undefined && patch.weekdays.length === 0 && !errors.weekdays) {
    errors.weekdays = 'pick at least one weekday to enable backups';
  }
  return { patch, errors };
}
