import { z } from 'zod';
import { checkKnown, checkWords, defineCommand, parseArgs } from '../command';
import type { AnyCommand } from '../command';
import { UserError } from '../../src/domain/errors';
import { closest } from '../../src/services/suggest';
import { quoteInput } from '../../src/domain/text';
import { reply } from '../../src/reply';

/** Built once: a zod schema costs more to build than to run. */
const argsSchema = z.object({ topic: z.string().max(40).optional() });

const NOT_AVAILABLE = 'Not available in this version: it checks what you type and who you are, then answers "not available" and changes nothing.';
const LATER_NOTE = 'today they check what you type and who you are, then answer "not available" and change nothing';

/** `help` needs the list of every command; the registry hands it over. */
export function helpCommand(all: () => AnyCommand[]): AnyCommand {
  const usage = '/backup help [command]';
  return defineCommand({
    name: 'help',
    summary: 'usage of every command',
    usage,
    examples: ['/backup help', '/backup help settings'],
    role: 'anyone',
    parse(tokens) {
      checkKnown(tokens, { usage });
      checkWords(tokens, 2, usage);
      return parseArgs(argsSchema, { topic: tokens.words[1] }, usage);
    },
    async scope() {
      return null;
    },
    async handle({ topic }) {
      const commands = all();
      if (topic) {
        const name = topic.toLowerCase();
        const found = commands.find((c) => c.name === name);
        if (!found) {
          const guess = closest(name, commands.map((c) => c.name));
          throw new UserError(`there is no command ${quoteInput(topic)}${guess ? `; did you mean ${guess}? See /backup help ${guess}.` : '. See /backup help.'}`);
        }
        const later = found.comingLater ? `\n${NOT_AVAILABLE}` : '';
        return reply(`*${found.usage}*\n${found.summary}.${later}`, {
          title: `/backup ${found.name}`,
          fields: [
            ...(found.comingLater ? [{ label: 'Available', value: 'in a later version, not in this one' }] : []),
            { label: 'Who may', value: found.role === 'anyone' ? 'anyone' : `${found.role} or above` },
            { label: 'Examples', value: found.examples.map((e) => `\`${e}\``).join('\n') },
          ],
        });
      }
      const line = (c: AnyCommand) => `- \`${c.usage}\`: ${c.summary} (${c.role === 'anyone' ? 'anyone' : c.role})`;
      const now = commands.filter((c) => !c.comingLater).map(line);
      const later = commands.filter((c) => c.comingLater).map(line);
      const text = later.length > 0 ? `${now.join('\n')}\n\n*Coming in a later version* (${LATER_NOTE}):\n${later.join('\n')}` : now.join('\n');
      return reply(text, {
        title: 'StarRocks backup bot: commands',
        notes: [
          'Backups are StarRocks snapshots on OSS in the instance region. Shared-data instances cannot be backed up or restored; views, users, privileges, resource groups and colocate relations are not in a backup.',
          'Details of one command: /backup help <command>',
        ],
      });
    },
  });
}
