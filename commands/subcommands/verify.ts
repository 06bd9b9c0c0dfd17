import { z } from 'zod';
import { checkKnown, defineCommand, parseArgs } from '../command';
import { restoreArg } from '../args';
import type { VerifyLine } from '../../src/services/restore/verify';
import { reply } from '../../src/reply';

/** Built once: a zod schema costs more to build than to run. */
const argsSchema = z.object({ restore: restoreArg, extra: z.undefined({ error: 'too many words' }) });

const usage = '/backup verify <rs-...> [--full]';
const MAX_LINES = 40;

function line(l: VerifyLine): string {
  // An unpartitioned table's single partition carries the table's name: not worth repeating.
  const partition = l.partition !== null && l.partition !== l.table ? ` ${l.partition}` : '';
  const where = l.table === '*' ? l.database : `${l.database}.${l.table}${partition}`;
  return `- ${l.ok ? '✔' : '✖'} ${where}: ${l.detail}`;
}

export const verifyCommand = defineCommand<{ restore: string; full: boolean }>({
  name: 'verify',
  summary: 'after a restore: what the snapshot recorded beside the restored tables and partitions (--full adds a COUNT(*) per table)',
  usage,
  examples: ['/backup verify rs-20261124-1015-staging-1', '/backup verify rs-20261124-1015-staging-1 --full'],
  role: 'operator',
  flags: ['full'],
  reusableButtons: true,
  parse(tokens) {
    checkKnown(tokens, { usage, flags: ['full'] });
    const args = parseArgs(argsSchema, { restore: tokens.words[1], extra: tokens.words[2] }, usage);
    return { restore: args.restore, full: tokens.flags.includes('full') };
  },
  async scope({ restore }, ctx) {
    return ctx.services.restores.instanceOf(restore);
  },
  async handle({ restore, full }, ctx) {
    const report = await ctx.services.restores.verify(ctx.actor, restore, full);
    const shown = report.lines.slice(0, MAX_LINES);
    const notes = [
      "Compared per partition: its version and, where the snapshot's metadata records them, its rows.",
      ...(report.lines.length > shown.length ? [`${report.lines.length - shown.length} more lines not shown${report.mismatches > shown.length ? '' : ' (all of them match)'}.`] : []),
      ...(full ? [] : [`For a full row count of every table: /backup verify ${restore} --full`]),
    ];
    const head = report.mismatches
      ? `✖ ${report.mismatches} mismatch${report.mismatches === 1 ? '' : 'es'} between the snapshot and *${report.request.targetInstanceId}*`
      : `✔ The restored tables on *${report.request.targetInstanceId}* match the snapshot`;
    return reply(`${head} (${report.tables} tables, ${report.partitions} partitions${full ? ', rows counted' : ''}).\n${shown.map(line).join('\n')}`, {
      title: `Verify ${restore}`,
      tone: report.mismatches ? 'error' : 'success',
      notes,
    });
  },
});
