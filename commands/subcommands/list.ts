import { z } from 'zod';
import { checkKnown, defineCommand, parseArgs } from '../command';
import type { CommandContext } from '../command';
import { instanceArg } from '../args';
import { deleteButton, deleteConsequence } from './delete';
import { displayState } from '../../src/domain/backup-set';
import { whyNotRestorable } from '../../src/domain/restore-rules';
import { lastGoodSets } from '../../src/domain/retention';
import { formatBytes, formatLocal } from '../../src/domain/format';
import type { BackupSet } from '../../src/domain/types';
import { reply } from '../../src/reply';
import type { Button, ReplyItem } from '../../src/reply';

/** Built once: a zod schema costs more to build than to run. */
const argsSchema = z.object({ instance: instanceArg, extra: z.undefined({ error: 'too many words' }) });

const usage = '/backup list <instance> [--all]';
const MAX_ROWS = 40;
const BUTTON_TTL_SECONDS = 24 * 3600;

/** A restorable set's Restore button: it opens the restore form (`restore bk-...`). */
function restoreButton(set: BackupSet, ctx: CommandContext): Button[] {
  if (whyNotRestorable(set, 'UTC') !== null || !ctx.services.people.allows(ctx.actor, null, 'operator')) return [];
  return [{ label: 'Restore', action: 'restore', subject: set.id, value: ctx.signer.action(`restore ${set.id}`, BUTTON_TTL_SECONDS, ctx.now) }];
}

/** Sets the Delete button is offered for (the command refuses the others with the reason). */
const DELETABLE: readonly BackupSet['state'][] = ['FINISHED', 'PARTIAL', 'MISSING'];

function expiry(set: BackupSet, state: string, zone: string): string {
  if (state === 'ORPHANED') return 'never by itself (instance gone)';
  const at = set.expiresAt ? formatLocal(new Date(set.expiresAt), zone) : '—';
  if (set.retentionHold?.reason === 'last_good') return `${at}; kept past it as the last good backup`;
  if (set.retentionHold?.reason === 'restore') return `${at}; kept past it while restore ${set.retentionHold.restoreIds.join(', ')} reads it`;
  return at;
}

function row(set: BackupSet, zone: string, known: ReadonlySet<string>, buttons: Button[]): ReplyItem {
  const state = displayState(set, known);
  const failed = set.databases.filter((d) => d.state === 'FAILED').map((d) => d.database);
  return {
    text: `*${set.id}*  ${state}${set.trigger === 'manual' ? ' (manual)' : set.trigger === 'adopted' ? ' (adopted)' : ''}`,
    fields: [
      { label: 'Started', value: formatLocal(new Date(set.startedAt), zone) },
      { label: 'Size', value: set.sizeBytes === null ? '—' : formatBytes(set.sizeBytes) },
      { label: 'Expires', value: expiry(set, state, zone) },
      ...(failed.length ? [{ label: 'Failed databases', value: failed.join(', ') }] : []),
      ...(set.deletionBlocked ? [{ label: 'Deletion blocked', value: set.deletionBlocked.reason }] : []),
    ],
    ...(buttons.length ? { buttons } : {}),
  };
}

/** A Delete button per deletable set shown, for a caller who may delete on this instance. */
async function deleteButtonsOf(ctx: CommandContext, instance: string, sets: readonly BackupSet[], shown: readonly BackupSet[], zone: string): Promise<Map<string, Button[]>> {
  const out = new Map<string, Button[]>();
  if (!ctx.services.people.allows(ctx.actor, instance, 'admin')) return out;
  // The listing holds every good set of the instance (only EXPIRED and DELETED may be hidden).
  const lastGood = lastGoodSets(sets, 1);
  const good = sets.filter((s) => s.state === 'FINISHED' || s.state === 'PARTIAL').length;
  for (const set of shown) {
    if (!DELETABLE.includes(set.state)) continue;
    const isLast = lastGood.has(set.id);
    out.set(set.id, [deleteButton(ctx, set, deleteConsequence(set, zone, isLast, isLast ? good - 1 : good))]);
  }
  return out;
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
    const args = parseArgs(argsSchema, { instance: tokens.words[1], extra: tokens.words[2] }, usage);
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
    const deleteButtons = await deleteButtonsOf(ctx, instance, sets, shown, zone);
    const notes = [`Total backup storage: ${formatBytes(total.bytes)} in ${total.sets} set${total.sets === 1 ? '' : 's'}. Times in ${zone}.`];
    if (sets.length > shown.length) notes.push(`${sets.length - shown.length} older sets not shown.`);
    if (!configured) notes.push(`${instance} is no longer in the configuration: its sets are kept (orphaned) and never expire by themselves.`);
    if (!all) notes.push('Expired and deleted sets are hidden; add --all to see them.');
    return reply(`${sets.length} backup set${sets.length === 1 ? '' : 's'} of *${instance}*`, {
      title: `Backups: ${instance}`,
      items: shown.map((s) => row(s, zone, known, [...restoreButton(s, ctx), ...(deleteButtons.get(s.id) ?? [])])),
      notes,
    });
  },
});
