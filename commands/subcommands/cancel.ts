import { z } from 'zod';
import { checkKnown, defineCommand, parseArgs } from '../command';
import { isBackupSetId, isRestoreId } from '../../src/domain/ids';
import { quoteInput } from '../../src/domain/text';
import { reply } from '../../src/reply';

/** Built once: a zod schema costs more to build than to run. */
const argsSchema = z.object({
  id: z.string({ error: 'name what to cancel: a backup set (bk-...) or a restore request (rs-...)' }).refine((v) => isBackupSetId(v) || isRestoreId(v), {
    error: (i) => `expected a backup set id (bk-...) or a restore id (rs-...), got ${quoteInput(String(i.input))}`,
  }),
  extra: z.undefined({ error: 'too many words' }),
});

const usage = '/backup cancel <bk-...|rs-...>';

export const cancelCommand = defineCommand<{ id: string }>({
  name: 'cancel',
  summary: 'refused for backups and started restores (they cannot be interrupted); its requester withdraws a restore still awaiting approval',
  usage,
  examples: ['/backup cancel rs-20261124-1015-staging-1'],
  role: 'operator',
  parse(tokens) {
    checkKnown(tokens, { usage });
    const id = parseArgs(
      argsSchema,
      { id: tokens.words[1], extra: tokens.words[2] },
      usage,
    ).id;
    return { id };
  },
  async scope({ id }, ctx) {
    return isBackupSetId(id) ? ctx.services.backups.instanceOf(id) : ctx.services.restores.instanceOf(id);
  },
  async handle({ id }, ctx) {
    if (isBackupSetId(id)) return ctx.services.backups.refuseCancel(id);
    await ctx.services.restores.withdraw(ctx.actor, id);
    return reply(`Withdrew restore request *${id}*.`, { tone: 'success' });
  },
});
