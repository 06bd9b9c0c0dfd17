// A small deterministic command core for the Slack surface's tests and benchmark. It plays
// the real core's part through the same `CommandCore` interface: help, a settings form, a
// list with buttons (one behind a confirm dialog), a run that asks first, and roles so a
// test can show that the actor is the user Slack signed for, not anything in a button value.

import type { Actor } from '../../src/domain/types';
import type { FormResult, Reply } from '../../src/reply';
import { errorReply, reply } from '../../src/reply';
import type { ActionInvocation, CommandCore, CommandInvocation, FormSubmission } from '../../src/ports';

export type Role = 'viewer' | 'operator' | 'admin';

export class TestCore implements CommandCore {
  readonly runs: CommandInvocation[] = [];
  readonly acts: ActionInvocation[] = [];
  readonly submits: FormSubmission[] = [];
  /** Roles by Slack user id; anyone else is an operator. */
  constructor(private readonly roles: Record<string, Role> = { U0ADMIN1: 'admin', U0VIEW1: 'viewer' }) {}

  resolveActor(platform: Actor['platform'], userId: string, displayName?: string): Actor {
    return { platform, userId, personId: this.roles[userId] !== undefined ? `person-${userId}` : null, ...(displayName !== undefined ? { displayName } : {}) };
  }

  private role(actor: Actor): Role {
    return this.roles[actor.userId] ?? 'operator';
  }

  async run(inv: CommandInvocation): Promise<Reply> {
    this.runs.push(inv);
    const [word = '', instance = '', ...rest] = inv.text.trim().split(/\s+/);
    switch (word) {
      case '':
      case 'help':
        return reply(
          ['*Commands*', '- `/backup settings <instance>`: open the settings form', '- `/backup list <instance>`: backup sets', '- `/backup restore <backup> to <instance>`: restore'].join('\n'),
          { title: 'Backup bot' },
        );
      case 'settings':
        if (this.role(inv.actor) === 'viewer') return errorReply('Only operators may change settings of ' + instance);
        return reply(`Settings of *${instance}*`, {
          form: {
            id: 'settings',
            title: `Backup settings ${instance}`,
            submitLabel: 'Save',
            context: `ctx:${instance}:v1`,
            fields: [
              { kind: 'toggle', name: 'enabled', label: 'Enable backup', initial: true },
              { kind: 'weekdays', name: 'days', label: 'Backup cycle', initial: ['mon', 'thu'] },
              { kind: 'time', name: 'time', label: 'Backup time', initial: '02:30', hint: 'Peak hours 09:00–18:00: pick a time outside them' },
              { kind: 'number', name: 'retention', label: 'Retention (days)', initial: 14, min: 7, max: 31, hint: '7 to 31 days' },
              { kind: 'readonly', name: 'region', label: 'Storage region', value: 'cn-hangzhou', hint: 'Fixed to the instance region' },
            ],
          },
        });
      case 'list':
        return reply(`Backup sets of *${instance}*`, {
          items: ['bk-1', 'bk-2'].map((id) => ({
            text: `*${id}*  FINISHED  1.2 GB`,
            fields: [{ label: 'Expires', value: '2030-01-01' }],
            buttons: [
              { label: 'Restore', value: `restore:${id}`, style: 'primary' as const },
              { label: 'Delete', value: `delete:${id}`, style: 'danger' as const, confirm: { title: `Delete ${id}?`, text: `Backup *${id}* will be removed permanently.`, confirm: 'Delete', deny: 'Keep' } },
            ],
          })),
        });
      case 'run':
        return reply(`Run a backup of *${instance}* now? It reads every data file and slows the instance.`, {
          buttons: [{ label: 'Run now', value: `run:${instance}`, style: 'primary', confirm: { title: 'Run a backup now?', text: 'It slows the instance while it runs.', confirm: 'Run', deny: 'Not now' } }],
        });
      case 'announce':
        return reply(`Announcement for everyone: ${[instance, ...rest].join(' ')}`, { visibility: 'channel', tone: 'success' });
      case 'big':
        return reply('x'.repeat(10_000), {
          title: 'A very long reply',
          items: Array.from({ length: 200 }, (_, i) => ({ text: `item ${i}`, buttons: [{ label: `Act ${i}`, value: `noop:${i}` }] })),
        });
      default:
        return errorReply(`Unknown command "${word}". Try \`/backup help\`.`);
    }
  }

  async act(inv: ActionInvocation): Promise<Reply> {
    this.acts.push(inv);
    const [verb = '', subject = ''] = inv.value.split(':');
    const role = this.role(inv.actor);
    switch (verb) {
      case 'delete':
        if (role !== 'admin') return errorReply(`Only an admin may delete ${subject}; ${inv.actor.userId} is ${role === 'viewer' ? 'a viewer' : 'an operator'}.`);
        return reply(`Backup ${subject} deleted by ${inv.actor.userId}.`, { visibility: 'channel', tone: 'success' });
      case 'run':
        if (role === 'viewer') return errorReply(`Only operators may run a backup of ${subject}.`);
        return reply(`Backup of ${subject} started by ${inv.actor.userId}.`, { visibility: 'channel' });
      case 'restore':
        return reply(`Restore ${subject}`, {
          form: { id: 'restore', title: `Restore ${subject}`, submitLabel: 'Request', context: `ctx:${subject}`, fields: [{ kind: 'text', name: 'target', label: 'Target instance', initial: '' }] },
        });
      default:
        return reply(`Nothing to do for ${verb}.`);
    }
  }

  async submit(sub: FormSubmission): Promise<FormResult> {
    this.submits.push(sub);
    if (sub.formId === 'settings') {
      const raw = sub.values.retention;
      const days = typeof raw === 'string' ? Number(raw) : NaN;
      if (!Number.isInteger(days) || days < 7 || days > 31) {
        return { ok: false, errors: { retention: `retention must be a whole number of days from 7 to 31, got ${String(raw)}` } };
      }
      const days_ = Array.isArray(sub.values.days) ? sub.values.days.join(',') : '';
      return {
        ok: true,
        reply: reply(`Settings of ${sub.context.split(':')[1] ?? '?'} saved by ${sub.actor.userId}: ${sub.values.enabled === true ? 'on' : 'off'}, ${days_} at ${String(sub.values.time)}, retention ${days} days.`, { visibility: 'channel', tone: 'success' }),
      };
    }
    if (sub.formId === 'restore') {
      if (sub.values.target === null || sub.values.target === '') return { ok: false, errors: { nonexistent: 'Name a target instance.' } };
      return { ok: true, reply: reply(`Restore to ${String(sub.values.target)} requested.`) };
    }
    return { ok: false, errors: { form: 'Unknown form.' } };
  }
}
