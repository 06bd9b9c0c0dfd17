// The command core: one entry point for every chat surface. It parses, checks the caller's
// role (also for button clicks and forms), runs the handler, and turns every error into one
// short reply. It never throws.

import { randomBytes } from 'node:crypto';
import { OutsideError, PermissionError, StaleUpdateError, UserError } from '../src/domain/errors';
import { findPerson, hasRole, roleFor } from '../src/domain/roles';
import type { Actor, ChannelAddress, Role } from '../src/domain/types';
import type { Logger } from '../src/ports';
import type { Services } from '../src/services/services';
import { closest } from '../src/services/suggest';
import type { AnyCommand, CommandContext } from './command';
import { readSettingsValues } from './forms';
import { quoteInput } from '../src/domain/text';
import { allCommands } from './registry';
import { errorReply } from './reply';
import type { FormResult, Reply } from './reply';
import type { TokenSigner } from './signing';
import { decodeSeen, savedReply } from './subcommands/settings';
import { tokenize } from './tokenizer';
import type { ActionInvocation, CommandCore, CommandInvocation, FormSubmission } from './types';

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

  function roleOf(actor: Actor, instanceId: string | null): Role | null {
    if (actor.platform === 'system') return 'admin';
    // No role, not even the default one, for an actor without a usable id.
    if (typeof actor.userId !== 'string' || actor.userId.trim() === '' || actor.userId.length > 200) return null;
    const person = actor.personId ? (services.config.people.find((p) => p.id === actor.personId) ?? null) : null;
    return roleFor(person, instanceId, services.config.defaultRole);
  }

  async function checkRole(command: AnyCommand, args: unknown, ctx: CommandContext): Promise<void> {
    if (command.role === 'anyone') return;
    const instanceId = await command.scope(args, ctx);
    const role = roleOf(ctx.actor, instanceId);
    if (!hasRole(role, command.role)) {
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

  async function execute(text: string, actor: Actor, channel: ChannelAddress | null, confirmed: boolean, beforeHandle?: () => Promise<void>): Promise<Reply> {
    const tokens = tokenize(text);
    const name = (tokens.words[0] ?? 'help').toLowerCase();
    const command = byName.get(name);
    if (!command) {
      const guess = closest(name, [...byName.keys()]);
      throw new UserError(`unknown command ${quoteInput(name)}${guess ? `; did you mean /backup ${guess}?` : '.'} ${GENERAL_USAGE}`);
    }
    const ctx: CommandContext = { actor, channel, confirmed, now: services.clock.now(), services, signer };
    const args = command.parse(tokens);
    await checkRole(command, args, ctx);
    await beforeHandle?.();
    log.info({ command: command.name, actor: actor.personId ?? `${actor.platform}:${actor.userId}`, confirmed }, 'command');
    return command.handle(args, ctx);
  }

  return {
    resolveActor(platform, userId, displayName) {
      const person = platform === 'system' ? null : findPerson(services.config.people, platform, userId);
      return {
        platform,
        userId,
        personId: person?.id ?? null,
        displayName: person?.displayName ?? displayName ?? userId,
      };
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
        const spend = async (): Promise<void> => {
          if (used === undefined) return;
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
        if (token.f !== submission.formId || token.f !== 'settings') throw new UserError('that form is not one this bot knows');
        const instanceId = String(token.d.instance);
        const seenVersion = Number(token.d.version);
        const settingsCommand = byName.get('settings') as AnyCommand;
        const ctx: CommandContext = { actor: submission.actor, channel: null, confirmed: true, now: services.clock.now(), services, signer };
        await checkRole(settingsCommand, { instance: instanceId }, ctx);
        const { patch, errors } = readSettingsValues(submission.values);
        if (Object.keys(errors).length > 0) return { ok: false, errors };
        const instance = services.instances.get(instanceId);
        try {
          const seen = typeof token.d.seen === 'string' ? decodeSeen(token.d.seen) : undefined;
          const saved = await services.settings.save(submission.actor, instanceId, patch, seenVersion, seen);
          return { ok: true, reply: savedReply(instanceId, saved, instance.timezone) };
        } catch (err) {
          if (err instanceof StaleUpdateError) return { ok: false, errors: { enabled: err.message } };
          if (err instanceof UserError) return { ok: false, errors: { weekdays: err.message } };
          throw err;
        }
      } catch (err) {
        return { ok: true, reply: failure(err, { form: submission.formId, actor: submission.actor.userId }) };
      }
    },
  };
}
