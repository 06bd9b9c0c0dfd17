// The chat side of the core: what every chat surface hands to the command core and gets back,
// and how announcements reach a platform.

import type { Actor, ChannelAddress } from '../domain/types';
import type { FormResult, Reply } from '../reply';

/** A typed command: the text after `/backup` (or after `backup ` on DingTalk). */
export interface CommandInvocation {
  actor: Actor;
  text: string;
  /** Where it was typed; null when unknown (a DM without channel, a modal). */
  channel: ChannelAddress | null;
}

/** A button click: the button's value as the adapter received it. */
export interface ActionInvocation {
  actor: Actor;
  value: string;
  channel: ChannelAddress | null;
}

/** A filled form. `values` maps field names to the submitted value (weekdays as a list). */
export interface FormSubmission {
  actor: Actor;
  formId: string;
  context: string;
  values: Record<string, string | string[] | boolean | null>;
}

/** The one entry point every chat surface uses. It never throws: errors become a reply. */
export interface CommandCore {
  run(invocation: CommandInvocation): Promise<Reply>;
  act(invocation: ActionInvocation): Promise<Reply>;
  submit(submission: FormSubmission): Promise<FormResult>;
  /** Resolves a platform user to the person of the configuration, for display and audit. */
  resolveActor(platform: Actor['platform'], userId: string, displayName?: string): Actor;
}

/** A message the platform delivered, so it can be edited in place later. */
export interface DeliveredMessage {
  platform: ChannelAddress['platform'];
  channelId: string;
  messageId: string;
}

export interface Notifier {
  readonly platform: ChannelAddress['platform'];
  post(channel: ChannelAddress, reply: Reply): Promise<DeliveredMessage>;
  /** Edits a message in place; platforms that cannot edit post a new message and return it. */
  update(message: DeliveredMessage, reply: Reply): Promise<DeliveredMessage>;
}

/**
 * Makes the signed value of a button that runs a command (`verify rs-...`) when clicked, for
 * messages the core posts by itself (approvals, completion checklists). The click comes back to
 * the command core, which checks the clicker's role as for any button.
 */
export interface ButtonSigner {
  action(command: string, ttlSeconds: number, now: Date): string;
}
