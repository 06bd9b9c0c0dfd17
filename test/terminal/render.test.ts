import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Reply } from '../../src/reply';
import { newChoices, renderProgressLine, renderReply } from '../../adapters/terminal';
import { LIST_REPLY } from './helpers';

function render(reply: Reply, color = false) {
  const choices = newChoices();
  const text = renderReply(reply, choices, { color });
  return { text, lines: text.split('\n'), choices };
}

describe('renderReply', () => {
  it('a plain reply: the tone marker, then the text, bold as plain', () => {
    expect(render({ visibility: 'caller', tone: 'success', text: 'Settings of *prod-1* saved' }).text).toBe('✔ Settings of prod-1 saved\n');
    expect(render({ visibility: 'caller', tone: 'error', text: 'retention must be a whole number of days from 7 to 31, got 40' }).lines[0]).toBe(
      '✖ retention must be a whole number of days from 7 to 31, got 40',
    );
    expect(render({ visibility: 'caller', tone: 'warning', text: 'a\nb' }).text).toBe('⚠ a\n  b\n');
    expect(render({ visibility: 'caller', tone: 'info', text: 'x' }).text).toBe('ℹ x\n');
  });

  it('a title, then the text indented, and fields aligned', () => {
    const { lines } = render({
      visibility: 'caller',
      tone: 'info',
      title: 'prod-1',
      text: 'Production 1',
      fields: [
        { label: 'Region', value: 'cn-hangzhou' },
        { label: 'Total size', value: '3.1 GB' },
      ],
    });
    expect(lines).toEqual(['ℹ prod-1', '  Production 1', '  Region:     cn-hangzhou', '  Total size: 3.1 GB', '']);
  });

  it('a label longer than the alignment still keeps a space before its value', () => {
    const { lines } = render({
      visibility: 'caller',
      tone: 'info',
      text: 't',
      fields: [
        { label: 'A label far longer than any sane width', value: 'v' },
        { label: 'Short', value: 'w' },
      ],
    });
    expect(lines.slice(1, 3)).toEqual(['  A label far longer than any sane width: v', '  Short:' + ' '.repeat(24) + 'w']);
  });

  it('items as a numbered list with their buttons as numbered choices', () => {
    const { lines, choices } = render(LIST_REPLY);
    expect(lines).toEqual([
      'ℹ Backups of prod-1',
      '  2 backup sets, 3.1 GB in total',
      '  1. bk-1 FINISHED',
      '     Size: 1.0 GB',
      '     [1] Restore  [2] Delete…',
      '  2. bk-2 FINISHED',
      '     [3] Restore',
      '  (type a number to choose)',
      '',
    ]);
    expect(choices.buttons.map((b) => b.value)).toEqual(['restore:bk-1', 'delete:bk-1', 'restore:bk-2']);
  });

  it('reply buttons are numbered after the items, and the numbering continues', () => {
    const choices = newChoices();
    choices.buttons.push({ label: 'Earlier', value: 'e' });
    const text = renderReply(
      {
        visibility: 'channel',
        tone: 'info',
        text: 'Restore rs-1 of bk-1 into staging-1 requested by alice',
        buttons: [
          { label: 'Approve', value: 'approve', style: 'primary' },
          { label: 'Reject', value: 'reject', style: 'danger' },
        ],
      },
      choices,
    );
    expect(text).toContain('  [2] Approve  [3] Reject\n');
    expect(choices.buttons).toHaveLength(3);
  });

  it('notes are indented small print', () => {
    const { lines } = render({ visibility: 'caller', tone: 'info', text: 'x', notes: ['Users and privileges are not backed up.'] });
    expect(lines[1]).toBe('  · Users and privileges are not backed up.');
  });

  it('a form shows each field with its current value, read-only marked, and how to set it', () => {
    const { text, choices } = render({
      visibility: 'caller',
      tone: 'info',
      text: 'Backup settings of prod-1',
      notes: ['Text form: /backup settings prod-1 on days=mon,thu time=02:30 retention=14'],
      form: {
        id: 'settings',
        title: 'Backup settings: prod-1',
        submitLabel: 'Save',
        context: 'signed',
        fields: [
          { kind: 'toggle', name: 'enabled', label: 'Enable backup', initial: true },
          { kind: 'weekdays', name: 'days', label: 'Backup cycle', initial: ['mon', 'thu'] },
          { kind: 'time', name: 'time', label: 'Backup time', initial: '02:30', hint: 'in Asia/Shanghai' },
          { kind: 'number', name: 'retention', label: 'Retention (days)', initial: 7, min: 7, max: 31 },
          { kind: 'text', name: 'note', label: 'Note', initial: '', optional: true },
          { kind: 'readonly', name: 'region', label: 'Storage region', value: 'cn-hangzhou' },
        ],
      },
    });
    const lines = text.split('\n');
    expect(lines).toContain('  Form: Backup settings: prod-1');
    expect(lines).toContain('    Enable backup:    on');
    expect(lines).toContain('    Backup cycle:     mon, thu');
    expect(lines).toContain('    Backup time:      02:30');
    expect(lines).toContain('    Retention (days): 7 (7 to 31)');
    expect(lines).toContain('    Note:             (empty, optional)');
    expect(lines).toContain('    Storage region:   cn-hangzhou (read-only)');
    expect(lines[lines.indexOf('    Backup time:      02:30') + 1]).toBe('                      in Asia/Shanghai');
    expect(text).toContain('type the text form of the command');
    expect(text).toContain('  · Text form: /backup settings prod-1 on days=mon,thu time=02:30 retention=14');
    expect(choices.buttons).toEqual([]);
  });

  it('no ANSI colours unless asked, and colours when asked', () => {
    expect(render(LIST_REPLY).text).not.toContain('\u001b[');
    const colored = render(LIST_REPLY, true).text;
    expect(colored).toContain('\u001b[1m3.1 GB\u001b[0m');
    expect(colored).toContain('\u001b[31m[2] Delete…\u001b[0m');
  });

  it('never passes control characters from a reply to the terminal', () => {
    const { text } = render({ visibility: 'caller', tone: 'error', title: 'a\u001b[2Jb', text: 'unknown command "\u001b]0;pwned\u0007x\u0000"' });
    expect([...text].filter((c) => c !== '\n' && (c < ' ' || c === '\u007f'))).toEqual([]);
    expect(text).toContain('ab');
  });
});

describe('renderProgressLine', () => {
  it('is one line: marker, title and the first line of text, cut to the width', () => {
    const reply: Reply = { visibility: 'channel', tone: 'info', title: 'Backup of prod-1', text: 'Uploading *3/10*\nmore detail' };
    expect(renderProgressLine(reply, 80)).toBe('ℹ Backup of prod-1 — Uploading 3/10 · more detail');
    expect(renderProgressLine({ ...reply, title: undefined, text: 'Running\n- sales: 2/4\n- web: done' }, 80)).toBe('ℹ Running · sales: 2/4 · web: done');
    const cut = renderProgressLine({ ...reply, text: `${'x'.repeat(200)} Databases done: 2/3.` }, 50);
    expect(Array.from(cut).length).toBeLessThanOrEqual(50);
    expect(cut).toBe('ℹ Backup of prod-1 — …Databases done: 2/3.');
    const untitled = renderProgressLine({ ...reply, title: undefined, text: 'y'.repeat(200) }, 40);
    expect(Array.from(untitled).length).toBeLessThanOrEqual(40);
    expect(untitled.endsWith('y…')).toBe(true);
  });

  const ID = 'bk-20261124-1414-prod-1';
  const progress: Reply = {
    visibility: 'channel',
    tone: 'info',
    title: `Backup ${ID} running`,
    text: `Backup *${ID}* of *prod-1* (manual) started 2026-11-24 14:14 Asia/Shanghai, running for 6s. Databases done: 1/3.\n- inventory: finished (2 tables, 1.0 MiB)\n- sales: UPLOADING 3/39\n- web: waiting`,
  };

  it('never cuts a backup id, at any width, with or without a title', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 300 }), fc.boolean(), (width, titled) => {
        const line = renderProgressLine(titled ? progress : { ...progress, title: undefined }, width);
        expect(line).toContain(ID);
        // Never longer than the width, unless the id alone does not fit.
        if (width >= `ℹ Backup ${ID}…`.length) expect(Array.from(line).length).toBeLessThanOrEqual(width);
      }),
    );
  });

  it('in a narrow terminal keeps the title with its id and the end of the text, cut between words', () => {
    expect(renderProgressLine(progress, 80)).toBe(`ℹ Backup ${ID} running — …sales: UPLOADING 3/39 · web: waiting`);
    expect(renderProgressLine(progress, 40)).toBe(`ℹ Backup ${ID} running`);
    expect(renderProgressLine(progress, 30)).toBe(`ℹ Backup ${ID}…`);
  });
});
