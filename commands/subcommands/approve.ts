// Deciding a restore request: the Approve and Reject buttons of its approval message run
// `approve rs-... v=N` / `reject rs-... v=N` (signed), and an admin may type them too. The role
// (admin of the target) is checked by the core on the clicker, the platform's authenticated
// user; four eyes and the version are checked by the service.

import { z } from 'zod';
import { checkKnown, defineCommand, parseArgs } from '../command';
import type { AnyCommand } from '../command';
import { restoreArg } from '../args';
import { UserError } from '../../src/domain/errors';
import { quoteInput } from '../../src/domain/text';
import { reply } from '../../src/reply';

/** Built once: a zod schema costs more to build than to run. */
const argsSchema = z.object({ id: restoreArg, extra: z.undefined({ error: 'too many words' }) });

function decisionCommand(verb: 'approve' | 'reject'): AnyCommand {
  const usage = `/backup ${verb} <rs-...>`;
  return defineCommand<{ id: string; version: number | null }>({
    name: verb,
    summary:
      verb === 'approve'
        ? 'approve a restore request (an admin of the target who is not the requester; the Approve button does the same)'
        : 'reject a restore request (an admin of the target; the Reject button does the same)',
    usage,
    examples: [`/backup ${verb} rs-20261124-1015-staging-1`],
    role: 'admin',
    options: ['v'],
    reusableButtons: true,
    parse(tokens) {
      checkKnown(tokens, { usage, options: ['v'] });
      const id = parseArgs(argsSchema, { id: tokens.words[1], extra: tokens.words[2] }, usage).id;
      const v = tokens.options.v;
      if (v !== undefined && !/^[1-9]\d{0,8}$/.test(v)) throw new UserError(`v= is the request's version, a whole number; got ${quoteInput(v)}\nUsage: ${usage}`);
      return { id, version: v === undefined ? null : Number(v) };
    },
    async scope({ id }, ctx) {
      return ctx.services.restores.instanceOf(id);
    },
    async handle({ id, version }, ctx) {
      const decided = await ctx.services.restores.decide(ctx.actor, id, verb === 'approve' ? 'APPROVED' : 'REJECTED', version);
      if (decided.state === 'APPROVED') {
        return reply(
          `Approved restore *${id}*${decided.selfApproved ? ' (self-approved)' : ''}. The checks run again and the restore starts; its progress is posted in the channel of ${decided.targetInstanceId} and in /backup tasks ${decided.targetInstanceId}.`,
          { tone: 'success' },
        );
      }
      return reply(`Rejected restore request *${id}*; nothing will be restored.`, { tone: 'success' });
    },
  });
}

export const approveCommand = decisionCommand('approve');
export const rejectCommand = decisionCommand('reject');
