// The shape of one `/backup` subcommand: its grammar, the role it needs, and its handler.

import type { z } from 'zod';
import type { Actor, ChannelAddress, Role } from '../src/domain/types';
import type { Services } from '../src/services/services';
import { UserError } from '../src/domain/errors';
import { quoteInput } from '../src/domain/text';
import type { FormResult, Reply } from '../src/reply';
import type { FormSubmission } from '../src/ports';
import type { FormToken, TokenSigner } from './signing';
import type { Tokens } from './tokenizer';

export interface CommandContext {
  actor: Actor;
  channel: ChannelAddress | null;
  /** The command arrived through a confirmation the bot offered (a signed button). */
  confirmed: boolean;
  now: Date;
  services: Services;
  signer: TokenSigner;
}

/** A form a command opens, and what its submission does (the role is its command's). */
export interface FormSpec {
  /** The form's id (`settings`), carried in its signed context. */
  id: string;
  /** The instance whose role is checked, from the form's signed data. */
  scope(data: FormToken['d']): string | null;
  submit(submission: FormSubmission, data: FormToken['d'], ctx: CommandContext): Promise<FormResult>;
}

export interface CommandSpec<Args> {
  name: string;
  summary: string;
  /** One line, e.g. `/backup list <instance> [--all]`. */
  usage: string;
  examples: string[];
  role: Role | 'anyone';
  /** Parsed and role-checked, but its action comes in a later version: it answers "not available". */
  comingLater?: boolean;
  /** Options and flags this command accepts (anything else is refused by name). */
  options?: string[];
  flags?: string[];
  /** Tokens → arguments; zod validation inside, failures as one UserError. */
  parse(tokens: Tokens): Args;
  /** The instance whose role is checked; null = any instance (the highest role held). */
  scope(args: Args, ctx: CommandContext): Promise<string | null>;
  handle(args: Args, ctx: CommandContext): Promise<Reply>;
  /** Forms this command opens. */
  forms?: FormSpec[];
  /**
   * Its buttons may be clicked more than once: the command guards itself (a restore decision
   * names the request's version; verify only reads; a Restore button only opens a form), so a
   * second click gets the command's own answer (who decided, and when) instead of "already done".
   */
  reusableButtons?: boolean;
}

// A registry holds commands with different argument types; this erases them safely.
export type AnyCommand = CommandSpec<unknown>;

export function defineCommand<Args>(spec: CommandSpec<Args>): AnyCommand {
  return spec as unknown as AnyCommand;
}

/** Validates with zod and turns the first problem into one message with the usage line. */
export function parseArgs<T>(schema: z.ZodType<T>, input: unknown, usage: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const message = issue?.message ?? 'invalid arguments';
  throw new UserError(`${message}\nUsage: ${usage}`);
}

/** Refuses options and flags the command does not know, by name. */
export function checkKnown(tokens: Tokens, spec: { usage: string; options?: string[]; flags?: string[] }): void {
  const options = spec.options ?? [];
  for (const key of Object.keys(tokens.options)) {
    if (!options.includes(key)) {
      const accepted = options.length ? `accepted: ${options.map((o) => `${o}=`).join(', ')}` : 'this command takes no options';
      throw new UserError(`unknown option ${key}= (${accepted})\nUsage: ${spec.usage}`);
    }
  }
  const flags = spec.flags ?? [];
  for (const flag of tokens.flags) {
    if (!flags.includes(flag)) {
      const accepted = flags.length ? `accepted: ${flags.map((f) => `--${f}`).join(', ')}` : 'this command takes no flags';
      throw new UserError(`unknown flag --${flag} (${accepted})\nUsage: ${spec.usage}`);
    }
  }
}

/** Refuses words after the first `count` (the subcommand counts as one), naming them. */
export function checkWords(tokens: Tokens, count: number, usage: string): void {
  const extra = tokens.words.slice(count);
  if (extra.length > 0) throw new UserError(`too many words: ${quoteInput(extra.join(' '))}\nUsage: ${usage}`);
}
