// `/backup delete bk-...` (admin): a confirm dialog that names the set, its time and size, says
// it cannot be undone and whether it is the instance's last good backup; the click starts the
// deletion (a task with progress; DELETED at the end, announced in the channel).

import { z } from 'zod';
import { checkKnown, defineCommand, parseArgs } from '../command';
import type { CommandContext } from '../command';
import { backupSetArg } from '../args';
import { formatBytes, formatLocal } from '../../src/domain/format';
import { plural } from '../../src/domain/text';
import type { BackupSet } from '../../src/domain/types';
import { reply } from '../../src/reply';
import type { Button } from '../../src/reply';

/** Built once: a zod schema costs more to build than to run. */
const argsSchema = z.object({ set: backupSetArg, extra: z.undefined({ error: 'too many words' }) });

const usage = '/backup delete <bk-...>';
const CONFIRM_TTL_SECONDS = 15 * 60;

/** What deleting this set means, in one sentence for the confirm dialog. */
export function deleteConsequence(set: BackupSet, zone: string, lastGood: boolean, othersGood: number): string {
  const size = set.sizeBytes === null ? 'size unknown' : formatBytes(set.sizeBytes);
  const last = !lastGood
    ? ''
    : othersGood === 0
      ? ` It is the only good backup of ${set.instanceId}: afterwards ${set.instanceId} has no backup to restore.`
      : ` It is the newest good backup of ${set.instanceId} (${plural(othersGood, 'older good backup')} would remain).`;
  return `Delete backup ${set.id} of ${set.instanceId} (started ${formatLocal(new Date(set.startedAt), zone)}, ${size})? This cannot be undone: its data is deleted from OSS and it can never be restored.${last}`;
}

/** The Delete button (danger, with the confirm dialog) for a set. */
export function deleteButton(ctx: CommandContext, set: BackupSet, consequence: string): Button {
  return {
    label: 'Delete',
    style: 'danger',
    action: 'delete',
    subject: set.id,
    value: ctx.signer.action(`delete ${set.id}`, CONFIRM_TTL_SECONDS, ctx.now),
    confirm: { title: `Delete ${set.id}?`, text: consequence, confirm: 'Delete for good', deny: 'Keep it' },
  };
}

export const deleteCommand = defineCommand<{ set: string }>({
  name: 'delete',
  summary: 'delete a backup set for good, after a confirm dialog that names it',
  usage,
  examples: ['/backup delete bk-20261124-0230-prod-1'],
  role: 'admin',
  parse(tokens) {
    checkKnown(tokens, { usage });
    return parseArgs(argsSchema, { set: tokens.words[1], extra: tokens.words[2] }, usage);
  },
  scope: ({ set }, ctx) => ctx.services.backups.instanceOf(set),
  async handle({ set: id }, ctx) {
    if (!ctx.confirmed) {
      const { set, zone, lastGood, othersGood } = await ctx.services.deletions.preview(id);
      const consequence = deleteConsequence(set, zone, lastGood, othersGood);
      return reply(consequence, { tone: 'warning', title: `Delete ${id}?`, buttons: [deleteButton(ctx, set, consequence)] });
    }
    const set = await ctx.services.deletions.request(ctx.actor, id);
    return reply(`Deleting *${id}* of ${set.instanceId}: its objects are being removed from OSS. Progress: /backup tasks ${set.instanceId}; the channel is told when it is gone.`, { tone: 'success' });
  },
});
