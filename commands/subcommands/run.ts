import { z } from 'zod';
import { checkKnown, defineCommand, parseArgs } from '../command';
import { instanceArg } from '../args';
import { reply } from '../../src/reply';

/** Built once: a zod schema costs more to build than to run. */
const argsSchema = z.object({ instance: instanceArg, extra: z.undefined({ error: 'too many words' }) });

const usage = '/backup run <instance>';
const CONFIRM_TTL_SECONDS = 15 * 60;

export const runCommand = defineCommand<{ instance: string }>({
  name: 'run',
  summary: 'take a backup now, outside the schedule, after a confirmation about load',
  usage,
  examples: ['/backup run prod-1'],
  role: 'operator',
  parse(tokens) {
    checkKnown(tokens, { usage });
    return parseArgs(argsSchema, { instance: tokens.words[1], extra: tokens.words[2] }, usage);
  },
  async scope(args) {
    return args.instance;
  },
  async handle({ instance }, ctx) {
    const { instance: inst, note } = await ctx.services.backups.assertRunnable(instance);
    if (!ctx.confirmed) {
      const peak = inst.peakHours.map((p) => `${p.from}-${p.to}`).join(', ');
      return reply(
        `Back up *${instance}* now? A backup reads and copies every data file and slows the instance while it runs; once started it cannot be interrupted.${peak ? ` Peak hours of ${instance}: ${peak}.` : ''}\nThis manual backup is outside the schedule: it neither uses up nor replaces a scheduled run.`,
        {
          tone: 'warning',
          title: `Run a backup of ${instance}?`,
          ...(note ? { notes: [note] } : {}),
          buttons: [
            {
              label: 'Run backup now',
              style: 'primary',
              action: 'confirm',
              subject: instance,
              value: ctx.signer.action(`run ${instance}`, CONFIRM_TTL_SECONDS, ctx.now),
              confirm: { title: 'Start the backup?', text: `A backup of ${instance} starts now and cannot be interrupted.`, confirm: 'Run backup', deny: 'Not now' },
            },
          ],
        },
      );
    }
    const set = await ctx.services.backups.startManual(ctx.actor, instance);
    return reply(`Started backup *${set.id}* of ${instance}. Progress is posted in the instance channel; see also /backup tasks ${instance}.`, {
      tone: 'success',
      visibility: 'caller',
    });
  },
});
