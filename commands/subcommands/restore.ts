import { z } from 'zod';
import { checkKnown, defineCommand, parseArgs } from '../command';
import type { CommandContext, FormSpec } from '../command';
import { backupSetArg, instanceArg } from '../args';
import { UserError } from '../../src/domain/errors';
import { formatBytes, formatLocal } from '../../src/domain/format';
import { joinAnd, quoteInput } from '../../src/domain/text';
import { RestoreRefusal } from '../../src/services/restore/preflight';
import type { RestoreChoices, RestoreRequested } from '../../src/services/restore/service';
import { reply } from '../../src/reply';
import type { Form, FormField, Reply } from '../../src/reply';

/** Built once: a zod schema costs more to build than to run. */
const argsSchema = z.object({ set: backupSetArg, target: instanceArg.optional(), extra: z.undefined({ error: 'too many words' }) });

const usage = '/backup restore <bk-...> [to <instance>] [databases=db1,db2] [replicas=N]';
const FORM_TTL_SECONDS = 3600;
export const MAX_REPLICAS = 16;

export interface RestoreArgs {
  set: string;
  target: string | null;
  databases: string[] | null;
  replicas: number | null;
}

export function parseDatabases(text: string): string[] {
  const names = text.split(',').map((d) => d.trim()).filter(Boolean);
  const bad = names.find((d) => !/^[A-Za-z][A-Za-z0-9_]{0,255}$/.test(d));
  if (bad !== undefined || names.length === 0) {
    throw new UserError(`databases= takes database names (letters, digits, underscore) separated by commas${bad !== undefined ? `, got ${quoteInput(bad)}` : ''}`);
  }
  return [...new Set(names)];
}

export function parseReplicas(text: string): number {
  const n = /^\d{1,3}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_REPLICAS) throw new UserError(`replicas= takes a whole number from 1 to ${MAX_REPLICAS}, got ${quoteInput(text)}`);
  return n;
}

/** The text form of a restore, with these values filled in (for surfaces without forms). */
export function restoreText(set: string, target: string, databases: string[], replicas: number): string {
  return `/backup restore ${set} to ${target} databases=${databases.join(',')} replicas=${replicas}`;
}

/** The instances that qualify, to choose from; a text field when none does (the preflight says why). */
function targetField(region: string, targets: RestoreChoices['targets']): FormField {
  const rule = `Another instance in ${region}, shared-nothing, holding none of the databases.`;
  if (targets.length === 0) {
    return { kind: 'text', name: 'target', label: 'Restore into (instance)', initial: '', hint: `No instance you may restore into qualifies now. ${rule}` };
  }
  const options = targets.map((t) => ({ value: t.id, label: t.note ? `${t.id} (${t.note})` : t.id }));
  return { kind: 'choice', name: 'target', label: 'Restore into (instance)', options, initial: targets[0]?.id ?? '', hint: rule };
}

function restoreForm(ctx: CommandContext, choices: RestoreChoices): Form {
  const { set, targets, databases, replicas } = choices;
  const zone = ctx.services.instances.find(set.instanceId)?.timezone ?? 'UTC';
  const snapshots = set.databases.filter((d) => d.snapshotAt).map((d) => Date.parse(d.snapshotAt as string));
  const taken = snapshots.length ? formatLocal(new Date(Math.min(...snapshots)), zone) : 'unknown';
  return {
    id: 'restore',
    title: 'Restore a backup',
    submitLabel: 'Ask for approval',
    context: ctx.signer.form('restore', { set: set.id }, FORM_TTL_SECONDS, ctx.now),
    fields: [
      { kind: 'readonly', name: 'set', label: 'Backup set', value: `${set.id} of ${set.instanceId}: ${set.state}, ${set.sizeBytes === null ? 'size unknown' : formatBytes(set.sizeBytes)}, snapshot taken ${taken}` },
      targetField(set.region, targets),
      { kind: 'text', name: 'databases', label: 'Databases', initial: databases.join(','), hint: `Restorable: ${joinAnd(databases)} (default: all). Separate with commas.` },
      { kind: 'number', name: 'replicas', label: 'Replication number', initial: replicas, min: 1, max: MAX_REPLICAS, hint: `Default: the source's (${replicas}). The target needs at least as many live backends.` },
      { kind: 'readonly', name: 'approval', label: 'Approval', value: 'The request is posted in the channel of the target; an admin of the target other than you approves it. A started restore cannot be cancelled.' },
    ],
  };
}

function requestedReply(done: RestoreRequested, ctx: CommandContext): Reply {
  const r = done.request;
  const target = ctx.services.instances.find(r.targetInstanceId);
  return reply(
    `Asked for restore *${r.id}*: ${r.backupSetId} into *${r.targetInstanceId}* (${joinAnd(r.databases)}; replication ${r.replicationNum}). ` +
      `It is posted in the channel of ${r.targetInstanceId}, where an admin${target?.selfApproval ? ' (you too: self-approval is on there)' : ' other than you'} approves it before ${formatLocal(new Date(r.approvalExpiresAt), target?.timezone ?? 'UTC')}.`,
    { tone: 'success', notes: [...done.warnings, `To withdraw it before a decision: /backup cancel ${r.id}`] },
  );
}

const formValue = (v: string | string[] | boolean | null | undefined): string => (Array.isArray(v) ? v.join(',') : v === null || v === undefined ? '' : String(v)).trim();

/** The restore form's submission: bad values and preflight refusals stay in the form, by field. */
export const restoreFormSpec: FormSpec = {
  id: 'restore',
  // The target is chosen in the form: the service checks the operator role on it.
  scope: () => null,
  async submit(submission, data, ctx) {
    const errors: Record<string, string> = {};
    const target = formValue(submission.values.target);
    const dbText = formValue(submission.values.databases);
    const replicaText = formValue(submission.values.replicas);
    if (!instanceArg.safeParse(target).success) errors.target = target === '' ? 'name the instance to restore into' : `instance ids are lowercase letters, digits and hyphens, like staging-1; got ${quoteInput(target)}`;
    let databases: string[] | null = null;
    let replicas: number | null = null;
    try {
      databases = dbText === '' ? null : parseDatabases(dbText);
    } catch (err) {
      if (err instanceof UserError) errors.databases = err.message;
      else throw err;
    }
    try {
      replicas = replicaText === '' ? null : parseReplicas(replicaText);
    } catch (err) {
      if (err instanceof UserError) errors.replicas = err.message;
      else throw err;
    }
    if (Object.keys(errors).length > 0) return { ok: false, errors };
    try {
      const done = await ctx.services.restores.request(ctx.actor, { setId: String(data.set), targetId: target, databases, replicas });
      return { ok: true, reply: requestedReply(done, ctx) };
    } catch (err) {
      if (err instanceof RestoreRefusal) return { ok: false, errors: { [err.field === 'set' ? 'target' : err.field]: err.message } };
      if (err instanceof UserError) return { ok: false, errors: { target: err.message } };
      throw err;
    }
  },
};

export const restoreCommand = defineCommand<RestoreArgs>({
  name: 'restore',
  summary: 'restore a backup set into another (new) instance: opens the restore form, or asks in text form; an admin of the target approves it',
  usage,
  examples: ['/backup restore bk-20261124-0230-prod-1', '/backup restore bk-20261124-0230-prod-1 to staging-1', '/backup restore bk-20261124-0230-prod-1 to staging-1 databases=sales replicas=1'],
  role: 'operator',
  options: ['databases', 'replicas'],
  forms: [restoreFormSpec],
  reusableButtons: true,
  parse(tokens) {
    checkKnown(tokens, { usage, options: ['databases', 'replicas'] });
    const [, set, to, target, extra] = tokens.words;
    if (to !== undefined && to.toLowerCase() !== 'to') throw new UserError(`expected "to" after the backup set, got ${quoteInput(to)}\nUsage: ${usage}`);
    if (to !== undefined && target === undefined) throw new UserError(`name the instance to restore into after "to"\nUsage: ${usage}`);
    const args = parseArgs(argsSchema, { set, target, extra }, usage);
    const withUsage = <T>(read: () => T): T => {
      try {
        return read();
      } catch (err) {
        if (err instanceof UserError) throw new UserError(`${err.message}\nUsage: ${usage}`);
        throw err;
      }
    };
    const databases = tokens.options.databases === undefined ? null : withUsage(() => parseDatabases(tokens.options.databases as string));
    const replicas = tokens.options.replicas === undefined ? null : withUsage(() => parseReplicas(tokens.options.replicas as string));
    if (args.target === undefined && (databases !== null || replicas !== null)) throw new UserError(`name the instance to restore into: to <instance>\nUsage: ${usage}`);
    return { set: args.set, target: args.target ?? null, databases, replicas };
  },
  // Without a target the form opens (the target is chosen there): operator anywhere.
  async scope({ target }) {
    return target;
  },
  async handle({ set, target, databases, replicas }, ctx) {
    if (target === null) {
      const choices = await ctx.services.restores.choices(ctx.actor, set);
      if (choices.targets.length === 0) {
        throw new UserError(`no instance qualifies as a target for ${set}: a target is another instance in ${choices.set.region}, shared-nothing, on which you are an operator`);
      }
      const first = choices.targets[0]?.id as string;
      return reply(`Restore *${set}* (${choices.set.instanceId}): choose the target, the databases and the replication number.`, {
        title: `Restore ${set}`,
        form: restoreForm(ctx, choices),
        notes: [`Text form: ${restoreText(set, first, choices.databases, choices.replicas)}`],
      });
    }
    const done = await ctx.services.restores.request(ctx.actor, { setId: set, targetId: target, databases, replicas });
    return requestedReply(done, ctx);
  },
});
