// The Block Kit limits Slack enforces (it answers `invalid_blocks` / `invalid_arguments`).
// Written independently of the adapter's renderer, so the fake catches its mistakes.

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The text of a text object or a bare string. */
export function plainText(t: unknown): string {
  if (typeof t === 'string') return t;
  if (isObject(t) && typeof t.text === 'string') return t.text;
  return '';
}

export interface FoundButton {
  actionId: string;
  blockId: string | undefined;
  text: string;
  value: string | undefined;
  style: string | undefined;
  confirm: JsonObject | undefined;
}

/** Every text shown and every button, walking blocks the way Slack renders them. */
export function walkBlocks(node: unknown, out: { texts: string[]; buttons: FoundButton[] } = { texts: [], buttons: [] }, blockId?: string): { texts: string[]; buttons: FoundButton[] } {
  if (Array.isArray(node)) {
    for (const n of node) walkBlocks(n, out, blockId);
    return out;
  }
  if (!isObject(node)) return out;
  const id = typeof node.block_id === 'string' ? node.block_id : blockId;
  if (node.type === 'button') {
    out.buttons.push({
      actionId: typeof node.action_id === 'string' ? node.action_id : '',
      blockId: id,
      text: plainText(node.text),
      value: typeof node.value === 'string' ? node.value : undefined,
      style: typeof node.style === 'string' ? node.style : undefined,
      confirm: isObject(node.confirm) ? node.confirm : undefined,
    });
    return out;
  }
  if ((node.type === 'plain_text' || node.type === 'mrkdwn') && typeof node.text === 'string') {
    out.texts.push(node.text);
    return out;
  }
  for (const [k, v] of Object.entries(node)) if (k !== 'confirm' && typeof v === 'object' && v !== null) walkBlocks(v, out, id);
  return out;
}

/** Why Slack would refuse these message blocks, or null. */
export function blockProblem(blocks: unknown): string | null {
  if (blocks === undefined) return null;
  if (!Array.isArray(blocks)) return 'blocks is not an array';
  if (blocks.length > 50) return `${blocks.length} blocks (max 50)`;
  const ids = new Set<string>();
  for (const b of blocks) {
    if (!isObject(b) || typeof b.type !== 'string') return 'a block without type';
    if (typeof b.block_id === 'string') {
      if (ids.has(b.block_id)) return `duplicate block_id ${b.block_id}`;
      ids.add(b.block_id);
    }
    if (b.type === 'section') {
      if (b.text === undefined && b.fields === undefined) return 'section without text or fields';
      const t = plainText(b.text);
      if (b.text !== undefined && !(t.length >= 1 && t.length <= 3000)) return `section text of ${t.length} chars (1..3000)`;
      if (b.fields !== undefined) {
        if (!Array.isArray(b.fields) || b.fields.length > 10) return 'section with over 10 fields';
        if (b.fields.some((f) => plainText(f).length > 2000 || plainText(f).length < 1)) return 'section field not 1..2000 chars';
      }
    }
    if (b.type === 'header' && plainText(b.text).length > 150) return 'header text over 150 chars';
    if (b.type === 'context' && (!Array.isArray(b.elements) || b.elements.length > 10 || b.elements.length < 1)) return 'context with 0 or over 10 elements';
    if (b.type === 'actions') {
      if (!Array.isArray(b.elements) || b.elements.length > 25 || b.elements.length < 1) return 'actions with 0 or over 25 elements';
      const actionIds = new Set<string>();
      for (const e of b.elements) {
        const aid = isObject(e) && typeof e.action_id === 'string' ? e.action_id : '';
        if (aid !== '' && actionIds.has(aid)) return `duplicate action_id ${aid}`;
        actionIds.add(aid);
      }
    }
    for (const x of walkBlocks(b).buttons) {
      if (x.text.length < 1 || x.text.length > 75) return `button text "${x.text}" not 1..75 chars`;
      if (x.value !== undefined && x.value.length > 2000) return 'button value over 2000 chars';
      if (x.actionId.length > 255) return 'action_id over 255 chars';
      if (x.confirm !== undefined) {
        const c = x.confirm;
        if (!['title', 'text', 'confirm', 'deny'].every((k) => plainText(c[k]).length > 0)) return 'confirm dialog lacks title/text/confirm/deny';
        if (plainText(c.title).length > 100 || plainText(c.text).length > 300) return 'confirm title over 100 or text over 300 chars';
        if (plainText(c.confirm).length > 30 || plainText(c.deny).length > 30) return 'confirm/deny label over 30 chars';
      }
    }
  }
  return null;
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Why Slack would refuse this modal (views.open / views.update), or null. */
export function viewProblem(view: unknown): string | null {
  if (!isObject(view)) return 'no view';
  if (view.type !== 'modal') return `view type ${String(view.type)} (views.open needs modal)`;
  const title = plainText(view.title);
  if (title.length < 1 || title.length > 24) return 'modal title missing or over 24 chars';
  for (const k of ['submit', 'close'] as const) if (view[k] !== undefined && plainText(view[k]).length > 24) return `modal ${k} over 24 chars`;
  if (!Array.isArray(view.blocks) || view.blocks.length > 100) return 'modal blocks missing or over 100';
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > 3000) return 'private_metadata over 3000 chars';
  if (typeof view.callback_id === 'string' && view.callback_id.length > 255) return 'callback_id over 255 chars';
  const blockIds = new Set<string>();
  for (const b of view.blocks) {
    if (!isObject(b)) return 'a block that is not an object';
    if (typeof b.block_id === 'string') {
      if (blockIds.has(b.block_id)) return `duplicate block_id ${b.block_id}`;
      blockIds.add(b.block_id);
    }
    if (b.type === 'input') {
      if (view.submit === undefined) return 'modal has input blocks but no submit';
      const label = plainText(b.label);
      if (label.length < 1 || label.length > 2000) return 'input label not 1..2000 chars';
      const p = elementProblem(b.element);
      if (p !== null) return p;
    }
  }
  return blockProblem(view.blocks.filter((b) => !(isObject(b) && b.type === 'input')).slice(0, 50));
}

function elementProblem(el: unknown): string | null {
  if (!isObject(el) || typeof el.type !== 'string') return 'input without element';
  if (el.type === 'checkboxes') {
    if (!Array.isArray(el.options) || el.options.length < 1 || el.options.length > 10) return 'checkboxes need 1..10 options';
    const values = el.options.map((o) => (isObject(o) ? o.value : undefined));
    if (el.options.some((o) => plainText(isObject(o) ? o.text : undefined).length > 75)) return 'option text over 75 chars';
    if (el.initial_options !== undefined) {
      if (!Array.isArray(el.initial_options)) return 'initial_options is not an array';
      if (el.initial_options.some((o) => !isObject(o) || !values.includes(o.value))) return 'initial_options must match options';
    }
  }
  if (el.type === 'static_select') {
    if (!Array.isArray(el.options) || el.options.length < 1 || el.options.length > 100) return 'static_select needs 1..100 options';
    if (el.options.some((o) => !isObject(o) || typeof o.value !== 'string' || o.value.length > 150 || plainText(o.text).length > 75)) return 'static_select option value over 150 or text over 75 chars';
    const values = el.options.map((o) => (isObject(o) ? o.value : undefined));
    if (el.initial_option !== undefined && !(isObject(el.initial_option) && values.includes(el.initial_option.value))) return 'initial_option must be one of options';
  }
  if (el.type === 'timepicker' && el.initial_time !== undefined && !(typeof el.initial_time === 'string' && TIME.test(el.initial_time))) return 'timepicker initial_time not HH:mm';
  if (el.type === 'number_input') {
    if (typeof el.is_decimal_allowed !== 'boolean') return 'number_input needs is_decimal_allowed';
    for (const k of ['min_value', 'max_value', 'initial_value'] as const) {
      if (el[k] !== undefined && (typeof el[k] !== 'string' || !/^-?\d+(\.\d+)?$/.test(el[k]))) return `number_input ${k} must be a numeric string`;
    }
  }
  return null;
}

/** The text a user sees in a message or response (text fallback and block texts). */
export function shownText(message: { text?: Json; blocks?: Json }): string {
  const parts: string[] = [];
  if (typeof message.text === 'string') parts.push(message.text);
  const walk = (n: Json | undefined): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (isObject(n)) {
      if ((n.type === 'plain_text' || n.type === 'mrkdwn') && typeof n.text === 'string') parts.push(plainText(n));
      else for (const v of Object.values(n)) walk(v);
    }
  };
  walk(message.blocks);
  return parts.join('\n');
}
