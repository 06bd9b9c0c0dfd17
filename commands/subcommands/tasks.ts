import { z } from 'zod';
import { checkKnown, defineCommand, parseArgs } from '../command';
import { instanceArg } from '../args';
import { formatDuration, formatLocal } from '../../src/domain/format';
import type { Task } from '../../src/domain/types';
import { reply } from '../../src/reply';

/** Built once: a zod schema costs more to build than to run. */
const argsSchema = z.object({ instance: instanceArg.optional(), extra: z.undefined({ error: 'too many words' }) });

const usage = '/backup tasks [instance] [--all]';
const MAX_ROWS = 30;

function progress(task: Task): string {
  if (task.state === 'FINISHED') return '100%';
  if (!task.progress || task.progress.total === 0) return task.state === 'FAILED' ? 'failed' : '…';
  const pct = Math.floor((task.progress.done / task.progress.total) * 100);
  return `${pct}% (${task.progress.done}/${task.progress.total} ${task.progress.unit})`;
}

export const tasksCommand = defineCommand<{ instance: string | null; all: boolean }>({
  name: 'tasks',
  summary: 'operation tasks (backups, restores, deletions) with their progress',
  usage,
  examples: ['/backup tasks', '/backup tasks prod-1', '/backup tasks prod-1 --all'],
  role: 'viewer',
  flags: ['all'],
  parse(tokens) {
    checkKnown(tokens, { usage, flags: ['all'] });
    const args = parseArgs(
      argsSchema,
      { instance: tokens.words[1], extra: tokens.words[2] },
      usage,
    );
    return { instance: args.instance ?? null, all: tokens.flags.includes('all') };
  },
  async scope(args) {
    return args.instance;
  },
  async handle({ instance, all }, ctx) {
    if (instance && !ctx.services.instances.has(instance)) ctx.services.instances.get(instance);
    const tasks = await ctx.services.tasks.list(instance, all);
    const recent = tasks;
    if (recent.length === 0) {
      return reply(`No ${all ? '' : 'running '}operation tasks${instance ? ` for *${instance}*` : ''}.${all ? '' : ' Add --all to see finished ones.'}`);
    }
    const shown = recent.slice(0, MAX_ROWS);
    return reply(`${recent.length} ${all ? '' : 'running '}task${recent.length === 1 ? '' : 's'}${instance ? ` of *${instance}*` : ''}`, {
      title: 'Operation tasks',
      items: shown.map((t) => {
        const zone = ctx.services.instances.find(t.instanceId)?.timezone ?? 'UTC';
        const end = t.finishedAt ? new Date(t.finishedAt) : ctx.now;
        return {
          text: `*${t.kind}* ${t.subject} on ${t.instanceId}: ${t.state}`,
          fields: [
            { label: 'Progress', value: progress(t) },
            { label: 'Started', value: formatLocal(new Date(t.startedAt), zone) },
            { label: 'Duration', value: formatDuration(end.getTime() - new Date(t.startedAt).getTime()) },
            ...(t.detail ? [{ label: 'Detail', value: t.detail }] : []),
          ],
        };
      }),
      notes: recent.length > shown.length ? [`${recent.length - shown.length} more not shown.`] : [],
    });
  },
});
