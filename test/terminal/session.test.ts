import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIST_REPLY, drive, pipe } from './helpers';

describe('the terminal chat with piped input', () => {
  it('runs piped commands in order and ends at the end of input', async () => {
    const { core, output } = await pipe(['/backup instances', '', 'backup tasks prod-1', '   ', 'slow', 'run prod-1']);
    expect(core.runs.map((r) => r.text)).toEqual(['instances', 'tasks prod-1', 'slow', 'run prod-1']);
    expect(core.runs[0]?.actor).toEqual({ platform: 'terminal', userId: 'admin1', personId: 'admin1', displayName: 'Admin One' });
    expect(core.runs[0]?.channel).toEqual({ platform: 'terminal', channelId: 'terminal' });
    const lines = output.text.split('\n').filter((l) => l !== '');
    expect(lines).toEqual([
      'ℹ ran "instances" as admin1',
      'ℹ ran "tasks prod-1" as admin1',
      '✔ slow done',
      'ℹ ran "run prod-1" as admin1',
    ]);
  });

  it('/as NAME changes the actor handed to the core', async () => {
    const { core, output } = await pipe(['/backup run prod-1', '/as admin2', '/backup run prod-1', '/as stranger', 'run prod-1']);
    expect(core.runs.map((r) => [r.actor.userId, r.actor.personId])).toEqual([
      ['admin1', 'admin1'],
      ['admin2', 'admin2'],
      ['stranger', null],
    ]);
    expect(output.text).toContain('You are now admin2 (Admin Two).');
    expect(output.text).toContain('You are now stranger (not in the configuration).');
  });

  it('a numbered button without confirm acts at once, as the current user', async () => {
    const { core, output } = await pipe(['/backup list prod-1', '/as admin2', '3']);
    expect(output.text).toContain('[1] Restore  [2] Delete…');
    expect(output.text).toContain('[3] Restore');
    expect(core.acts).toEqual([{ actor: expect.objectContaining({ userId: 'admin2' }), value: 'restore:bk-2', channel: { platform: 'terminal', channelId: 'terminal' } }]);
    expect(output.text).toContain('✔ acted restore:bk-2 as admin2');
  });

  it('a button with a confirm asks first and acts only on y', async () => {
    const declined = await pipe(['/backup list prod-1', '2', 'n', '2', '', '2', 'NO']);
    expect(declined.core.acts).toEqual([]);
    expect(declined.output.text).toContain('? Delete bk-1?\n  Delete backup bk-1 of prod-1? This cannot be undone. [y/N]');
    expect(declined.output.text.match(/Keep: nothing was done\./g)).toHaveLength(3);

    const accepted = await pipe(['/backup list prod-1', '2', 'y', '2', 'YES']);
    expect(accepted.core.acts.map((a) => a.value)).toEqual(['delete:bk-1', 'delete:bk-1']);
  });

  it('a command typed while a question is open cancels the question, says so, and runs', async () => {
    const { core, output } = await pipe(['/backup list prod-1', '2', '/backup tasks prod-1', 'y', '2', 'maybe', '2', '1']);
    expect(core.runs.map((r) => r.text)).toEqual(['list prod-1', 'tasks prod-1', 'y', 'maybe']);
    expect(output.text).toContain('  Not answered, so "Delete bk-1?" is cancelled: nothing was done. Running your new command.\nℹ ran "tasks prod-1" as admin1');
    // The `y` after the command answers nothing: it is a command of its own.
    expect(core.acts.map((a) => a.value)).toEqual(['restore:bk-1']);
    expect(output.text.match(/is cancelled: nothing was done/g)).toHaveLength(3);
  });

  it('numbers with nothing to choose, or out of range, say so', async () => {
    const { core, output } = await pipe(['1', '/backup list prod-1', '9', '0']);
    expect(core.acts).toEqual([]);
    expect(output.text).toContain('Nothing to choose: a number picks a button of the last reply that had buttons.');
    expect(output.text).toContain('No choice 9: choose 1 to 3.');
    expect(output.text).toContain('No choice 0: choose 1 to 3.');
  });

  it('one choice only: "the only choice is 1"', async () => {
    const { session, input, output } = drive();
    await session.notifier.post({ platform: 'terminal', channelId: 'terminal' }, { visibility: 'channel', tone: 'info', text: 'Run it?', buttons: [{ label: 'Run', value: 'run:1' }] });
    input.end('2\n');
    await session.done;
    expect(output.text).toContain('No choice 2: the only choice is 1.');
    expect(output.text).not.toContain('choose 1 to 1');
  });

  it('a form is printed; /fill asks its fields one by one and submits them', async () => {
    const { core, output } = await pipe(['/backup settings prod-1', '/fill', 'maybe', 'on', 'mon, thu', '', '14']);
    expect(output.text).toContain('    Enable backup:    off');
    expect(output.text).toContain('Or type /fill to answer its fields one by one.');
    expect(output.text).toContain('  Enable backup (on/off) [off]:');
    expect(output.text).toContain('  answer on or off');
    expect(output.text).toContain('  Retention (days) (7 to 31) [7]:');
    expect(core.submissions).toEqual([
      {
        actor: expect.objectContaining({ userId: 'admin1' }),
        formId: 'settings',
        context: 'ctx-prod-1-v0',
        values: { enabled: true, weekdays: ['mon', 'thu'], time: '00:00', retentionDays: '14' },
      },
    ]);
    expect(output.text).toContain('✔ saved as admin1');
  });

  it('/fill shows the core\'s field errors, and /cancel leaves a form unsaved', async () => {
    const refused = await pipe(['/fill', 'settings prod-1', '/fill', '', '', '', '40']);
    expect(refused.output.text).toContain('No form to fill: open one first, e.g. /backup settings prod-1');
    expect(refused.output.text).toContain('✖ Not saved:\n  Retention (days): must be from 7 to 31, got 40\n  Type /fill to try again.');
    const cancelled = await pipe(['settings prod-1', '/fill', 'on', '/cancel', 'instances']);
    expect(cancelled.core.submissions).toEqual([]);
    expect(cancelled.output.text).toContain('Form left unsaved.');
    expect(cancelled.core.runs.map((r) => r.text)).toEqual(['settings prod-1', 'instances']);
  });

  it('a greeting is printed first when given', async () => {
    const { output } = await pipe(['instances'], { greeting: 'Sandbox mode. You are admin1.' });
    expect(output.text.startsWith('Sandbox mode. You are admin1.\nℹ ran "instances" as admin1\n')).toBe(true);
  });

  it('help, whoami, unknown slash commands and /quit', async () => {
    const { core, output } = await pipe(['/help', '/whoami', '/frobnicate now', '/quit', '/backup instances']);
    expect(output.text).toContain('/as NAME');
    expect(output.text).toContain('You are admin1 (Admin One).');
    expect(output.text).toContain('Unknown terminal command "/frobnicate". Type /help.');
    expect(core.runs).toEqual([]);
  });

  it('a core that throws (it should not) is answered, and the session goes on', async () => {
    const { core, output } = await pipe(['explode', 'instances']);
    expect(output.text).toContain('✖ Sorry, that failed: core bug');
    expect(core.runs.map((r) => r.text)).toEqual(['explode', 'instances']);
  });

  it('waits for the queued announcements before ending', async () => {
    const { output } = await pipe(['slow'], {
      beforeExit: async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
      },
    });
    expect(output.text).toBe('✔ slow done\n');
  });

  it('close() ends the session', async () => {
    const { session } = drive();
    session.close();
    await expect(session.done).resolves.toBeUndefined();
  });

  it('garbage never throws and never hangs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.string({ unit: 'binary', maxLength: 80 }),
            fc.constantFrom('/as', '/as a b', '/as ' + 'x'.repeat(100), '99999999999', '-1', '1', 'y', '\u001b[2J', '/backup', 'backup', '/', '\r'),
          ),
          { maxLength: 12 },
        ),
        async (lines) => {
          const { output } = await pipe(['list prod-1', ...lines]);
          expect(output.text).not.toContain('\u001b[2J');
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('announcements (the terminal notifier)', () => {
  it('prints channel messages with the channel, and their buttons become the choices', async () => {
    const { session, input, output, core } = drive();
    const message = await session.notifier.post({ platform: 'terminal', channelId: 'terminal' }, { ...LIST_REPLY, visibility: 'channel' });
    expect(message).toEqual({ platform: 'terminal', channelId: 'terminal', messageId: expect.any(String) });
    input.end('1\n');
    await session.done;
    expect(output.text.startsWith('[#terminal] ℹ Backups of prod-1\n')).toBe(true);
    expect(core.acts.map((a) => a.value)).toEqual(['restore:bk-1']);
  });

  it('on a pipe, progress prints at most one line every few seconds, and the final update in full', async () => {
    let now = 0;
    const { session, input, output } = drive({ now: () => now });
    const channel = { platform: 'terminal' as const, channelId: 'ops' };
    const progress = (text: string, tone: 'info' | 'success' = 'info') => ({ visibility: 'channel' as const, tone, title: 'Backup of prod-1', text });
    const message = await session.notifier.post(channel, progress('starting'));
    // Fifteen updates 400 ms apart (as the sandbox's jobs move), then the summary.
    for (let i = 1; i <= 15; i++) {
      now += 400;
      await session.notifier.update(message, progress(`${i}/15 uploaded`));
    }
    await session.notifier.update(message, progress('Finished: 3 databases, 1.2 GB', 'success'));
    input.end();
    await session.done;
    expect(output.text.split('\n').filter((l) => l !== '')).toEqual([
      '[#ops] ℹ Backup of prod-1',
      '  starting',
      '[#ops] ℹ Backup of prod-1 — 1/15 uploaded',
      '[#ops] ℹ Backup of prod-1 — 14/15 uploaded',
      '[#ops] ✔ Backup of prod-1',
      '  Finished: 3 databases, 1.2 GB',
    ]);
  });

  it('on a pipe, a progress line is never cut, whatever its length', async () => {
    const { session, input, output } = drive();
    const id = 'bk-20261124-1414-prod-1';
    const message = await session.notifier.post({ platform: 'terminal', channelId: 'terminal' }, { visibility: 'channel', tone: 'info', text: 'started' });
    const text = `Backup *${id}* of prod-1 running. ${Array.from({ length: 40 }, (_, i) => `db${i}: UPLOADING`).join(', ')}`;
    await session.notifier.update(message, { visibility: 'channel', tone: 'info', text });
    input.end();
    await session.done;
    const line = output.text.split('\n').find((l) => l.includes('db39')) ?? '';
    expect(line).toContain(`Backup ${id} of prod-1 running. db0: UPLOADING`);
  });

  it('on a TTY, progress is rewritten in place above the prompt', async () => {
    const { session, input, output } = drive({ interactive: true });
    const channel = { platform: 'terminal' as const, channelId: 'terminal' };
    const message = await session.notifier.post(channel, { visibility: 'channel', tone: 'info', text: 'Backup of prod-1 started' });
    await session.notifier.update(message, { visibility: 'channel', tone: 'info', text: '1/10' });
    await session.notifier.update(message, { visibility: 'channel', tone: 'info', text: '2/10' });
    input.end();
    await session.done;
    expect(output.text).toContain('admin1> ');
    expect(output.text).toContain('\u001b[1A\r\u001b[K[#terminal]');
    expect(output.text.split('\u001b[1A')).toHaveLength(2);
  });
});
