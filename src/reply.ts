// The platform-neutral reply. Adapters render it (Block Kit, DingTalk markdown / cards, the
// terminal); commands never know which. Text uses a small markdown subset that every platform
// renders: *bold*, `code`, line breaks, and "- " bullets.

export type Tone = 'info' | 'success' | 'warning' | 'error';

export interface Field {
  label: string;
  value: string;
}

export interface Confirm {
  title: string;
  text: string;
  confirm: string;
  deny: string;
}

export interface Button {
  label: string;
  /**
   * An opaque, signed action token made by the command core (see commands/actions.ts). The
   * adapter hands it back unchanged on a click, together with who clicked.
   */
  value: string;
  style?: 'primary' | 'danger';
  /**
   * What the button does, in one word (`confirm`, `approve`, `reject`, `delete`, `restore`), and
   * the id it acts on (an instance, `bk-...`, `rs-...`). Shown by platforms whose buttons carry
   * parameters (DingTalk cards), so a click explains itself; `value` stays the authority.
   */
  action?: string;
  subject?: string;
  /** Ask before acting: a confirm dialog (Slack) or a second step (elsewhere). */
  confirm?: Confirm;
}

/** One row of a list (a backup set, a task), with its own actions. */
export interface ReplyItem {
  text: string;
  fields?: Field[];
  buttons?: Button[];
}

export type FormField =
  | { kind: 'toggle'; name: string; label: string; initial: boolean; hint?: string }
  | { kind: 'weekdays'; name: string; label: string; initial: string[]; hint?: string }
  | { kind: 'time'; name: string; label: string; initial: string; hint?: string }
  | { kind: 'number'; name: string; label: string; initial: number; min: number; max: number; hint?: string }
  | { kind: 'text'; name: string; label: string; initial: string; hint?: string; optional?: boolean }
  /** One of a fixed list (a select): `value` is what the submission carries, `label` what is shown. */
  | { kind: 'choice'; name: string; label: string; options: ChoiceOption[]; initial: string; hint?: string }
  | { kind: 'readonly'; name: string; label: string; value: string; hint?: string };

export interface ChoiceOption {
  value: string;
  label: string;
}

/** A form to fill (Slack modal, DingTalk card, terminal prompts). */
export interface Form {
  /** Which form this is (`settings`), so the submission finds its handler. */
  id: string;
  title: string;
  submitLabel: string;
  /** Opaque, signed context handed back with the submission (which instance, which version). */
  context: string;
  fields: FormField[];
}

export interface Reply {
  /** `caller`: only the person who asked sees it. `channel`: everyone in the channel. */
  visibility: 'caller' | 'channel';
  tone: Tone;
  title?: string;
  /** The whole message, readable on its own. */
  text: string;
  fields?: Field[];
  items?: ReplyItem[];
  buttons?: Button[];
  /** Small print under the message. */
  notes?: string[];
  /** When set, the platform opens this form instead of (or besides) showing the text. */
  form?: Form;
}

/** Field errors of a form submission, keyed by field name. */
export type FormErrors = Record<string, string>;

export type FormResult = { ok: true; reply: Reply } | { ok: false; errors: FormErrors };

export function reply(text: string, options: Partial<Omit<Reply, 'text'>> = {}): Reply {
  return { visibility: 'caller', tone: 'info', ...options, text };
}

export function errorReply(text: string): Reply {
  return { visibility: 'caller', tone: 'error', text };
}
