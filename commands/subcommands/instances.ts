import { checkKnown, checkWords, defineCommand } from '../command';
import { describeSchedule } from '../../src/domain/settings';
import { formatBytes, formatLocal } from '../../src/domain/format';
import { reply } from '../../src/reply';
import { lastScheduledText, nextRunText } from '../schedule-lines';
import type { ReplyItem } from '../../src/reply';

const usage = '/backup instances';

export const instancesCommand = defineCommand({
  name: 'instances',
  summary: 'instances with region, architecture, schedule, next run, last scheduled result, last backup and total backup size',
  usage,
  examples: [usage],
  role: 'viewer',
  parse(tokens) {
    checkKnown(tokens, { usage });
    checkWords(tokens, 1, usage);
    return {};
  },
  async scope() {
    return null;
  },
  async handle(_args, ctx) {
    const summaries = await ctx.services.overview.list(ctx.now);
    const items = summaries.map(({ instance, settings: current, lastGood: last, nextRun, lastScheduled, storage: total, architecture: arch, released }): ReplyItem => {
        const architecture = arch.runMode
          ? `${arch.runMode === 'shared_data' ? 'shared-data (cannot be backed up)' : 'shared-nothing'}, StarRocks ${arch.version}`
          : `unknown (${arch.error ?? 'not reachable'})`;
        return {
          text: `*${instance.id}* (${instance.displayName})`,
          fields: [
            { label: 'Region', value: instance.region },
            { label: 'Architecture', value: architecture },
            { label: 'Schedule', value: released ?? describeSchedule(current, instance.timezone) },
            { label: 'Next run', value: nextRunText(nextRun, instance.timezone, ctx.now) },
            { label: 'Last scheduled run', value: lastScheduledText(lastScheduled, instance.timezone) },
            { label: 'Last backup', value: last ? `${last.id} (${last.state}), ${formatLocal(new Date(last.finishedAt ?? last.startedAt), instance.timezone)}` : 'none yet' },
            { label: 'Backup storage', value: `${formatBytes(total.bytes)} in ${total.sets} set${total.sets === 1 ? '' : 's'}` },
          ],
        };
      });
    if (items.length === 0) return reply('No instances are configured.');
    return reply(`${items.length} instance${items.length === 1 ? '' : 's'}`, { title: 'Instances', items });
  },
});
