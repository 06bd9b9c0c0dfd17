import { checkKnown, checkWords, defineCommand } from '../command';
import { describeSchedule } from '../../src/domain/settings';
import { formatBytes, formatLocal } from '../../src/domain/format';
import { reply } from '../../src/reply';
import type { ReplyItem } from '../../src/reply';

const usage = '/backup instances';

export const instancesCommand = defineCommand({
  name: 'instances',
  summary: 'instances with region, architecture, schedule, last backup and total backup size',
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
    const items = summaries.map(({ instance, settings: current, lastGood: last, storage: total, architecture: arch }): ReplyItem => {
        const architecture = arch.runMode
          ? `${arch.runMode === 'shared_data' ? 'shared-data (cannot be backed up)' : 'shared-nothing'}, StarRocks ${arch.version}`
          : `unknown (${arch.error ?? 'not reachable'})`;
        return {
          text: `*${instance.id}* (${instance.displayName})`,
          fields: [
            { label: 'Region', value: instance.region },
            { label: 'Architecture', value: architecture },
            { label: 'Schedule', value: describeSchedule(current, instance.timezone) },
            { label: 'Last backup', value: last ? `${last.id} (${last.state}), ${formatLocal(new Date(last.finishedAt ?? last.startedAt), instance.timezone)}` : 'none yet' },
            { label: 'Backup storage', value: `${formatBytes(total.bytes)} in ${total.sets} set${total.sets === 1 ? '' : 's'}` },
          ],
        };
      });
    if (items.length === 0) return reply('No instances are configured.');
    return reply(`${items.length} instance${items.length === 1 ? '' : 's'}`, { title: 'Instances', items });
  },
});
