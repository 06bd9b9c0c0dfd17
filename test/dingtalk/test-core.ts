// A small deterministic command core for the DingTalk surface's tests, through the same
// `CommandCore` interface as the real one: help, a settings form, a list with Restore and
// Delete (behind a confirm) on each row, a run that asks first, and a restore request with
// Approve / Reject that only an admin other than the requester may decide, once. Button
// values look like the core's signed tokens (b1.<body>.<mac>), unsigned here.

import type { Actor } from '../../src/domain/types';
import type { FormResult, Reply } from '../../src/reply';
import { errorReply, reply } from '../../src/reply';
import type { ActionInvocation, CommandCore, CommandInvocation, FormSubmission } from '../../src/ports';

export type Role = 'viewer' | 'operator' | 'admin';

export const token = (command: string): string => `b1.${Buffer.from(command).toString('base64url')}.testmac`;
const untoken = (value: string): string | null => {
  const m = /^b1\.([A-Za-z0-9_-]+)\.testmac$/.exec(value);
  return m ? Buffer.from(m[1] as string, 'base64url').toString('utf8') : null;
};

export class TestCore implements CommandCore {
  readonly runs: CommandInvocation[] = [];
  readonly acts: ActionInvocation[] = [];
  readonly decided = new Map<string, string>();
  constructor(private readonly roles: Record<string, Role> = { admin1: 'admin', admin2: 'admin', viewer1: 'viewer' }) {}

  resolveActor(platform: Actor['platform'], userId: string, displayName?: string): Actor {
    const known = this.roles[userId] !== undefined;
    return { platform, userId, personId: known ? `person-${userId}` : null, displayName: known ? `Person ${userId}` : (displayName ?? userId) };
  }

  private role(actor: Actor): Role {
    return this.roles[actor.userId] ?? 'operator';
  }

  async run(inv: CommandInvocation): Promise<Reply> {
    this.runs.push(inv);
    const [word = '', arg = ''] = inv.text.trim().split(/\s+/);
    switch (word) {
      case '':
      case 'help':
        return reply(['- `/backup settings <instance>`: settings', '- `/backup list <instance>`: backup sets', '- `/backup restore <bk> to <instance>`: restore'].join('\n'), { title: 'StarRocks backup bot: commands' });
      case 'settings':
        return reply(`Backup settings of *${arg}*: off.`, {
          title: `Backup settings: ${arg}`,
          notes: [`Text form: /backup settings ${arg} off time=00:00 retention=7`],
          form: {
            id: 'settings',
            title: 'Backup settings',
            submitLabel: 'Save',
            context: 'ctx',
            fields: [
              { kind: 'toggle', name: 'enabled', label: 'Enable backup', initial: false },
              { kind: 'weekdays', name: 'weekdays', label: 'Backup cycle (weekly)', initial: [] },
              { kind: 'time', name: 'time', label: 'Backup time (Asia/Shanghai)', initial: '00:00' },
              { kind: 'number', name: 'retentionDays', label: 'Retention (days)', initial: 7, min: 7, max: 31 },
              { kind: 'readonly', name: 'region', label: 'Storage region', value: 'cn-hangzhou (fixed to the instance region)' },
            ],
          },
        });
      case 'list':
        return reply(`Backup sets of *${arg}*`, {
          items: ['bk-1', 'bk-2'].map((id) => ({
            text: `*${id}*  FINISHED`,
            fields: [{ label: 'Size', value: '1.2 GB' }],
            buttons: [
              { label: 'Restore', value: token(`restore ${id}`), action: 'restore', subject: id },
              { label: 'Delete', value: token(`delete ${id}`), style: 'danger' as const, action: 'delete', subject: id, confirm: { title: `Delete ${id}?`, text: `Backup *${id}* is deleted for good.`, confirm: 'Delete', deny: 'Keep' } },
            ],
          })),
        });
      case 'run':
        return reply(`Back up *${arg}* now? It slows the instance.`, {
          tone: 'warning',
          title: `Run a backup of ${arg}?`,
          buttons: [{ label: 'Run backup now', value: token(`run ${arg}`), style: 'primary', action: 'confirm', subject: arg, confirm: { title: 'Start the backup?', text: 'It cannot be interrupted.', confirm: 'Run', deny: 'Not now' } }],
        });
      case 'restore':
        return reply(`Restore request *rs-1* by ${inv.actor.userId}: ${arg} to staging-1. An admin other than the requester approves.`, {
          visibility: 'channel',
          title: 'Restore request rs-1',
          buttons: [
            { label: 'Approve', value: token(`approve rs-1 ${inv.actor.userId}`), style: 'primary', action: 'approve', subject: 'rs-1' },
            { label: 'Reject', value: token(`reject rs-1 ${inv.actor.userId}`), style: 'danger', action: 'reject', subject: 'rs-1' },
          ],
        });
      case 'slow':
        await new Promise((r) => setTimeout(r, Number(arg) || 100));
        return reply(`slow ${arg} done`);
      default:
        return errorReply(`unknown command "${word}". Try /backup help`);
    }
  }

  async act(inv: ActionInvocation): Promise<Reply> {
    this.acts.push(inv);
    const command = untoken(inv.value);
    if (command === null) return errorReply('that button or form is not one this bot made; run the command again');
    const [verb = '', subject = '', requester = ''] = command.split(' ');
    const role = this.role(inv.actor);
    switch (verb) {
      case 'run':
        if (role === 'viewer') return errorReply(`/backup run needs the operator role on ${subject}; your role on ${subject} is viewer.`);
        return reply(`Started backup *bk-9* of ${subject}.`, { tone: 'success' });
      case 'delete':
        if (role !== 'admin') return errorReply(`/backup delete needs the admin role; your role is ${role}.`);
        return reply(`Deleted ${subject} (by ${inv.actor.userId}).`, { visibility: 'channel', tone: 'success' });
      case 'restore':
        return reply(`Restore ${subject}: name a target with /backup restore ${subject} to <instance>.`);
      case 'approve':
      case 'reject': {
        if (role !== 'admin') return errorReply(`/backup ${verb} needs the admin role; your role is ${role}.`);
        const before = this.decided.get(subject);
        if (before !== undefined) return errorReply(`${subject} was already decided: ${before}.`);
        if (inv.actor.userId === requester) return errorReply(`${subject} needs the approval of an admin other than the requester (${requester}).`);
        this.decided.set(subject, `${verb}d by ${inv.actor.userId}`);
        return reply(`Restore ${subject} ${verb === 'approve' ? 'approved' : 'rejected'} by ${inv.actor.userId}.`, { visibility: 'channel', tone: 'success' });
      }
      default:
        return reply(`Nothing to do for ${verb}.`);
    }
  }

  async submit(_sub: FormSubmission): Promise<FormResult> {
    return { ok: false, errors: { form: 'no forms on DingTalk' } };
  }
}
