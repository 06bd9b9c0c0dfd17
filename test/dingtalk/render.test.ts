// Reply → DingTalk markdown and card data: the text subset, fields, rows, forms with their
// current values, notes; cards whose data is a map of strings and whose buttons describe
// themselves; DingTalk's lengths.

import { describe, expect, it } from 'vitest';
import { MAX_CARD_BUTTONS, renderAsk, renderCard, renderMarkdown, toMarkdown } from '../../adapters/dingtalk';
import { reply } from '../../src/reply';

describe('markdown', () => {
  it('turns the reply subset into DingTalk markdown: bold, code, bullets as a list, lines as paragraphs', () => {
    expect(toMarkdown('Saved *prod-1*: `days=mon`\nSchedule: Mon at 02:30\n- one\n- two\nafter')).toBe(
      'Saved **prod-1**: `days=mon`\n\nSchedule: Mon at 02:30\n\n- one\n- two\n\nafter',
    );
    expect(toMarkdown('**already** bold and 2*3*4')).toBe('**already** bold and 2*3*4');
  });

  it('renders title, text, fields, rows and notes, and a title for the conversation list', () => {
    const md = renderMarkdown(
      reply('2 backup sets of *prod-1*', {
        title: 'Backups: prod-1',
        fields: [{ label: 'Total', value: '2.4 GB' }],
        items: [{ text: '*bk-1*  FINISHED', fields: [{ label: 'Size', value: '1.2 GB' }, { label: 'Expires', value: '2030-01-01' }] }],
        notes: ['Times in Asia/Shanghai.'],
      }),
    );
    expect(md.title).toBe('ℹ️ Backups: prod-1');
    expect(md.text).toBe(
      '#### ℹ️ Backups: prod-1\n\n2 backup sets of **prod-1**\n\n- **Total**: 2.4 GB\n\n**bk-1**  FINISHED\n\n> Size: 1.2 GB · Expires: 2030-01-01\n\n> Times in Asia/Shanghai.',
    );
  });

  it('shows a form as its fields with the current values', () => {
    const md = renderMarkdown(
      reply('Settings', {
        form: {
          id: 'settings',
          title: 'Backup settings',
          submitLabel: 'Save',
          context: 'x',
          fields: [
            { kind: 'toggle', name: 'enabled', label: 'Enable backup', initial: true },
            { kind: 'weekdays', name: 'weekdays', label: 'Backup cycle', initial: ['mon', 'thu'] },
            { kind: 'text', name: 'db', label: 'Databases', initial: '' },
          ],
        },
      }),
    );
    expect(md.text).toContain('**Backup settings** (current values)\n\n- **Enable backup**: on\n- **Backup cycle**: mon, thu\n- **Databases**: —');
  });

  it('never sends control characters and stays within DingTalk’s length, saying what was left out', () => {
    const md = renderMarkdown(reply('a\u0007b', { items: Array.from({ length: 400 }, (_, i) => ({ text: `row ${i} ${'x'.repeat(40)}` })) }));
    expect(md.text.includes('\u0007')).toBe(false);
    expect(md.text.length).toBeLessThanOrEqual(4500);
    expect(md.text).toMatch(/> … \d+ more parts not shown here$/);
  });
});

describe('cards', () => {
  const run = reply('Back up *prod-1* now?', {
    tone: 'warning',
    title: 'Run a backup of prod-1?',
    buttons: [{ label: 'Run backup now', value: 'b1.abc.def', style: 'primary', action: 'confirm', subject: 'prod-1', confirm: { title: 'Start the backup?', text: 'It cannot be interrupted.', confirm: 'Run', deny: 'Not now' } }],
  });

  it('carry every value as a string, and buttons that say what they do and to what', () => {
    const card = renderCard(run);
    expect(Object.values(card.params).every((v) => typeof v === 'string')).toBe(true);
    expect(card.params).toMatchObject({ title: '⚠️ Run a backup of prod-1?', tone: 'warning', status: '' });
    expect(card.params.markdown).toBe('Back up **prod-1** now?\n\n> **Start the backup?** It cannot be interrupted.');
    expect(JSON.parse(card.params.buttons as string)).toEqual([
      { id: 'b0', text: 'Run backup now', color: 'blue', params: { action: 'confirm', subject: 'prod-1', value: 'b1.abc.def', scope: 'card', caption: 'Run backup now' } },
    ]);
  });

  it('name list rows’ buttons after their row; a row button with a confirm asks first', () => {
    const card = renderCard(
      reply('Sets', {
        items: [{ text: '*bk-20261124-0230-prod-1*  FINISHED', buttons: [{ label: 'Delete', value: 'v', style: 'danger', confirm: { title: 'Delete it?', text: 'Gone *for good*.', confirm: 'Delete', deny: 'Keep' } }] }],
      }),
    );
    const [button] = card.buttons;
    expect(button).toMatchObject({ text: 'Delete bk-20261124-0230-prod-1', color: 'red', params: { action: 'delete', subject: 'bk-20261124-0230-prod-1', scope: 'item', ask: '1', askTitle: 'Delete it?', askConfirm: 'Delete', askDeny: 'Keep' } });
    const ask = renderAsk(button?.params ?? {});
    expect(ask.params).toMatchObject({ title: '⚠️ Delete it?', markdown: 'Gone **for good**.' });
    expect(ask.buttons.map((b) => [b.text, b.params.action, b.params.value])).toEqual([
      ['Delete', 'delete', 'v'],
      ['Keep', 'cancel', ''],
    ]);
  });

  it(`show at most ${MAX_CARD_BUTTONS} buttons and say that more exist`, () => {
    const card = renderCard(reply('Many', { items: Array.from({ length: 30 }, (_, i) => ({ text: `*bk-${i}*`, buttons: [{ label: 'Restore', value: `v${i}` }] })) }));
    expect(card.buttons).toHaveLength(MAX_CARD_BUTTONS);
    expect(card.params.markdown).toContain('> 10 more buttons are not shown; use the commands instead (/backup help).');
  });
});
