import { z } from 'zod';
import { checkKnown, defineCommand, parseArgs } from '../command';
import type { CommandContext, FormSpec } from '../command';
import { readSettingsValues } from '../forms';
import { instanceArg } from '../args';
import { StaleUpdateError, UserError } from '../../src/domain/errors';
import { MAX_RETENTION_DAYS, MIN_RETENTION_DAYS, parseRetention, parseTime, parseWeekdays, describeSchedule } from '../../src/domain/settings';
import type { SettingsPatch, SettingsSaved } from '../../src/services/settings';
import { SharedDataRefusal } from '../../src/services/backupable';
import { WEEKDAYS } from '../../src/domain/types';
import type { BackupSettings, StoredSettings, Weekday } from '../../src/domain/types';
import { quoteInput } from '../../src/domain/text';
import { nextRunAt } from '../../src/domain/schedule';
import { reply } from '../../src/reply';
import { lastScheduledText, nextRunText } from '../schedule-lines';
import type { Form, Reply } from '../../src/reply';

/** Built once: a zod schema costs more to build than to run. */
const argsSchema = z.object({ instance: instanceArg });

const usage = `/backup settings <instance> [on|off] [days=mon,thu] [time=HH:mm] [retention=${MIN_RETENTION_DAYS}..${MAX_RETENTION_DAYS}]`;
const FORM_TTL_SECONDS = 3600;

export interface SettingsArgs {
  instance: string;
  patch: SettingsPatch;
}

function toPatch(words: string[], options: Record<string, string>): SettingsPatch {
  const patch: SettingsPatch = {};
  const state = words[0];
  if (state !== undefined) {
    const lower = state.toLowerCase();
    if (['on', 'enable', 'enabled'].includes(lower)) patch.enabled = true;
    else if (['off', 'disable', 'disabled'].includes(lower)) patch.enabled = false;
    else throw new UserError(`expected on or off after the instance, got ${quoteInput(state)}\nUsage: ${usage}`);
  }
  if (words.length > 1) throw new UserError(`too many words: ${quoteInput(words.slice(1).join(' '))}\nUsage: ${usage}`);
  if (options.days !== undefined) patch.weekdays = parseWeekdays(options.days);
  if (options.time !== undefined) patch.time = parseTime(options.time);
  if (options.retention !== undefined) patch.retentionDays = parseRetention(options.retention);
  return patch;
}

export function encodeSeen(s: BackupSettings): string {
  return [s.enabled ? 'on' : 'off', s.weekdays.join(','), s.time, String(s.retentionDays)].join('|');
}

export function decodeSeen(text: string): BackupSettings | undefined {
  const [enabled, days, time, retention] = text.split('|');
  if (enabled === undefined || days === undefined || time === undefined || retention === undefined) return undefined;
  const weekdays = days ? days.split(',').filter((d): d is Weekday => (WEEKDAYS as readonly string[]).includes(d)) : [];
  return { enabled: enabled === 'on', weekdays, time, retentionDays: Number(retention) };
}

/** The text form of the settings, with these values filled in (for surfaces without forms). */
export function textForm(instanceId: string, s: BackupSettings): string {
  const days = s.weekdays.length > 0 ? ` days=${s.weekdays.join(',')}` : '';
  return `/backup settings ${instanceId} ${s.enabled ? 'on' : 'off'}${days} time=${s.time} retention=${s.retentionDays}`;
}

/** What the form shows besides the values: the next run and the last scheduled result. */
export interface ScheduleFacts {
  nextRun: string;
  lastScheduled: string;
}

export async function scheduleFacts(ctx: CommandContext, current: StoredSettings, instanceId: string): Promise<ScheduleFacts> {
  const zone = ctx.services.instances.get(instanceId).timezone;
  return {
    nextRun: nextRunText(nextRunAt(current, zone, ctx.now), zone, ctx.now),
    lastScheduled: lastScheduledText(await ctx.services.catalog.lastScheduled(instanceId), zone),
  };
}

export function settingsForm(ctx: CommandContext, current: StoredSettings, instanceId: string, facts?: ScheduleFacts): Form {
  const instance = ctx.services.instances.get(instanceId);
  const peak = instance.peakHours.map((p) => `${p.from}-${p.to}`).join(', ');
  return {
    id: 'settings',
    title: 'Backup settings',
    submitLabel: 'Save',
    // What the person saw, so a stale save can say who changed what since.
    context: ctx.signer.form(
      'settings',
      { instance: instanceId, version: current.version, seen: encodeSeen(current) },
      FORM_TTL_SECONDS,
      ctx.now,
    ),
    fields: [
      { kind: 'readonly', name: 'instance', label: 'Instance', value: `${instance.id} (${instance.displayName})` },
      { kind: 'toggle', name: 'enabled', label: 'Enable backup', initial: current.enabled },
      { kind: 'weekdays', name: 'weekdays', label: 'Backup cycle (weekly)', initial: current.weekdays, hint: 'At most one backup a day.' },
      {
        kind: 'time',
        name: 'time',
        label: `Backup time (${instance.timezone})`,
        initial: current.time,
        hint: peak ? `Peak hours of this instance: ${peak}. A backup reads and copies data files; prefer off-peak hours.` : 'A backup reads and copies data files; prefer off-peak hours.',
      },
      { kind: 'number', name: 'retentionDays', label: 'Retention (days)', initial: current.retentionDays, min: MIN_RETENTION_DAYS, max: MAX_RETENTION_DAYS, hint: `Whole days from ${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS}.` },
      { kind: 'readonly', name: 'region', label: 'Storage region', value: `${instance.region} (fixed to the instance region)` },
      ...(facts
        ? [
            { kind: 'readonly' as const, name: 'nextRun', label: 'Next run', value: facts.nextRun },
            { kind: 'readonly' as const, name: 'lastScheduled', label: 'Last scheduled run', value: facts.lastScheduled },
          ]
        : []),
    ],
  };
}

export function savedReply(instanceId: string, saved: SettingsSaved, zone: string, now: Date): Reply {
  if (saved.changes.length === 0) {
    return reply(`Nothing changed for *${instanceId}*: ${describeSchedule(saved.after, zone)}.`, { notes: saved.warnings });
  }
  const next = nextRunText(nextRunAt(saved.after, zone, now), zone, now);
  return reply(`Saved the backup settings of *${instanceId}*: ${saved.changes.join('; ')}.\nSchedule: ${describeSchedule(saved.after, zone)}. Next run: ${next}.`, {
    tone: saved.warnings.length ? 'warning' : 'success',
    notes: [...saved.warnings, ...saved.notes],
  });
}

/** The settings form's submission: field errors stay in the form; a stale save says who changed what. */
export const settingsFormSpec: FormSpec = {
  id: 'settings',
  scope: (data) => String(data.instance),
  async submit(submission, data, ctx) {
    const instanceId = String(data.instance);
    const { patch, errors } = readSettingsValues(submission.values);
    if (Object.keys(errors).length > 0) return { ok: false, errors };
    const instance = ctx.services.instances.get(instanceId);
    try {
      const seen = typeof data.seen === 'string' ? decodeSeen(data.seen) : undefined;
      const saved = await ctx.services.settings.save(ctx.actor, instanceId, patch, Number(data.version), seen);
      return { ok: true, reply: savedReply(instanceId, saved, instance.timezone, ctx.now) };
    } catch (err) {
      if (err instanceof StaleUpdateError || err instanceof SharedDataRefusal) return { ok: false, errors: { enabled: err.message } };
      if (err instanceof UserError) return { ok: false, errors: { weekdays: err.message } };
      throw err;
    }
  },
};

export const settingsCommand = defineCommand<SettingsArgs>({
  name: 'settings',
  summary: 'open the backup settings form of an instance, or set them in text form',
  usage,
  examples: ['/backup settings prod-1', '/backup settings prod-1 on days=mon,thu time=02:30 retention=14', '/backup settings prod-1 off'],
  role: 'operator',
  options: ['days', 'time', 'retention'],
  forms: [settingsFormSpec],
  parse(tokens) {
    checkKnown(tokens, { usage, options: ['days', 'time', 'retention'] });
    const instance = parseArgs(argsSchema, { instance: tokens.words[1] }, usage).instance;
    return { instance, patch: toPatch(tokens.words.slice(2), tokens.options) };
  },
  async scope(args) {
    return args.instance;
  },
  async handle({ instance, patch }, ctx) {
    const inst = ctx.services.instances.get(instance);
    if (Object.keys(patch).length === 0) {
      const current = await ctx.services.settings.current(instance);
      const facts = await scheduleFacts(ctx, current, instance);
      return reply(
        `Backup settings of *${instance}*: ${describeSchedule(current, inst.timezone)}. Storage region: ${inst.region} (read-only).\nNext run: ${facts.nextRun}. Last scheduled run: ${facts.lastScheduled}.`,
        {
          title: `Backup settings: ${instance}`,
          form: settingsForm(ctx, current, instance, facts),
          notes: [`Text form: ${textForm(instance, current)}`],
        },
      );
    }
    const saved = await ctx.services.settings.save(ctx.actor, instance, patch, null);
    return savedReply(instance, saved, inst.timezone, ctx.now);
  },
});
