// Channel messages of the bot in the terminal: announcements printed with a `[#channel]`
// prefix; updates of a progress message as one progress line (in place on a TTY); a final
// update (success or error) printed in full. Buttons of an announcement become the choices.

import type { Reply } from '../../src/reply';
import type { ChannelAddress } from '../../src/domain/types';
import type { DeliveredMessage, Notifier } from '../../src/ports';
import { renderProgressLine } from './progress-line';
import { newChoices, renderReply, sanitize, type ChoiceNumbering } from './render';
import type { Screen } from './screen';

export interface AnnouncementSink {
  /** Called with the choices of an announcement that has buttons. */
  choicesShown(choices: ChoiceNumbering): void;
}

export function createTerminalNotifier(screen: Screen, sink: AnnouncementSink): Notifier {
  let sequence = 0;
  const color = screen.interactive;

  function prefix(channelId: string): string {
    return `[#${sanitize(channelId).slice(0, 40)}] `;
  }

  function printFull(channelId: string, reply: Reply): void {
    const choices = newChoices();
    const text = renderReply(reply, choices, { color });
    screen.print(prefix(channelId) + text);
    if (choices.buttons.length > 0) sink.choicesShown(choices);
  }

  return {
    platform: 'terminal',
    async post(channel: ChannelAddress, reply: Reply): Promise<DeliveredMessage> {
      sequence += 1;
      const message: DeliveredMessage = { platform: 'terminal', channelId: channel.channelId, messageId: `terminal-${sequence}` };
      printFull(channel.channelId, reply);
      return message;
    },
    async update(message: DeliveredMessage, reply: Reply): Promise<DeliveredMessage> {
      const key = `${message.channelId}\u0000${message.messageId}`;
      const final = reply.tone === 'success' || reply.tone === 'error' || (reply.buttons?.length ?? 0) > 0;
      if (final) {
        screen.forgetProgress(key);
        printFull(message.channelId, reply);
      } else {
        const head = prefix(message.channelId);
        screen.progress(key, head + renderProgressLine(reply, screen.width - head.length, { color }));
      }
      return message;
    },
  };
}
