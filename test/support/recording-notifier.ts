// A Notifier that keeps every message it was asked to post or edit.

import type { Reply } from '../../src/reply';
import type { ChannelAddress } from '../../src/domain/types';
import type { DeliveredMessage, Notifier } from '../../src/ports';

export interface RecordedMessage {
  id: string;
  channel: ChannelAddress;
  /** Every version, oldest first. */
  versions: Reply[];
}

export class RecordingNotifier implements Notifier {
  readonly messages: RecordedMessage[] = [];
  private n = 0;

  constructor(readonly platform: ChannelAddress['platform']) {}

  async post(channel: ChannelAddress, reply: Reply): Promise<DeliveredMessage> {
    const id = `m${++this.n}`;
    this.messages.push({ id, channel, versions: [reply] });
    return { platform: this.platform, channelId: channel.channelId, messageId: id };
  }

  async update(message: DeliveredMessage, reply: Reply): Promise<DeliveredMessage> {
    const found = this.messages.find((m) => m.id === message.messageId);
    if (!found) throw new Error(`no message ${message.messageId}`);
    found.versions.push(reply);
    return message;
  }

  /** The latest text of every message, in posting order. */
  texts(): string[] {
    return this.messages.map((m) => {
      const last = m.versions[m.versions.length - 1] as Reply;
      return [last.title ?? '', last.text, ...(last.notes ?? []), ...(last.fields ?? []).map((f) => `${f.label}: ${f.value}`)].join('\n');
    });
  }

  find(pattern: RegExp): RecordedMessage | undefined {
    return this.messages.find((m) => m.versions.some((v) => pattern.test(`${v.title ?? ''}\n${v.text}\n${(v.notes ?? []).join('\n')}`)));
  }
}
