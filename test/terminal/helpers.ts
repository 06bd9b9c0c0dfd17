// A small deterministic command core and a way to drive the terminal with piped input.

import { PassThrough, Writable } from 'node:stream';
import type { FormResult, Reply } from '../../src/reply';
import type { ActionInvocation, CommandCore, CommandInvocation, FormSubmission } from '../../src/ports';
import { startTerminal, type TerminalOptions, type TerminalSession } from '../../adapters/terminal';

export const PEOPLE: Record<string, string> = { admin1: 'Admin One', admin2: 'Admin Two', viewer1: 'Viewer One' };

export const LIST_REPLY: Reply = {
  visibility: 'caller',
  tone: 'info',
  title: 'Backups of prod-1',
  text: '2 backup sets, *3.1 GB* in total',
  items: [
    {
      text: 'bk-1 FINISHED',
      fields: [{ label: 'Size', value: '1.0 GB' }],
      buttons: [
        { label: 'Restore', value: 'restore:bk-1' },
        {
          label: 'Delete',
          value: 'delete:bk-1',
          style: 'danger',
          confirm: { title: 'Delete bk-1?', text: 'Delete backup bk-1 of prod-1? This cannot be undone.', confirm: 'Delete', deny: 'Keep' },
        },
      ],
    },
    { text: 'bk-2 FINISHED', buttons: [{ label: 'Restore', value: 'restore:bk-2' }] },
  ],
};

export const SETTINGS_REPLY: Reply = {
  visibility: 'caller',
  tone: 'info',
  text: 'Backup settings of prod-1: off.',
  notes: ['Text form: /backup settings prod-1 on days=mon,thu time=02:30 retention=14'],
  form: {
    id: 'settings',
    title: 'Backup settings',
    submitLabel: 'Save',
    context: 'ctx-prod-1-v0',
    fields: [
      { kind: 'readonly', name: 'instance', label: 'Instance', value: 'prod-1' },
      { kind: 'toggle', name: 'enabled', label: 'Enable backup', initial: false },
      { kind: 'weekdays', name: 'weekdays', label: 'Backup cycle', initial: [] },
      { kind: 'time', name: 'time', label: 'Backup time', initial: '00:00' },
      { kind: 'number', name: 'retentionDays', label: 'Retention (days)', initial: 7, min: 7, max: 31 },
    ],
  },
};

export class FakeCore implements CommandCore {
  readonly submissions: FormSubmission[] = [];
  readonly runs: CommandInvocation[] = [];
  readonly acts: ActionInvocation[] = [];

  async run(invocation: CommandInvocation): Promise<Reply> {
    this.runs.push(invocation);
    const text = invocation.text.trim();
    if (text.startsWith('list')) return LIST_REPLY;
    if (text === 'settings prod-1') return SETTINGS_REPLY;
    if (text === 'slow') {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { visibility: 'caller', tone: 'success', text: 'slow done' };
    }
    if (text === 'explode') throw new Error('core bug');
    return { visibility: 'caller', tone: 'info', text: `ran "${text}" as ${invocation.actor.userId}` };
  }

  async act(invocation: ActionInvocation): Promise<Reply> {
    this.acts.push(invocation);
    return { visibility: 'caller', tone: 'success', text: `acted ${invocation.value} as ${invocation.actor.userId}` };
  }

  async submit(submission: FormSubmission): Promise<FormResult> {
    this.submissions.push(submission);
    if (submission.values.retentionDays === '40') return { ok: false, errors: { retentionDays: 'must be from 7 to 31, got 40' } };
    return { ok: true, reply: { visibility: 'caller', tone: 'success', text: `saved as ${submission.actor.userId}` } };
  }

  resolveActor(platform: 'slack' | 'dingtalk' | 'terminal' | 'system', userId: string) {
    const displayName = PEOPLE[userId];
    return { platform, userId, personId: displayName ? userId : null, ...(displayName ? { displayName } : {}) };
  }
}

export class Collector extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

export interface Driven {
  core: FakeCore;
  output: Collector;
  session: TerminalSession;
  input: PassThrough;
}

export function drive(options: Partial<TerminalOptions> = {}): Driven {
  const core = new FakeCore();
  const output = new Collector();
  const input = new PassThrough();
  const session = startTerminal({ core, input, output, user: 'admin1', interactive: false, ...options });
  return { core, output, session, input };
}

/** Pipes the lines in, ends the input, and waits until the terminal is done. */
export async function pipe(lines: string[], options: Partial<TerminalOptions> = {}): Promise<Driven> {
  const driven = drive(options);
  driven.input.end(lines.map((l) => `${l}\n`).join(''));
  await driven.session.done;
  return driven;
}
