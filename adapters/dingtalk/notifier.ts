// The core's `Notifier` for DingTalk: every announcement is a card in the group (so progress
// is one card updated in place, and approvals carry their buttons). Updates of one card are
// spaced at least `minEditIntervalMs` apart; of several waiting updates only the latest is
// sent, and every caller's promise settles with that send. A card DingTalk refuses (no card
// template) falls back to a markdown message through the robot API; such a message cannot be
// edited, so its updates are new messages, coalesced the same way.

import { randomUUID } from 'node:crypto';
import type { Reply } from '../../src/reply';
import { OutsideError } from '../../src/domain/errors';
import type { ChannelAddress } from '../../src/domain/types';
import type { DeliveredMessage, Notifier } from '../../src/ports';
import { EditThrottle } from '../chat/edit-throttle';
import type { SurfaceLogger } from './logger';
import { renderMarkdown } from './markdown';
import type { Messenger } from './messenger';
import type { Sleep } from './open-api';
import { realSleep } from './open-api';
import type { ReplyDelivery } from './deliver';
import { renderCard } from './render-card';

export interface DingTalkNotifierOptions {
  messenger: Messenger;
  delivery: ReplyDelivery;
  logger: SurfaceLogger;
  /** Least time between two updates of one card; default 3000 ms (20 a minute). */
  minEditIntervalMs?: number;
  now?: () => number;
  sleep?: Sleep;
}

/** Message ids of markdown fallbacks start with this: they cannot be edited. */
const MARKDOWN_ID = 'md:';

export class DingTalkNotifier implements Notifier {
  readonly platform = 'dingtalk' as const;
  private readonly edits: EditThrottle;
  private readonly sleep: Sleep;

  constructor(private readonly opts: DingTalkNotifierOptions) {
    this.sleep = opts.sleep ?? realSleep;
    this.edits = new EditThrottle({
      intervalMs: opts.minEditIntervalMs ?? 3000,
      now: opts.now ?? Date.now,
      sleep: this.sleep,
      edit: (message, reply) => this.edit(message, reply),
    });
  }

  async post(channel: ChannelAddress, reply: Reply): Promise<DeliveredMessage> {
    if (channel.platform !== 'dingtalk') {
      throw new OutsideError('dingtalk', 'other', `${channel.platform} channel given to the DingTalk notifier`);
    }
    const conversationId = channel.channelId;
    try {
      const id = await this.opts.delivery.sendCard(renderCard(reply), { type: 'IM_GROUP', conversationId });
      return { platform: 'dingtalk', channelId: conversationId, messageId: id };
    } catch (err) {
      if (err instanceof OutsideError && (err.kind === 'throttled' || err.kind === 'unreachable' || err.kind === 'timeout' || err.kind === 'server')) throw err;
      this.opts.logger.warn({ conversationId, err: err instanceof Error ? err.message : String(err) }, 'DingTalk card not sent; announcing as markdown');
    }
    await this.opts.messenger.toGroup(conversationId, renderMarkdown(reply));
    return { platform: 'dingtalk', channelId: conversationId, messageId: `${MARKDOWN_ID}${randomUUID()}` };
  }

  update(message: DeliveredMessage, reply: Reply): Promise<DeliveredMessage> {
    return this.edits.update(message, reply);
  }

  private async edit(message: DeliveredMessage, reply: Reply): Promise<DeliveredMessage> {
    if (message.messageId.startsWith(MARKDOWN_ID)) return this.post({ platform: 'dingtalk', channelId: message.channelId }, reply);
    const content = renderCard(reply);
    try {
      await this.opts.messenger.updateCard(message.messageId, content.params);
      this.opts.delivery.remember(message.messageId, content.buttons);
      return message;
    } catch (err) {
      if (!(err instanceof OutsideError) || err.kind === 'throttled' || err.kind === 'unreachable' || err.kind === 'timeout' || err.kind === 'server') throw err;
      // The card is gone or cannot be changed: the progress goes on in a new one.
      this.opts.logger.info({ channel: message.channelId, err: err.message }, 'card to update is gone; posting a new one');
      return this.post({ platform: 'dingtalk', channelId: message.channelId }, reply);
    }
  }

}
