// Who the terminal chat acts as at start, and the greeting that says so. In the sandbox that is
// admin1; with a configuration, the first person with a terminal id (a user the file does not
// know would be refused by every command), unless --as names someone.

import type { BotConfig } from '../../src/config/types';
import { sanitize } from './render';

export interface TerminalUser {
  /** The terminal user name the chat starts as. */
  user: string;
  /** A line for the greeting when the choice needs explaining, or null. */
  note: string | null;
}

export const SANDBOX_TERMINAL_USER = 'admin1';
/** The name used when the configuration gives no person a terminal id. */
export const UNLISTED_TERMINAL_USER = 'guest';

export function chooseTerminalUser(config: BotConfig, requested: string | null): TerminalUser {
  const listed = config.people.filter((p) => p.terminal.length > 0);
  const knows = (name: string) => listed.some((p) => p.terminal.includes(name));
  const names = listed.flatMap((p) => p.terminal);
  const shownNames = names.length > 6 ? `${names.slice(0, 6).join(', ')}, …` : names.join(', ');
  if (requested !== null) {
    if (config.sandbox || knows(requested)) return { user: requested, note: null };
    const others = names.length > 0 ? ` Terminal users in the configuration: ${shownNames}.` : '';
    return { user: requested, note: `${requested} is not a terminal user of ${config.source}; you have the role of anyone not listed (${config.defaultRole ?? 'none'}).${others}` };
  }
  if (config.sandbox) return { user: SANDBOX_TERMINAL_USER, note: null };
  const first = listed[0]?.terminal[0];
  if (first !== undefined) return { user: first, note: null };
  const role = config.defaultRole ? `the role of anyone not listed (${config.defaultRole})` : 'no role, so every command is refused';
  return {
    user: UNLISTED_TERMINAL_USER,
    note: `No person in ${config.source} has a terminal id, so you are ${UNLISTED_TERMINAL_USER}, with ${role}. Give a person one (terminal: NAME) and start with --as NAME.`,
  };
}

export interface GreetingParts {
  config: BotConfig;
  /** Where the sandbox keeps its data. */
  dataDir: string;
  user: string;
  displayName: string | null;
  /** Extra lines: the user note, warnings about instances that cannot be reached. */
  notes: string[];
}

export function terminalGreeting(parts: GreetingParts): string {
  const who = parts.displayName && parts.displayName !== parts.user ? `${parts.user} (${parts.displayName})` : parts.user;
  const head = parts.config.sandbox
    ? `StarRocks backup bot, sandbox mode (simulated StarRocks and OSS; data in ${parts.dataDir}).`
    : `StarRocks backup bot (${parts.config.source}).`;
  const lines = [`${head} You are ${who}; /as NAME switches user. Type /backup help.`];
  for (const note of parts.notes) lines.push(`⚠ ${note}`);
  return sanitize(lines.join('\n'));
}
