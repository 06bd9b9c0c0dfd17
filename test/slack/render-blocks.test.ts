// Reply → Block Kit: every Reply shape stays within Slack's limits (checked by the fake's
// own rules and explicitly), with a text fallback, escaped text and correct mrkdwn.

import { describe, expect, it } from 'vitest';
import { renderMessage, renderMessageDetailed } from '../../adapters/slack';
import { splitText, toMrkdwn, truncate } from '../../adapters/slack/mrkdwn';
import type { Reply } from '../../src/reply';
import { reply } from '../../src/reply';
import { blockProblem, walkBlocks, type Json } from '../../sim/slack';

const asJson = (v: unknown): Json => JSON.parse(JSON.stringify(v)) as Json;

function withinLimits(r: Reply): ReturnType<typeof renderMessage> {
  const out = renderMessage(r);
  expect(blockProblem(asJson(out.blocks))).toBeNull();
  expect(out.blocks.length).toBeLessThanOrEqual(50);
  expect(out.text.length).toBeGreaterThan(0);
  expect(out.text.length).toBeLessThanOrEqual(3000);
  for (const b of out.blocks) {
    if (b.type === 'section') {
      if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
      expect((b.fields ?? []).length).toBeLessThanOrEqual(10);
      for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2000);
    }
  }
  return out;
}

describe('renderMessage', () => {
  it('a plain reply: tone emoji on the first line, a fallback text', () => {
    const out = withinLimits(reply('Backup of *prod-1* finished.', { tone: 'success' }));
    expect(out.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: ':white_check_mark: Backup of *prod-1* finished.' } }]);
    expect(out.text).toBe(':white_check_mark: Backup of *prod-1* finished.');
  });

  it('a title becomes a header with the tone emoji', () => {
    const out = withinLimits(reply('Disk almost full', { tone: 'warning', title: 'prod-1 & friends' }));
    expect(out.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: ':warning: prod-1 & friends', emoji: true } });
    expect(out.blocks[1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: 'Disk almost full' } });
    expect(out.text).toBe(':warning: prod-1 &amp; friends\nDisk almost full');
  });

  it('escapes &, < and > and converts the markdown subset', () => {
    expect(toMrkdwn('a < b && c > d')).toBe('a &lt; b &amp;&amp; c &gt; d');
    expect(toMrkdwn('*bold* and `code`\n- one\n- two\n  - nested')).toBe('*bold* and `code`\n• one\n• two\n  ◦ nested');
    expect(toMrkdwn('**double**')).toBe('*double*');
    expect(toMrkdwn('<!channel> <@U1>')).toBe('&lt;!channel&gt; &lt;@U1&gt;');
  });

  it('fields go 10 per section, each at most 2000 chars', () => {
    const fields = Array.from({ length: 23 }, (_, i) => ({ label: `f${i}`, value: 'v'.repeat(i === 0 ? 5000 : 3) }));
    const out = withinLimits(reply('fields', { fields }));
    const sections = out.blocks.filter((b) => b.type === 'section' && b.fields);
    expect(sections.map((s) => (s.type === 'section' ? s.fields?.length : 0))).toEqual([10, 10, 3]);
  });

  it('items each get a section and their buttons an actions block; notes a context', () => {
    const out = withinLimits(
      reply('Backup sets', {
        items: [
          { text: '*bk-1* 1 GB', fields: [{ label: 'Expires', value: 'tomorrow' }], buttons: [{ label: 'Restore', value: 'r1', style: 'primary' }] },
          { text: '*bk-2* 2 GB' },
        ],
        buttons: [{ label: 'More', value: 'more' }],
        notes: ['Sizes are from OSS.', 'Users and privileges are never backed up.'],
      }),
    );
    expect(out.blocks.map((b) => b.type)).toEqual(['section', 'section', 'actions', 'section', 'actions', 'context']);
    const ids = walkBlocks(asJson(out.blocks)).buttons.map((b) => b.actionId);
    expect(ids).toEqual(['backup_action_0', 'backup_action_1']);
    expect(out.blocks[5]).toEqual({
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: 'Sizes are from OSS.' },
        { type: 'mrkdwn', text: 'Users and privileges are never backed up.' },
      ],
    });
  });

  it('confirm dialogs get all four parts within their limits, danger when the button is', () => {
    const out = withinLimits(
      reply('Delete?', {
        buttons: [
          { label: 'D'.repeat(100), value: 'x', style: 'danger', confirm: { title: 'T'.repeat(150), text: 'X'.repeat(400), confirm: 'C'.repeat(40), deny: '' } },
          { label: 'Run', value: 'y', confirm: { title: 'Run?', text: 'Sure?', confirm: 'Run', deny: 'No' } },
        ],
      }),
    );
    const [del, run] = walkBlocks(asJson(out.blocks)).buttons;
    expect(del?.text.length).toBe(75);
    expect(del?.confirm).toMatchObject({ style: 'danger', deny: { text: 'Cancel' } });
    expect(JSON.stringify(del?.confirm?.title)).toContain('…');
    expect(run?.confirm).toMatchObject({ style: 'primary' });
  });

  it('leaves out a button whose value passes 2000 chars, and says so', () => {
    const r = renderMessageDetailed(reply('x', { buttons: [{ label: 'Huge', value: 'v'.repeat(2001) }, { label: 'Fine', value: 'v'.repeat(2000) }] }));
    expect(walkBlocks(asJson(r.blocks)).buttons.map((b) => b.text)).toEqual(['Fine']);
    expect(r.problems).toEqual([expect.stringContaining('"Huge" left out')]);
  });

  it('a huge reply (200 items, 10k chars of text) is cut to 50 blocks with "… and N more"', () => {
    const items = Array.from({ length: 200 }, (_, i) => ({ text: `item ${i}`, buttons: [{ label: `Act ${i}`, value: `a${i}` }] }));
    const r = renderMessageDetailed(reply('y'.repeat(10_000), { title: 'Big', items, notes: ['the end'] }));
    expect(blockProblem(asJson(r.blocks))).toBeNull();
    expect(r.blocks.length).toBeLessThanOrEqual(50);
    expect(r.blocks.length).toBeGreaterThanOrEqual(49); // whole items only: a section and its buttons
    const types = r.blocks.map((b) => b.type);
    expect(types.slice(0, 5)).toEqual(['header', 'section', 'section', 'section', 'section']);
    expect(types.at(-1)).toBe('context'); // the notes stay
    const more = r.blocks.at(-2);
    const shown = r.blocks.filter((b) => b.type === 'actions').length;
    expect(more).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: `… and ${200 - shown} more not shown here` }] });
    expect(shown).toBe(21);
    expect(r.problems).toEqual([expect.stringContaining('179 of 200 items left out')]);
  });

  it('every text chunk is at most 3000 chars and the whole text survives the split', () => {
    const text = Array.from({ length: 400 }, (_, i) => `line ${i} & <more>`).join('\n');
    const chunks = splitText(toMrkdwn(text), 3000);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(3000);
    expect(chunks.join('\n')).toBe(toMrkdwn(text));
  });

  it('never cuts inside an escaped entity', () => {
    const s = `${'a'.repeat(2998)}&amp;b`;
    expect(truncate(s, 3000)).toBe(`${'a'.repeat(2998)}…`);
    const [first] = splitText(`${'a'.repeat(2998)}&amp;${'b'.repeat(10)}`, 3000);
    expect(first).toBe('a'.repeat(2998));
  });

  it('an empty text still gives a valid message', () => {
    const out = withinLimits(reply('', { items: [{ text: '', fields: [{ label: 'a', value: 'b' }] }] }));
    expect(out.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: ':information_source: ' } });
  });
});
