// Where a reply goes in DingTalk:
// - a reply with buttons is an interactive card in the conversation (in a group, a reply meant
//   for the caller is delivered to the caller only); if DingTalk refuses the card (no card
//   template, ...), its content goes as markdown whose buttons are links that send the click
//   back as a message;
// - any other reply is markdown through the message's session webhook while it is valid,
//   else through the robot API: to the group, or to the person (a one-to-one chat, or an
//   answer to a card click meant for the clicker alone).

import type { Reply } from '../../src/reply';
import { OutsideError } from '../../src/domain/errors';
import type { CardRegistry } from './cards';
import type { SurfaceLogger } from './logger';
import { renderMarkdown } from './markdown';
import type { CardSpace, Markdown, Messenger } from './messenger';
import { renderCard, type CardContent } from './render-card';

export interface ReplyTarget {
  conversationId: string;
  /** `1`: the one-to-one chat with the robot; `2`: a group. */
  conversationType: '1' | '2';
  /** Who the reply answers (staff id). */
  staffId: string;
  webhook: { url: string; expiresAt: number } | null;
  /** A caller reply goes to the person, not the group (answers to card clicks). */
  callerPrivately: boolean;
}

/** A session webhook this close to its expiry is not used. */
const WEBHOOK_MARGIN_MS = 5000;

export const hasButtons = (reply: Reply): boolean =>
  (reply.buttons?.length ?? 0) > 0 || (reply.items ?? []).some((i) => (i.buttons?.length ?? 0) > 0);

export class ReplyDelivery {
  constructor(
    private readonly deps: { messenger: Messenger; cards: CardRegistry; logger: SurfaceLogger; now?: () => number },
  ) {}

  async deliver(reply: Reply, target: ReplyTarget): Promise<void> {
    if (hasButtons(reply)) {
      const sent = await this.sendCard(renderCard(reply), spaceFor(target, reply.visibility)).catch((err: unknown) => err);
      if (typeof sent === 'string') return;
      this.deps.logger.warn({ err: sent instanceof Error ? sent.message : String(sent) }, 'DingTalk card not sent; sending its content as markdown');
    }
    await this.markdown(renderMarkdown(reply), reply.visibility, target);
  }

  /** Creates a card and remembers its buttons; gives the card id. */
  async sendCard(content: CardContent, space: CardSpace): Promise<string> {
    const id = await this.deps.messenger.createCard(space, content);
    this.deps.cards.remember(id, content.buttons);
    return id;
  }

  /** Remembers the buttons of a card sent or updated elsewhere (the notifier). */
  remember(cardId: string, buttons: CardContent['buttons']): void {
    this.deps.cards.remember(cardId, buttons);
  }

  async markdown(md: Markdown, visibility: Reply['visibility'], target: ReplyTarget): Promise<void> {
    const { messenger, logger } = this.deps;
    const now = (this.deps.now ?? Date.now)();
    if (target.webhook !== null && target.webhook.expiresAt - WEBHOOK_MARGIN_MS > now) {
      try {
        await messenger.toWebhook(target.webhook.url, target.conversationId, md);
        return;
      } catch (err) {
        if (err instanceof OutsideError && err.kind === 'throttled') throw err;
        logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'session webhook refused the reply; using the robot API');
      }
    }
    const toPerson = target.conversationType === '1' || (visibility === 'caller' && target.callerPrivately);
    if (toPerson) await messenger.toPerson(target.staffId, md);
    else await messenger.toGroup(target.conversationId, md);
  }
}

export function spaceFor(target: ReplyTarget, visibility: Reply['visibility']): CardSpace {
  if (target.conversationType === '1') return { type: 'IM_ROBOT', staffId: target.staffId };
  return { type: 'IM_GROUP', conversationId: target.conversationId, ...(visibility === 'caller' ? { recipients: [target.staffId] } : {}) };
}
