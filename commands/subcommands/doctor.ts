// `/backup doctor <instance>`: a preflight of an instance without running a backup (it only
// reads): FEs, version, run mode, privileges (missing GRANT statements named), FE zone, backends,
// the bucket and the repository.

import { z } from 'zod';
import { checkKnown, defineCommand, parseArgs } from '../command';
import { instanceArg } from '../args';
import { plural } from '../../src/domain/text';
import type { CheckStatus, DoctorCheck } from '../../src/services/doctor';
import { reply } from '../../src/reply';
import type { ReplyItem } from '../../src/reply';

/** Built once: a zod schema costs more to build than to run. */
const argsSchema = z.object({ instance: instanceArg, extra: z.undefined({ error: 'too many words' }) });

const usage = '/backup doctor <instance>';

const MARK: Record<CheckStatus, string> = { ok: '✔', warning: '⚠', problem: '✖', unknown: '?' };

function item(c: DoctorCheck): ReplyItem {
  const lines = [`${MARK[c.status]} *${c.name}*: ${c.summary}`, ...c.details.map((d) => `- ${d}`)];
  if (c.fixes.length) lines.push(`Fix:\n${c.fixes.map((f) => `\`${f}\``).join('\n')}`);
  return { text: lines.join('\n') };
}

export const doctorCommand = defineCommand<{ instance: string }>({
  name: 'doctor',
  summary: 'check an instance without running a backup: FEs, version, run mode, privileges (missing GRANTs named), bucket, repository',
  usage,
  examples: ['/backup doctor prod-1'],
  role: 'operator',
  parse(tokens) {
    checkKnown(tokens, { usage });
    return parseArgs(argsSchema, { instance: tokens.words[1], extra: tokens.words[2] }, usage);
  },
  async scope({ instance }) {
    return instance;
  },
  async handle({ instance }, ctx) {
    const report = await ctx.services.doctor.examine(instance);
    const count = (s: CheckStatus) => report.checks.filter((c) => c.status === s).length;
    const problems = count('problem');
    const warnings = count('warning');
    const unknown = count('unknown');
    const verdict =
      problems > 0
        ? `*${instance}* is not ready: ${plural(problems, 'problem')}${warnings ? `, ${plural(warnings, 'warning')}` : ''}. Backups fail until the problems are fixed.`
        : unknown > 0
          ? `*${instance}*: ${plural(unknown, 'check')} could not be made${warnings ? `, ${plural(warnings, 'warning')}` : ''}; no problem found in the rest.`
          : warnings > 0
            ? `*${instance}* is ready for backups, with ${plural(warnings, 'warning')}.`
            : `*${instance}* is ready for backups: every check passed.`;
    const fixes = report.checks.flatMap((c) => c.fixes);
    return reply(verdict, {
      tone: problems > 0 ? 'error' : warnings + unknown > 0 ? 'warning' : 'success',
      title: `Doctor: ${instance}`,
      items: report.checks.map(item),
      notes: [
        'Nothing was changed: the doctor only reads (it creates no repository and runs no backup).',
        ...(fixes.length ? [`To fix, run as a StarRocks admin or change the configuration: ${plural(fixes.length, 'step')} listed above. README "Privileges" lists every GRANT and the OSS RAM policy.`] : []),
      ],
    });
  },
});
