// `/backup reconcile <instance> [--adopt]` (admin): compares the store with the instance's
// repository on OSS. Shows snapshots the bot has no record of (time, size), marks sets whose
// snapshots are gone MISSING, and with --adopt makes the complete unknown snapshots backup sets.

import { z } from 'zod';
import { checkKnown, defineCommand, parseArgs } from '../command';
import { instanceArg } from '../args';
import { formatBytes, formatLocal } from '../../src/domain/format';
import { joinAnd, plural } from '../../src/domain/text';
import { reply } from '../../src/reply';
import type { ReplyItem } from '../../src/reply';
import type { ReconcileReport } from '../../src/services/retention/reconcile';

/** Built once: a zod schema costs more to build than to run. */
const argsSchema = z.object({ instance: instanceArg, extra: z.undefined({ error: 'too many words' }) });

const usage = '/backup reconcile <instance> [--adopt]';
const SHOWN = 30;

function unknownItems(report: ReconcileReport): ReplyItem[] {
  return report.unknown.slice(0, SHOWN).map((u) => ({
    text: `*${u.snapshotName}*  ${u.complete ? 'complete' : 'incomplete'}${u.leftoverOf ? ` (left over from ${u.leftoverOf})` : ''}`,
    fields: [
      { label: 'Backup time', value: u.backupTimestamp ? `${u.backupTimestamp} (cluster time)` : '—' },
      { label: 'Size', value: `${formatBytes(u.sizeBytes)} (${plural(u.objects, 'object')})` },
    ],
  }));
}

export function reconcileReply(report: ReconcileReport, adopt: boolean, now: Date): ReturnType<typeof reply> {
  const lines = [`${plural(report.matched, 'backup set')} match${report.matched === 1 ? 'es' : ''} ${report.matched === 1 ? 'its' : 'their'} snapshots.`];
  if (report.missing.length) lines.push(`Marked MISSING (snapshots gone from OSS): ${joinAnd(report.missing)}.`);
  for (const p of report.partlyMissing) lines.push(`${p.setId}: the snapshots of ${joinAnd(p.databases)} are gone from OSS.`);
  if (report.found.length) lines.push(`Found again (restorable): ${joinAnd(report.found)}.`);
  const adoptable = report.unknown.filter((u) => u.complete && u.leftoverOf === null);
  if (report.unknown.length) lines.push(`${plural(report.unknown.length, 'snapshot')} on OSS the bot has no record of (${formatBytes(report.unknown.reduce((n, u) => n + u.sizeBytes, 0))}):`);
  else lines.push('No snapshot on OSS is unknown to the bot.');
  const notes: string[] = [];
  for (const set of report.adopted) {
    const expired = set.expiresAt !== null && Date.parse(set.expiresAt) <= now.getTime();
    notes.push(
      `Adopted ${set.id}: ${joinAnd(set.databases.map((d) => d.database))}, ${formatBytes(set.sizeBytes ?? 0)}, expires ${set.expiresAt ? formatLocal(new Date(set.expiresAt), report.zone) : '—'}${expired ? ' (already past: the next retention sweep deletes it unless it is the last good backup)' : ''}.`,
    );
  }
  if (!adopt && adoptable.length) notes.push(`Add --adopt to make the ${plural(adoptable.length, 'complete one')} backup sets (expiry counted from the snapshot time with the current retention).`);
  if (report.unknown.some((u) => !u.complete || u.leftoverOf !== null)) notes.push('Incomplete snapshots and leftovers are never adopted; they stay on OSS until removed by hand.');
  if (report.unknown.length > SHOWN) notes.push(`${report.unknown.length - SHOWN} more unknown snapshots not shown.`);
  return reply(`Reconciled *${report.instanceId}* with OSS (${report.bucket}/${report.repositoryRoot}/).\n${lines.join('\n')}`, {
    title: `Reconcile: ${report.instanceId}`,
    tone: report.missing.length || report.partlyMissing.length ? 'warning' : report.adopted.length ? 'success' : 'info',
    items: unknownItems(report),
    notes,
  });
}

export const reconcileCommand = defineCommand<{ instance: string; adopt: boolean }>({
  name: 'reconcile',
  summary: "compare the bot's records with the instance's repository on OSS; show and adopt unknown snapshots",
  usage,
  examples: ['/backup reconcile prod-1', '/backup reconcile prod-1 --adopt'],
  role: 'admin',
  flags: ['adopt'],
  parse(tokens) {
    checkKnown(tokens, { usage, flags: ['adopt'] });
    const args = parseArgs(argsSchema, { instance: tokens.words[1], extra: tokens.words[2] }, usage);
    return { instance: args.instance, adopt: tokens.flags.includes('adopt') };
  },
  async scope({ instance }) {
    return instance;
  },
  async handle({ instance, adopt }, ctx) {
    const report = await ctx.services.reconciler.reconcile(ctx.actor, instance, { adopt });
    return reconcileReply(report, adopt, ctx.now);
  },
});
