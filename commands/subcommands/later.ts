// Subcommands whose services arrive with later work: they parse and validate fully and check
// the caller's role, then say plainly that the action is not available yet. Nothing changes.

import { z } from 'zod';
import { checkKnown, defineCommand, parseArgs } from '../command';
import type { AnyCommand } from '../command';
import { backupSetArg, instanceArg, restoreArg } from '../args';
import { UserError } from '../../src/domain/errors';
import { quoteInput } from '../../src/domain/text';
import { reply } from '../../src/reply';
import type { Reply } from '../../src/reply';

function notYet(what: string): Reply {
  return reply(`${what} is not available in this version of the bot; it comes in a later version. Nothing was changed.`, { tone: 'warning' });
}

const restoreUsage = '/backup restore <bk-...> to <instance> [databases=db1,db2]';
export const restoreCommand: AnyCommand = defineCommand<{ set: string; target: string; databases: string[] | null }>({
  name: 'restore',
  summary: 'request a restore of a backup set into another (new) instance; an admin approves it',
  usage: restoreUsage,
  examples: ['/backup restore bk-20261124-0230-prod-1 to staging-1', '/backup restore bk-20261124-0230-prod-1 to staging-1 databases=sales'],
  role: 'operator',
  comingLater: true,
  options: ['databases'],
  parse(tokens) {
    checkKnown(tokens, { usage: restoreUsage, options: ['databases'] });
    const [, set, to, target, extra] = tokens.words;
    if (to !== undefined && to.toLowerCase() !== 'to') throw new UserError(`expected "to" after the backup set, got ${quoteInput(to)}\nUsage: ${restoreUsage}`);
    const args = parseArgs(
      z.object({ set: backupSetArg, target: instanceArg, extra: z.undefined({ error: 'too many words' }) }),
      { set, target, extra },
      restoreUsage,
    );
    const databases = tokens.options.databases === undefined ? null : tokens.options.databases.split(',').map((d) => d.trim()).filter(Boolean);
    if (databases && databases.some((d) => !/^[A-Za-z][A-Za-z0-9_]{0,255}$/.test(d))) {
      throw new UserError(`databases= takes database names (letters, digits, underscore) separated by commas\nUsage: ${restoreUsage}`);
    }
    return { set: args.set, target: args.target, databases };
  },
  async scope({ target }) {
    return target;
  },
  async handle() {
    return notYet('Restoring a backup set');
  },
});

const verifyUsage = '/backup verify <rs-...> [--full]';
export const verifyCommand: AnyCommand = defineCommand<{ restore: string; full: boolean }>({
  name: 'verify',
  summary: 'after a restore: compare what the snapshot recorded with the restored tables and partitions',
  usage: verifyUsage,
  examples: ['/backup verify rs-20261124-1015-staging-1', '/backup verify rs-20261124-1015-staging-1 --full'],
  role: 'operator',
  comingLater: true,
  flags: ['full'],
  parse(tokens) {
    checkKnown(tokens, { usage: verifyUsage, flags: ['full'] });
    const args = parseArgs(z.object({ restore: restoreArg, extra: z.undefined({ error: 'too many words' }) }), { restore: tokens.words[1], extra: tokens.words[2] }, verifyUsage);
    return { restore: args.restore, full: tokens.flags.includes('full') };
  },
  async scope({ restore }, ctx) {
    return ctx.services.restores.instanceOf(restore);
  },
  async handle() {
    return notYet('Verifying a restore');
  },
});
