import { z } from 'zod';
import { checkKnown, defineCommand, parseArgs } from '../command';
import { instanceArg } from '../args';
import { displayState } from '../../src/domain/backup-set';
import { whyNotRestorable } from '../../src/domain/restore-rules';
import { formatBytes, formatLocal } from '../../src/domain/format';
import type { BackupSet } from '../../src/domain/types';
import { reply } from '../../src/reply';
import type { Button, ReplyItem } from '../../src/reply';
import type { CommandContext } from '../command';

const usage = '/backup list <instance> [--all]';
const MAX_ROWS = 40;
const BUTTON_TTL_SECONDS = 24 * 3600;

/** A restorable set's Restore button: it opens the restore form (`restore bk-...`). */
function restoreButton(set: BackupSet, ctx: CommandContext): Button[] {
  if (whyNotRestorable(set, 'UTC') !== null || !ctx.services.people.allows(ctx.actor, null, 'operator')) return [];
  return [{ label: 'Restore', action: 'restore', subject: set.id, value: ctx.signer.action(`restore ${set.id}`, BUTTON_TTL_SECONDS, ctx.now) }];
}

function row(set: BackupSet, zone: string, known: ReadonlySet<string>, buttons: Button[]): ReplyItem {
  const state = displayState(set, known);
  const failed = set.databases.filter((d) => d.state === 'FAILED').map((d) => d.database);
  return {
    text: `*${set.id}*  ${state}${set.trigger === 'manual' ? ' (manual)' : set.trigger === 'adopted' ? ' (adopted)' : ''}`,
    fields: [
      { label: 'Started', value: formatLocal(new Date(set.startedAt), zone) },
      { label: 'Size', value: set.sizeBytes === null ? '—' : formatBytes(set.sizeBytes) },
      { label: 'Expires', value: state === 'ORPHANED' ? 'never by itself (instance gone)' : set.expiresAt ? formatLocal(new Date(set.expiresAt), zone) : '—' },
      ...(failed.length ? [{ label: 'Failed databases', value: failed.join(', ') }] : []),
    ],
    ...(buttons.length ? { buttons } : {}),
  };
}

export const listCommand = defineCommand<{ instance: string; all: boolean }>({
  name: 'list',
  summary: 'backup sets of an instance, newest first: id, start time, state, size, expiry',
  usage,
  examples: ['/backup list prod-1', '/backup list prod-1 --all'],
  role: 'viewer',
  flags: ['all'],
  parse(tokens) {
    checkKnown(tokens, { usage, flags: ['all'] });
    const args = parseArgs(z.object({ instance: instanceArg, extra: z.undefined({ error: 'too many words' }) }), { instance: tokens.words[1], extra: tokens.words[2] }, usage);
    return { instance: args.instance, all: tokens.flags.includes('all') };
  },
  async scope(args) {
    return args.instance;
  },
  async handle({ instance, all }, ctx) {
    const { sets, total, configured, zone } = await ctx.services.catalog.listing(instance, all);
    const known = ctx.services.instances.ids();
    if (sets.length === 0) {
      return reply(`No backup sets for *${instance}*${all ? '' : ' (expired and deleted ones are hidden; add --all)'}.`);
    }
    const shown = sets.slice(0, MAX_ROWS);
    const notes = [`Total backup storage: ${formatBytes(total.bytes)} in ${total.sets} set${total.sets === 1 ? '' : 's'}. Times in ${zone}.`];
    if (sets.length > shown.length) notes.push(`${sets.length - shown.length} older sets not shown.`);
    if (!configured) notes.push(`${instance} is no longer in the configuration: its sets are kept (orphaned) and never expire by themselves.`);
    if (!all) notes.push('Expired and deleted sets are hidden; add --all to see them.');
    return reply(`${sets.length} backup set${sets.length === 1 ? '' : 's'} of *${instance}*`, {
      title: `Backups: ${instance}`,
      items: shown.map((s) => row(s, zone, known, restoreButton(s, ctx))),
      notes,
    });
  },
});
