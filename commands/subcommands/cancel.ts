import { z } from 'zod';
import { checkKnown, defineCommand, parseArgs } from '../command';
import { NotFoundError, UserError } from '../../src/domain/errors';
import { isBackupSetId, isRestoreId } from '../../src/domain/ids';
import { cancelRestore } from '../../src/domain/restore';
import { quoteInput } from '../../src/domain/text';
import { reply } from '../reply';

const usage = '/backup cancel <bk-...|rs-...>';

export const cancelCommand = defineCommand<{ id: string }>({
  name: 'cancel',
  summary: 'refused for backups and running restores (they cannot be interrupted); withdraws a restore still awaiting approval',
  usage,
  examples: ['/backup cancel rs-20261124-1015-staging-1'],
  role: 'operator',
  parse(tokens) {
    checkKnown(tokens, { usage });
    const id = parseArgs(
      z.object({
        id: z.string({ error: 'name what to cancel: a backup set (bk-...) or a restore request (rs-...)' }).refine((v) => isBackupSetId(v) || isRestoreId(v), {
          error: (i) => `expected a backup set id (bk-...) or a restore id (rs-...), got ${quoteInput(String(i.input))}`,
        }),
        extra: z.undefined({ error: 'too many words' }),
      }),
      { id: tokens.words[1], extra: tokens.words[2] },
      usage,
    ).id;
    return { id };
  },
  async scope({ id }, ctx) {
    if (isBackupSetId(id)) return (await ctx.services.store.getBackupSet(id))?.instanceId ?? null;
    return (await ctx.services.store.getRestoreRequest(id))?.targetInstanceId ?? null;
  },
  async handle({ id }, ctx) {
    if (isBackupSetId(id)) {
      const set = await ctx.services.store.getBackupSet(id);
      if (!set) throw new NotFoundError(`there is no backup set ${id} (see /backup list <instance>)`);
      if (set.state === 'RUNNING') {
        throw new UserError(`${id} cannot be cancelled: a backup task cannot be interrupted once it has started. It will finish (or fail) by itself; follow it with /backup tasks ${set.instanceId}.`);
      }
      throw new UserError(`${id} is not running (it is ${set.state}), so there is nothing to cancel. A backup task cannot be interrupted once started; to remove a finished backup use /backup delete ${id}.`);
    }
    const request = await ctx.services.store.getRestoreRequest(id);
    if (!request) throw new NotFoundError(`there is no restore request ${id}`);
    const withdrawn = await ctx.services.store.updateRestoreRequest(id, (current) => cancelRestore(current, ctx.now));
    await ctx.services.audit.record({ actor: ctx.actor, action: 'restore.withdraw', instanceId: request.targetInstanceId, subject: id, before: request.state, after: withdrawn.state });
    await ctx.services.announcer.announce(request.targetInstanceId, reply(`Restore request *${id}* (${request.backupSetId} → ${request.targetInstanceId}) was withdrawn by ${ctx.actor.displayName ?? ctx.actor.userId}.`));
    return reply(`Withdrew restore request *${id}*.`, { tone: 'success' });
  },
});
