// `/backup release <instance>` (admin): lists what would be deleted and asks for the instance id
// to be typed (a form, or `confirm=<instance>` in text); then the instance is released: no
// schedule, no runs, and every backup set of it deleted (a task with progress).

import { z } from 'zod';
import { checkKnown, defineCommand, parseArgs } from '../command';
import type { CommandContext, FormSpec } from '../command';
import { instanceArg } from '../args';
import { formatBytes, formatLocal } from '../../src/domain/format';
import { joinAnd, plural } from '../../src/domain/text';
import { UserError } from '../../src/domain/errors';
import { reply } from '../../src/reply';
import type { Form, Reply } from '../../src/reply';

/** Built once: a zod schema costs more to build than to run. */
const argsSchema = z.object({ instance: instanceArg, extra: z.undefined({ error: 'too many words' }) });

const usage = '/backup release <instance> [confirm=<instance>]';
const FORM_TTL_SECONDS = 15 * 60;
const SHOWN = 20;

function releaseForm(ctx: CommandContext, instanceId: string): Form {
  return {
    id: 'release',
    title: `Release ${instanceId}`,
    submitLabel: 'Release and delete',
    context: ctx.signer.form('release', { instance: instanceId }, FORM_TTL_SECONDS, ctx.now),
    fields: [{ kind: 'text', name: 'confirm', label: `Type ${instanceId} to confirm`, initial: '', hint: 'Every backup of this instance is deleted for good.' }],
  };
}

async function released(ctx: CommandContext, instanceId: string, typed: string): Promise<Reply> {
  const { release, sets } = await ctx.services.releases.release(ctx.actor, instanceId, typed);
  const names = sets.slice(0, SHOWN).map((s) => s.id);
  if (sets.length > SHOWN) names.push(`${sets.length - SHOWN} more`);
  const deleting = sets.length
    ? `Deleting ${plural(sets.length, 'backup set')} (${formatBytes(release.bytes)}): ${joinAnd(names)}. Progress: /backup tasks ${instanceId}; the channel is told when they are gone.`
    : 'It had no backup data to delete.';
  return reply(
    `Released *${instanceId}*: no schedule and no backup runs any more. ${deleting}`,
    { tone: 'success', notes: [`${instanceId} stays in the configuration as released until it is removed from the configuration file.`] },
  );
}

export const releaseFormSpec: FormSpec = {
  id: 'release',
  scope: (data) => String(data.instance),
  async submit(submission, data, ctx) {
    const instanceId = String(data.instance);
    const typed = submission.values.confirm;
    if (typeof typed !== 'string' || typed.trim() !== instanceId) {
      return { ok: false, errors: { confirm: `Type the instance id ${instanceId} exactly to release it; nothing was deleted.` } };
    }
    return { ok: true, reply: await released(ctx, instanceId, typed.trim()) };
  },
};

export const releaseCommand = defineCommand<{ instance: string; confirmation: string | null }>({
  name: 'release',
  summary: 'release an instance: no more backups, and all its backups deleted, after typing its id to confirm',
  usage,
  examples: ['/backup release old-1', '/backup release old-1 confirm=old-1'],
  role: 'admin',
  options: ['confirm'],
  forms: [releaseFormSpec],
  parse(tokens) {
    checkKnown(tokens, { usage, options: ['confirm'] });
    const args = parseArgs(argsSchema, { instance: tokens.words[1], extra: tokens.words[2] }, usage);
    const confirmation = tokens.options.confirm ?? null;
    if (confirmation !== null && confirmation.length > 100) throw new UserError(`confirm= takes the instance id\nUsage: ${usage}`);
    return { instance: args.instance, confirmation };
  },
  async scope({ instance }) {
    return instance;
  },
  async handle({ instance, confirmation }, ctx) {
    if (confirmation !== null) return released(ctx, instance, confirmation);
    const preview = await ctx.services.releases.preview(instance);
    const lines = preview.sets.slice(0, SHOWN).map((s) => `- ${s.id}: ${s.state}, started ${formatLocal(new Date(s.startedAt), preview.zone)}, ${s.sizeBytes === null ? 'size unknown' : formatBytes(s.sizeBytes)}`);
    if (preview.sets.length > SHOWN) lines.push(`- and ${preview.sets.length - SHOWN} more`);
    const what = preview.sets.length
      ? `This deletes all ${plural(preview.sets.length, 'backup set')} of ${instance} (${formatBytes(preview.bytes)}) for good:\n${lines.join('\n')}`
      : `${instance} has no backup data to delete.`;
    return reply(`Release *${instance}*? The bot stops scheduling and running its backups. ${what}\nThis cannot be undone. Type the instance id to confirm.`, {
      tone: 'warning',
      title: `Release ${instance}?`,
      form: releaseForm(ctx, instance),
      notes: [`Text form: /backup release ${instance} confirm=${instance}`, `Snapshots on OSS the bot has no record of are not touched (see /backup reconcile ${instance}).`],
    });
  },
});
