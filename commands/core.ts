// The command core: one entry point for every chat surface. It parses, checks the caller's
// role (also for button clicks and forms), runs the handler, and turns every error into one
// short reply. It never throws.

import { randomBytes } from 'node:crypto';
import { OutsideError, PermissionError, UserError } from '../src/domain/errors';
import type { Actor, ChannelAddress, Role } from '../src/domain/types';
import type { Logger } from '../src/ports';
import type { Services } from '../src/services/services';
import { closest } from '../src/services/suggest';
import type { AnyCommand, CommandContext, FormSpec } from './command';
import { quoteInput } from '../src/domain/text';
import { allCommands } from './registry';
import { errorReply } from '../src/reply';
import type { FormResult, Reply } from '../src/reply';
import type { TokenSigner } from './signing';
import { tokenize } from './tokenizer';
import type { ActionInvocation, CommandCore, CommandInvocation, FormSubmission } from '../src/ports';

export interface CommandCoreDeps {
  services: Services;
  signer: TokenSigner;
  log: Logger;
  /** Remembers the confirm buttons already used (across restarts); without it a button works every time. */
  usedButtons?: {
    firstTime(key: string, at: Date, keepUntil?: Date): Promise<boolean>;
    forget(key: string): Promise<void>;
  };
}

const GENERAL_USAGE = 'Usage: /backup <command> [arguments]. Try /backup help';

export function createCommandCore(deps: CommandCoreDeps): CommandCore {
  const { services, signer, log } = deps;
  const commands = allCommands();
  const byName = new Map(commands.map((c) => [c.name, c]));
  const forms = new Map<string, { form: FormSpec; command: AnyCommand }>();
  for (const command of commands) for (const form of command.forms ?? []) forms.set(form.id, { form, command });

  function requireRole(command: AnyCommand, instanceId: string | null, actor: Actor): void {
    if (command.role === 'anyone') return;
    const role: Role | null = services.people.roleOf(actor, instanceId);
    if (!services.people.allows(actor, instanceId, command.role)) {
      const where = instanceId ? ` on ${instanceId}` : '';
      const you = role ? `your role${where} is ${role}` : 'you are not registered with this bot';
      throw new PermissionError(`/backup ${command.name} needs the ${command.role} role${where}; ${you}. Ask an admin of the bot to change the configuration.`);
    }
  }

  function failure(err: unknown, context: Record<string, unknown>): Reply {
    if (err instanceof UserError) return errorReply(err.message);
    if (err instanceof OutsideError) {
      log.warn({ ...context, system: err.system, kind: err.kind, err: err.message }, 'outside system error');
      return errorReply(`${err.system === 'starrocks' ? 'StarRocks' : err.system === 'oss' ? 'OSS' : err.system} answered: ${err.message}`);
    }
    const errorId = randomBytes(4).toString('hex');
    log.error({ ...context, errorId, err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) }, 'command failed');
    return errorReply(`Sorry, something went wrong (error id ${errorId}). Nothing more was done; the bot's log has the details.`);
  }

  async function execute(text: string, actor: Actor, channel: ChannelAddress | null, confirmed: boolean, beforeHandle?: (command: AnyCommand) => Promise<void>): Promise<Reply> {
    const tokens = tokenize(text);
    const name = (tokens.words[0] ?? 'help').toLowerCase();
    const command = byName.get(name);
    if (!command) {
      const guess = closest(name, [...byName.keys()]);
      throw new UserError(`unknown command ${quoteInput(name)}${guess ? `; did you mean /backup ${guess}?` : '.'} ${GENERAL_USAGE}`);
    }
    const ctx: CommandContext = { actor, channel, confirmed, now: services.clock.now(), services, signer };
    const args = command.parse(tokens);
    if (command.role !== 'anyone') requireRole(command, await command.scope(args, ctx), actor);
    await beforeHandle?.(command);
    log.info({ command: command.name, actor: actor.personId ?? `${actor.platform}:${actor.userId}`, confirmed }, 'command');
    return command.handle(args, ctx);
  }

  return {
    resolveActor(platform, userId, displayName) {
      return services.people.actor(platform, userId, displayName);
    },

    async run(invocation: CommandInvocation): Promise<Reply> {
      try {
        return await execute(invocation.text, invocation.actor, invocation.channel, false);
      } catch (err) {
        return failure(err, { text: invocation.text.slice(0, 200), actor: invocation.actor.userId });
      }
    },

    async act(invocation: ActionInvocation): Promise<Reply> {
      const used = deps.usedButtons;
      const key = `button:${invocation.value}`;
      let spent = false;
      try {
        const now = services.clock.now();
        const token = signer.readAction(invocation.value, now);
        // Spent once the clicker's role is checked (a refused click leaves it to the right person).
        const spend = async (command: AnyCommand): Promise<void> => {
          if (used === undefined || command.reusableButtons === true) return;
          if (!(await used.firstTime(key, now, new Date(token.x * 1000)))) {
            throw new UserError(`already done: this button was used before, so nothing more was done. To do it again, type /backup ${token.c}`);
          }
          spent = true;
        };
        return await execute(token.c, invocation.actor, invocation.channel, true, spend);
      } catch (err) {
        // It did not work: the same button may be tried again.
        if (spent && used !== undefined) await used.forget(key).catch(() => undefined);
        return failure(err, { action: true, actor: invocation.actor.userId });
      }
    },

    async submit(submission: FormSubmission): Promise<FormResult> {
      try {
        const token = signer.readForm(submission.context, services.clock.now());
        const found = forms.get(token.f);
        if (!found || token.f !== submission.formId) throw new UserError('that form is not one this bot knows');
        requireRole(found.command, found.form.scope(token.d), submission.actor);
        const ctx: CommandContext = { actor: submission.actor, channel: null, confirmed: true, now: services.clock.now(), services, signer };
        log.info({ form: token.f, actor: submission.actor.personId ?? `${submission.actor.platform}:${submission.actor.userId}` }, 'form');
        return await found.form.submit(submission, token.d, ctx);
      } catch (err) {
        return { ok: true, reply: failure(err, { form: submission.formId, actor: submission.actor.userId }) };
      }
    },
  };
}
