// Where a reply to a command, a click or a submission goes:
// - a reply with a form opens a modal (views.open with the request's trigger_id);
// - `caller` replies are ephemeral: through the request's response_url (never replacing the
//   message that was clicked), else chat.postEphemeral, else a direct message;
// - `channel` replies are chat.postMessage to the channel, falling back to an in-channel
//   response_url answer when the bot is not a member there.

import type { Form, Reply } from '../../src/reply';
import type { SurfaceLogger } from './logger';
import { renderMessageDetailed, type RenderedMessage } from './render-blocks';
import { renderModal } from './render-modal';
import { encodeFormMetadata } from './read-form';
import { postJson } from './post-json';
import { callSlack, slackErrorCode, toOutsideError, type Sleep, type WebClient } from './web';

export interface ReplyTarget {
  userId: string;
  /** The conversation the request came from; null for a modal opened without one. */
  channelId: string | null;
  responseUrl?: string | undefined;
  triggerId?: string | undefined;
}

export interface ReplyDeliveryOptions {
  client: WebClient;
  logger: SurfaceLogger;
  sleep?: Sleep;
  /** POSTs JSON to a response_url and gives the HTTP status (tests may replace it). */
  postJson?: (url: string, body: unknown) => Promise<number>;
}

export class ReplyDelivery {
  private readonly postJson: (url: string, body: unknown) => Promise<number>;

  constructor(private readonly opts: ReplyDeliveryOptions) {
    this.postJson = opts.postJson ?? postJson;
  }

  /** Renders a reply for Slack, logging whatever had to be left out. */
  render(reply: Reply): RenderedMessage {
    const { text, blocks, problems } = renderMessageDetailed(reply);
    for (const problem of problems) this.opts.logger.warn({ problem }, 'Slack message rendered with a part left out');
    return { text, blocks };
  }

  async deliver(reply: Reply, target: ReplyTarget): Promise<void> {
    if (reply.form !== undefined && target.triggerId !== undefined) {
      const opened = await this.openForm(reply.form, target.triggerId, target.channelId);
      if (opened === true) return;
      await this.toCaller({ ...reply, form: undefined, tone: 'warning', notes: [...(reply.notes ?? []), opened] }, target);
      return;
    }
    if (reply.visibility === 'channel') await this.toChannel(reply, target);
    else await this.toCaller(reply, target);
  }

  /** Opens the form as a modal; true, or the reason it could not be opened (for the user). */
  async openForm(form: Form, triggerId: string, channelId: string | null): Promise<true | string> {
    const metadata = encodeFormMetadata({ formId: form.id, context: form.context, channelId });
    if (metadata === null) {
      this.opts.logger.error({ formId: form.id, contextLength: form.context.length }, 'form context too long for private_metadata');
      return 'The form could not be opened in Slack (its context is too long). Use the text form of the command.';
    }
    try {
      await this.opts.client.views.open({ trigger_id: triggerId, view: renderModal(form, metadata) });
      return true;
    } catch (err) {
      const e = toOutsideError(err, 'views.open');
      this.opts.logger.warn({ formId: form.id, err: e.message }, 'could not open the Slack modal');
      return e.kind === 'timeout'
        ? 'The form took too long to open. Run the command again.'
        : 'The form could not be opened in Slack. Run the command again, or use its text form.';
    }
  }

  private async toCaller(reply: Reply, target: ReplyTarget): Promise<void> {
    const message = this.render(reply);
    if (target.responseUrl !== undefined && (await this.respond(target.responseUrl, { response_type: 'ephemeral', replace_original: false, ...message }))) {
      return;
    }
    if (target.channelId !== null) {
      try {
        const channel = target.channelId;
        await callSlack('chat.postEphemeral', () => this.opts.client.chat.postEphemeral({ channel, user: target.userId, ...message }), this.callOpts());
        return;
      } catch (err) {
        this.opts.logger.warn({ err: toOutsideError(err, 'chat.postEphemeral').message }, 'ephemeral reply failed; sending a direct message');
      }
    }
    await callSlack('chat.postMessage', () => this.opts.client.chat.postMessage({ channel: target.userId, ...message }), this.callOpts());
  }

  private async toChannel(reply: Reply, target: ReplyTarget): Promise<void> {
    const message = this.render(reply);
    if (target.channelId === null) {
      await this.toCaller(reply, target);
      return;
    }
    const channel = target.channelId;
    try {
      await callSlack('chat.postMessage', () => this.opts.client.chat.postMessage({ channel, ...message }), this.callOpts());
    } catch (err) {
      const code = slackErrorCode(err);
      const canRespond = target.responseUrl !== undefined && (code === 'not_in_channel' || code === 'channel_not_found');
      if (!canRespond || target.responseUrl === undefined) throw err;
      this.opts.logger.info({ channel, code }, 'bot not in the channel; answering through response_url');
      const ok = await this.respond(target.responseUrl, { response_type: 'in_channel', replace_original: false, ...message });
      if (!ok) throw err;
    }
  }

  /** A reply to the person behind a response_url only (a refused request names no one else). */
  toResponseUrl(url: string, reply: Reply): Promise<boolean> {
    return this.respond(url, { response_type: 'ephemeral', replace_original: false, ...this.render(reply) });
  }

  /** POSTs to a response_url; false when Slack did not take it. */
  private async respond(url: string, body: object): Promise<boolean> {
    try {
      const status = await this.postJson(url, body);
      if (status >= 200 && status < 300) return true;
      this.opts.logger.warn({ status }, 'response_url refused the reply');
    } catch (err) {
      this.opts.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'response_url unreachable');
    }
    return false;
  }

  private callOpts(): { sleep?: Sleep; logger: SurfaceLogger } {
    return { logger: this.opts.logger, ...(this.opts.sleep !== undefined ? { sleep: this.opts.sleep } : {}) };
  }
}
