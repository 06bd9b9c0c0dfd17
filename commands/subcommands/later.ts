// Subcommands whose services arrive with later work: they parse and validate fully and check
// the caller's role, then say plainly that the action is not available yet. Nothing changes.

import { z } from 'zod';
import { checkKnown, defineCommand, parseArgs } from '../command';
import type { AnyCommand, CommandContext } from '../command';
import { backupSetArg, instanceArg } from '../args';
import { reply } from '../../src/reply';
import type { Reply } from '../../src/reply';

function notYet(what: string): Reply {
  return reply(`${what} is not available in this version of the bot; it comes in a later version. Nothing was changed.`, { tone: 'warning' });
}

async function setInstance(id: string, ctx: CommandContext): Promise<string | null> {
  return ctx.services.backups.instanceOf(id);
}

const deleteUsage = '/backup delete <bk-...>';
export const deleteCommand: AnyCommand = defineCommand<{ set: string }>({
  name: 'delete',
  summary: 'delete a backup set for good, after a confirm dialog that names it',
  usage: deleteUsage,
  examples: ['/backup delete bk-20261124-0230-prod-1'],
  role: 'admin',
  comingLater: true,
  parse(tokens) {
    checkKnown(tokens, { usage: deleteUsage });
    return parseArgs(z.object({ set: backupSetArg, extra: z.undefined({ error: 'too many words' }) }), { set: tokens.words[1], extra: tokens.words[2] }, deleteUsage);
  },
  scope: ({ set }, ctx) => setInstance(set, ctx),
  async handle() {
    return notYet('Deleting a backup set');
  },
});

const releaseUsage = '/backup release <instance> [confirm=<instance>]';
export const releaseCommand: AnyCommand = defineCommand<{ instance: string; confirmation: string | null }>({
  name: 'release',
  summary: 'release an instance: delete all its backups, after typing its id to confirm',
  usage: releaseUsage,
  examples: ['/backup release old-1', '/backup release old-1 confirm=old-1'],
  role: 'admin',
  comingLater: true,
  options: ['confirm'],
  parse(tokens) {
    checkKnown(tokens, { usage: releaseUsage, options: ['confirm'] });
    const args = parseArgs(z.object({ instance: instanceArg, extra: z.undefined({ error: 'too many words' }) }), { instance: tokens.words[1], extra: tokens.words[2] }, releaseUsage);
    return { instance: args.instance, confirmation: tokens.options.confirm ?? null };
  },
  async scope({ instance }) {
    return instance;
  },
  async handle() {
    return notYet('Releasing an instance');
  },
});

const reconcileUsage = '/backup reconcile <instance> [--adopt]';
export const reconcileCommand: AnyCommand = defineCommand<{ instance: string; adopt: boolean }>({
  name: 'reconcile',
  summary: "compare the bot's records with the instance's repository on OSS; show and adopt unknown snapshots",
  usage: reconcileUsage,
  examples: ['/backup reconcile prod-1', '/backup reconcile prod-1 --adopt'],
  role: 'admin',
  comingLater: true,
  flags: ['adopt'],
  parse(tokens) {
    checkKnown(tokens, { usage: reconcileUsage, flags: ['adopt'] });
    const args = parseArgs(z.object({ instance: instanceArg, extra: z.undefined({ error: 'too many words' }) }), { instance: tokens.words[1], extra: tokens.words[2] }, reconcileUsage);
    return { instance: args.instance, adopt: tokens.flags.includes('adopt') };
  },
  async scope({ instance }) {
    return instance;
  },
  async handle() {
    return notYet('Reconciling with OSS');
  },
});
