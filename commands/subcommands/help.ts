import { z } from 'zod';
import { checkKnown, defineCommand, parseArgs } from '../command';
import type { AnyCommand } from '../command';
import { UserError } from '../../src/domain/errors';
import { closest } from '../../src/services/suggest';
import { quoteInput } from '../../src/domain/text';
import { reply } from '../../src/reply';

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
      return parseArgs(z.object({ topic: z.string().max(40).optional() }), { topic: tokens.words[1] }, usage);
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
          throw new UserError(`there is no command ${quoteInput(topic)}${guess ? `; did you mean ${guess}?` : ''}. Try /backup help`);
        }
        return reply(`*${found.usage}*\n${found.summary}.`, {
          title: `/backup ${found.name}`,
          fields: [
            { label: 'Who may', value: found.role === 'anyone' ? 'anyone' : `${found.role} or above` },
            { label: 'Examples', value: found.examples.map((e) => `\`${e}\``).join('\n') },
          ],
        });
      }
      const lines = commands.map((c) => `- \`${c.usage}\`: ${c.summary} (${c.role === 'anyone' ? 'anyone' : c.role})`);
      return reply(lines.join('\n'), {
        title: 'StarRocks backup bot: commands',
        notes: [
          'Backups are StarRocks snapshots on OSS in the instance region. Shared-data instances cannot be backed up or restored; views, users, privileges, resource groups and colocate relations are not in a backup.',
          'Details of one command: /backup help <command>',
        ],
      });
    },
  });
}
