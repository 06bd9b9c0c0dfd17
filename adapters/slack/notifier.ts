// The core's `Notifier` for Slack: posts with chat.postMessage and edits progress in place
// with chat.update. Edits of one message are spaced at least `minEditIntervalMs` apart
// (chat.update is Tier 3): an edit that comes sooner waits, and of several waiting edits only
// the latest content is sent; every caller's promise settles with that send. 429 answers
// are waited out (Retry-After) and retried, never dropped; other failures are `OutsideError`s.

import type { Reply } from '../../src/reply';
import type { ChannelAddress } from '../../src/domain/types';
import type { DeliveredMessage, Notifier } from '../../src/ports';
import { EditThrottle } from '../chat/edit-throttle';
import { OutsideError } from '../../src/domain/errors';
import type { SurfaceLogger } from './logger';
import { renderMessageDetailed } from './render-blocks';
import { callSlack, realSleep, slackErrorCode, type Sleep, type WebClient } from './web';

export interface SlackNotifierOptions {
  client: WebClient;
  logger: SurfaceLogger;
  /** Least time between two edits of one message; default 3000 ms. */
  minEditIntervalMs?: number;
  now?: () => number;
  sleep?: Sleep;
  /** How many 429 answers in a row one call waits out before failing as `throttled`. */
  maxRateLimitWaits?: number;
}

export class SlackNotifier implements Notifier {
  readonly platform = 'slack' as const;
  private readonly edits: EditThrottle;
  private readonly sleep: Sleep;

  constructor(private readonly opts: SlackNotifierOptions) {
    this.sleep = opts.sleep ?? realSleep;
    this.edits = new EditThrottle({
      intervalMs: opts.minEditIntervalMs ?? 3000,
      now: opts.now ?? Date.now,
      sleep: this.sleep,
      edit: (message, reply) => this.edit(message, reply),
    });
  }

  async post(channel: ChannelAddress, reply: Reply): Promise<DeliveredMessage> {
    if (channel.platform !== 'slack') {
      throw new OutsideError('slack', 'other', `chat.postMessage: ${channel.platform} channel given to the Slack notifier`);
    }
    const message = this.render(reply);
    const res = await callSlack('chat.postMessage', () => this.opts.client.chat.postMessage({ channel: channel.channelId, ...message }), this.callOpts());
    if (typeof res.ts !== 'string') throw new OutsideError('slack', 'protocol', 'chat.postMessage: answer without ts');
    return { platform: 'slack', channelId: typeof res.channel === 'string' ? res.channel : channel.channelId, messageId: res.ts };
  }

  update(message: DeliveredMessage, reply: Reply): Promise<DeliveredMessage> {
    return this.edits.update(message, reply);
  }

  private async edit(message: DeliveredMessage, reply: Reply): Promise<DeliveredMessage> {
    const rendered = this.render(reply);
    try {
      await callSlack(
        'chat.update',
        () => this.opts.client.chat.update({ channel: message.channelId, ts: message.messageId, ...rendered }),
        this.callOpts(),
      );
      return message;
    } catch (err) {
      if (slackErrorCode(err) !== 'message_not_found') throw err;
      // Someone deleted the message: the progress goes on in a new one.
      this.opts.logger.info({ channel: message.channelId }, 'message to edit is gone; posting a new one');
      return this.post({ platform: 'slack', channelId: message.channelId }, reply);
    }
  }

  private render(reply: Reply): { text: string; blocks: ReturnType<typeof renderMessageDetailed>['blocks'] } {
    const { text, blocks, problems } = renderMessageDetailed(reply);
    for (const problem of problems) this.opts.logger.warn({ problem }, 'Slack message rendered with a part left out');
    return { text, blocks };
  }


  private callOpts(): { sleep: Sleep; logger: SurfaceLogger; maxRateLimitWaits?: number } {
    return {
      sleep: this.sleep,
      logger: this.opts.logger,
      ...(this.opts.maxRateLimitWaits !== undefined ? { maxRateLimitWaits: this.opts.maxRateLimitWaits } : {}),
    };
  }
}
