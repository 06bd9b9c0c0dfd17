// What help, the Slack manifest and docs/slack.md present as working is what the build does:
// every command help lists as available has a handler that does not answer "not available",
// and the ones that do are listed as coming in a later version, everywhere.

import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCommands } from '../../commands/registry';
import { startHarness } from '../support/harness';
import type { Harness } from '../support/harness';

const LATER_HEADING = 'Coming in a later version';
/** How a command that is not built answers (help itself may quote the words, in quotes). */
const NOT_AVAILABLE = /is not available in this version/;
const commandNames = (text: string) => [...text.matchAll(/`\/backup (\w+)/g)].map((m) => m[1] as string);

let h: Harness;
let available: string[];
let later: string[];
beforeAll(async () => {
  h = await startHarness();
  const help = await h.say('admin1', 'help');
  const [now = '', coming = ''] = help.text.split(LATER_HEADING);
  available = [...new Set(commandNames(now))];
  later = [...new Set(commandNames(coming))];
});
afterAll(async () => {
  await h.close();
});

describe('/backup help matches the build', () => {
  it('lists every command once: as available, or under "coming in a later version"', () => {
    expect([...available, ...later].sort()).toEqual(allCommands().map((c) => c.name).sort());
    expect(available.filter((name) => later.includes(name))).toEqual([]);
    expect(later).toEqual([]);
  });

  it('every example of an available command gets an answer that is not "not available"', async () => {
    for (const name of available) {
      const command = allCommands().find((c) => c.name === name);
      for (const example of command?.examples ?? []) {
        const reply = await h.say('admin1', example.replace(/^\/backup\s+/, ''));
        expect(`${example} → ${reply.text}`).not.toMatch(NOT_AVAILABLE);
      }
    }
  });

  it('every command listed as coming later says so when run, and in its own help', async () => {
    for (const name of later) {
      const command = allCommands().find((c) => c.name === name);
      const reply = await h.say('admin1', (command?.examples[0] ?? '').replace(/^\/backup\s+/, ''));
      expect(reply.text).toMatch(NOT_AVAILABLE);
      const detail = await h.say('admin1', `help ${name}`);
      expect(detail.text).toMatch(/Not available in this version/);
    }
  });
});

describe('the Slack manifest and the chat docs match the build', () => {
  const manifest = parse(readFileSync('manifest.yml', 'utf8')) as {
    display_information: { description: string; long_description: string };
    features: { slash_commands: { description: string; usage_hint: string }[] };
  };
  /** Words of commands that are not built (none in this version). */
  const UNBUILT: string[] = [];
  const laterWords = UNBUILT.length ? new RegExp(`\\b(${UNBUILT.join('|')})\\b`, 'i') : /(?!)/;

  it('the manifest advertises no command that is not built', () => {
    const slash = manifest.features.slash_commands[0];
    const hinted = (slash?.usage_hint ?? '').split('|').map((part) => part.trim().split(/\s+/)[0] ?? '');
    expect(hinted.filter((name) => !available.includes(name))).toEqual([]);
    for (const text of [manifest.display_information.description, manifest.display_information.long_description, slash?.description ?? '']) {
      expect(text).not.toMatch(laterWords);
    }
  });

  it.each(['docs/slack.md', 'docs/dingtalk.md'])('%s mentions unbuilt commands only as coming in a later version', (doc) => {
    const lines = readFileSync(doc, 'utf8').split('\n');
    const unbuilt = UNBUILT.length ? new RegExp(`/backup (${UNBUILT.join('|')})\\b`, 'i') : /(?!)/;
    const advertised = lines.filter((line) => unbuilt.test(line) && !/later version/i.test(line));
    expect(advertised).toEqual([]);
  });

  it.each(['README.md', 'docs/slack.md', 'docs/dingtalk.md'])('%s says of no built command that it comes in a later version', (doc) => {
    const built = /\b(delet\w*|releas\w*|reconcil\w*|restor\w*|verif\w*)\b/i;
    const later = readFileSync(doc, 'utf8').split('\n').filter((line) => /later version/i.test(line) && built.test(line));
    expect(later).toEqual([]);
  });
});
