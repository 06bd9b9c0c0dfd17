import { checkKnown, checkWords, defineCommand } from '../command';
import { describeSchedule } from '../../src/domain/settings';
import { formatBytes, formatLocal } from '../../src/domain/format';
import { reply } from '../reply';
import type { ReplyItem } from '../reply';

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
    const { instances, settings, catalog, clusters } = ctx.services;
    const now = ctx.now;
    const all = instances.list();
    const items: ReplyItem[] = await Promise.all(
      all.map(async (instance): Promise<ReplyItem> => {
        const [current, last, total, arch] = await Promise.all([
          settings.current(instance.id),
          catalog.lastGood(instance.id),
          catalog.totalSize(instance.id),
          clusters.architecture(instance, now.getTime()),
        ]);
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
      }),
    );
    if (items.length === 0) return reply('No instances are configured.');
    return reply(`${items.length} instance${items.length === 1 ? '' : 's'}`, { title: 'Instances', items });
  },
});
