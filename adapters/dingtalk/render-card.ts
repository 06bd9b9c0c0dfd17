// Reply → the data of an advanced interactive card (the kind whose button callbacks come over
// Stream). DingTalk's card data is a map of strings; the bot's card template (README, "Connect
// to DingTalk") shows `title`, `markdown` and `status`, and a button for each entry of the
// JSON list `buttons`. Every button describes itself: its label, and in `params` the `action`,
// the id it acts on (`subject`), the signed `value` the core checks, and for a button that
// asks first, what to ask. A click sends those params back, so it explains itself.

import type { Button, Reply } from '../../src/reply';
import { bodyParts, fit, plain, titleOf, toMarkdown, truncate } from './markdown';

/** Most buttons one card shows; a list with more says how to act on the rest by command. */
export const MAX_CARD_BUTTONS = 20;
const MAX_CARD_MARKDOWN = 6000;
const MAX_LABEL = 40;

export interface CardButtonParams {
  [key: string]: string;
  action: string;
  subject: string;
  value: string;
  /** `card`: the card's own question (answering it closes the card); `item`: one row of a list. */
  scope: 'card' | 'item';
  /** The button's label, to name it in answers. */
  caption: string;
}

export interface CardButton {
  id: string;
  text: string;
  color: 'blue' | 'red' | 'gray';
  params: CardButtonParams;
}

export interface CardContent {
  /** cardParamMap: every value a string, as DingTalk's model requires. */
  params: Record<string, string>;
  buttons: CardButton[];
}

/** What a button does, in one word, when the command did not say. */
function actionOf(button: Button): string {
  if (button.action !== undefined && button.action !== '') return button.action;
  const word = plain(button.label).toLowerCase().split(/\s+/)[0] ?? '';
  return word.replace(/[^a-z0-9-]/g, '') || 'confirm';
}

function cardButton(button: Button, index: number, scope: 'card' | 'item', itemSubject: string | null): CardButton {
  const subject = button.subject ?? itemSubject ?? '';
  const label = scope === 'item' && subject !== '' && !button.label.includes(subject) ? `${plain(button.label)} ${subject}` : plain(button.label);
  const params: CardButtonParams = { action: actionOf(button), subject, value: button.value, scope, caption: truncate(label, MAX_LABEL) };
  // A list row's button with a confirm dialog asks first (a card has no dialogs): the second
  // step is a card of its own with the dialog's text and two buttons.
  if (button.confirm !== undefined && scope === 'item') {
    params.ask = '1';
    params.askTitle = truncate(plain(button.confirm.title), 100);
    params.askText = truncate(button.confirm.text, 300);
    params.askConfirm = truncate(plain(button.confirm.confirm), 30);
    params.askDeny = truncate(plain(button.confirm.deny), 30);
  }
  return { id: `b${index}`, text: truncate(label, MAX_LABEL), color: button.style === 'danger' ? 'red' : button.style === 'primary' ? 'blue' : 'gray', params };
}

/** The id a list row is about: its first `bk-...` / `rs-...` / bold word. */
function subjectOfItem(text: string): string | null {
  const id = /\b(?:bk|rs)-[A-Za-z0-9-]*[A-Za-z0-9]/.exec(text);
  if (id) return id[0];
  const bold = /\*([^*\n]+)\*/.exec(text);
  return bold ? plain(bold[1] as string) : null;
}

export function renderCard(reply: Reply, status = ''): CardContent {
  const buttons: CardButton[] = [];
  const parts = bodyParts(reply, { withTitle: false });
  let next = 0;
  for (const b of reply.buttons ?? []) buttons.push(cardButton(b, next++, 'card', null));
  for (const item of reply.items ?? []) {
    for (const b of item.buttons ?? []) buttons.push(cardButton(b, next++, 'item', subjectOfItem(item.text)));
  }
  const shown = buttons.slice(0, MAX_CARD_BUTTONS);
  if (buttons.length > shown.length) parts.push(`> ${buttons.length - shown.length} more buttons are not shown; use the commands instead (/backup help).`);
  if (reply.buttons?.some((b) => b.confirm !== undefined)) {
    // The card is the question: the dialog Slack would show is said on the card.
    for (const b of reply.buttons) if (b.confirm !== undefined) parts.push(`> **${plain(b.confirm.title)}** ${plain(b.confirm.text)}`);
  }
  return {
    params: {
      title: titleOf(reply),
      markdown: fit(parts, MAX_CARD_MARKDOWN),
      tone: reply.tone,
      status,
      buttons: JSON.stringify(shown),
    },
    buttons: shown,
  };
}

/** The card of a second step: the confirm dialog of a list row's button, with its two answers. */
export function renderAsk(params: Record<string, string>): CardContent {
  const confirm: CardButton = {
    id: 'b0',
    text: params.askConfirm || 'Confirm',
    color: 'red',
    params: { action: params.action || 'confirm', subject: params.subject ?? '', value: params.value ?? '', scope: 'card', caption: params.askConfirm || 'Confirm' },
  };
  const deny: CardButton = { id: 'b1', text: params.askDeny || 'Cancel', color: 'gray', params: { action: 'cancel', subject: params.subject ?? '', value: '', scope: 'card', caption: params.askDeny || 'Cancel' } };
  return {
    params: {
      title: truncate(`⚠️ ${params.askTitle || 'Are you sure?'}`, 60),
      markdown: toMarkdown(params.askText ?? ''),
      tone: 'warning',
      status: '',
      buttons: JSON.stringify([confirm, deny]),
    },
    buttons: [confirm, deny],
  };
}
