// The two kinds of frames the robot acts on. Each is acknowledged at once (same messageId),
// then worked on: a repeated delivery is dropped, the sender DingTalk authenticated (staff id)
// becomes the actor (DingTalk's org-admin flag grants nothing), and the command core answers.
// - A robot message: `/backup ...` or `backup ...` (in a group the @mention leaves a leading
//   space); `/backup <signed token>` is a click sent back by a link of a markdown fallback.
// - A card click: the button's params carry the signed value the core checks; the actor is
//   always the clicker, never anything in the card. A refusal goes to the clicker alone.

import { randomUUID } from 'node:crypto';
import type { Reply } from '../../src/reply';
import { errorReply, reply as makeReply } from '../../src/reply';
import type { CommandCore } from '../../src/ports';
import type { ChannelAddress } from '../../src/domain/types';
import type { CardRegistry } from './cards';
import type { SeenMessages } from './dedupe';
import { spaceFor, type ReplyDelivery, type ReplyTarget } from './deliver';
import { parseCardClick, parseRobotMessage, TOPIC_CARD, TOPIC_ROBOT, type CardClick, type RobotMessage, type StreamFrame } from './frames';
import type { SurfaceLogger } from './logger';
import { plain, renderMarkdown, truncate } from './markdown';
import type { Messenger } from './messenger';
import { renderAsk } from './render-card';
import type { WorkQueue } from './work-queue';

export interface HandlerDeps {
  core: CommandCore;
  ack: (messageId: string, response: unknown) => void;
  delivery: ReplyDelivery;
  messenger: Messenger;
  cards: CardRegistry;
  seen: SeenMessages;
  work: WorkQueue;
  logger: SurfaceLogger;
  now: () => Date;
}

const COMMAND = /^\s*\/?backup(?:\s+([\s\S]*))?$/i;
const TOKEN = /^b1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** A button as a click describes it (from its params, or from the card this process sent). */
interface ClickedButton {
  action: string;
  subject: string;
  value: string;
  scope: 'card' | 'item';
  caption: string;
  params: Record<string, string>;
}

export function createFrameHandler(deps: HandlerDeps): (frame: StreamFrame) => void {
  const { core, delivery, messenger, logger } = deps;

  /** True the first time; a failing store lets the frame run rather than lose it. */
  const once = async (keys: string[]): Promise<boolean> => {
    let first = true;
    for (const key of keys) {
      try {
        if (!(await deps.seen.firstTime(key, deps.now()))) first = false;
      } catch (err) {
        logger.error({ key, err: err instanceof Error ? err.message : String(err) }, 'could not record a DingTalk message id');
      }
    }
    return first;
  };

  const answer = async (reply: Reply, target: ReplyTarget, what: string): Promise<void> => {
    try {
      await delivery.deliver(reply, target);
    } catch (err) {
      const errorId = randomUUID().slice(0, 8);
      logger.error({ errorId, what, err: err instanceof Error ? err.message : String(err) }, 'could not deliver the reply to DingTalk');
      if (target.staffId !== '') {
        await messenger.toPerson(target.staffId, renderMarkdown(errorReply(`Sorry, the answer could not be delivered here (error id ${errorId}).`))).catch(() => undefined);
      }
    }
  };

  async function onRobot(msg: RobotMessage, messageId: string): Promise<void> {
    // msgId names the message itself: the same message under a new frame is a repeat too.
    if (!(await once([`robot:${msg.msgId}`]))) {
      logger.info({ kind: 'message', msgId: msg.msgId, messageId }, 'repeated DingTalk message dropped');
      return;
    }
    const target: ReplyTarget = { conversationId: msg.conversationId, conversationType: msg.conversationType, staffId: msg.staffId, webhook: msg.webhook, callerPrivately: false };
    const channel: ChannelAddress = { platform: 'dingtalk', channelId: msg.conversationId };
    let reply: Reply;
    if (msg.staffId === '') {
      reply = errorReply('This bot takes commands from members of its own DingTalk organisation only.');
    } else if (msg.text === null) {
      reply = makeReply(`I read text messages only (that was a ${plain(msg.msgtype).slice(0, 20)} message). Send /backup help to see the commands.`, { tone: 'warning' });
    } else {
      const command = COMMAND.exec(msg.text.trim());
      const actor = core.resolveActor('dingtalk', msg.staffId, msg.nick || undefined);
      const rest = command === null ? null : (command[1] ?? '').trim();
      logger.info({ kind: 'message', user: msg.staffId, conversation: msg.conversationId, subcommand: rest === null ? null : TOKEN.test(rest) ? '(link click)' : (rest.split(/\s+/)[0] ?? '') }, 'DingTalk message');
      if (rest === null) reply = makeReply('Commands start with /backup (or backup), e.g. /backup help.');
      else if (TOKEN.test(rest)) reply = await core.act({ actor, value: rest, channel });
      else reply = await core.run({ actor, text: rest, channel });
    }
    await answer(reply, target, 'message');
  }

  function clickedButton(c: CardClick): ClickedButton | null {
    const p = c.params;
    const found = p.value ? null : deps.cards.find(c.cardId, { id: c.actionIds[0], action: p.action });
    const params = found !== null ? (found.params as Record<string, string>) : p;
    if (!params.value && params.action !== 'cancel') return null;
    return {
      action: params.action || 'confirm',
      subject: params.subject ?? '',
      value: params.value ?? '',
      scope: params.scope === 'item' ? 'item' : 'card',
      caption: truncate(plain(params.caption || params.action || 'button'), 40),
      params,
    };
  }

  async function onClick(c: CardClick, messageId: string): Promise<void> {
    if (!(await once([`card:${messageId}`]))) {
      logger.info({ kind: 'click', messageId }, 'repeated DingTalk card click dropped');
      return;
    }
    const group = c.spaceType === 'IM_GROUP' && c.spaceId !== null;
    const target: ReplyTarget = { conversationId: group ? (c.spaceId as string) : '', conversationType: group ? '2' : '1', staffId: c.staffId, webhook: null, callerPrivately: true };
    const actor = core.resolveActor('dingtalk', c.staffId);
    const who = actor.displayName ?? c.staffId;
    const button = clickedButton(c);
    logger.info({ kind: 'click', user: c.staffId, card: c.cardId, action: button?.action ?? c.params.action ?? null }, 'DingTalk card click');
    if (button === null) {
      await answer(errorReply('The buttons of this card are no longer active (it is old, or the bot restarted since). Run the command again.'), target, 'click');
      return;
    }
    if (button.action === 'cancel') {
      await messenger.updateCard(c.cardId, { buttons: '[]', status: `Cancelled by ${who}` }).catch((err: unknown) => logger.warn({ err: String(err) }, 'card not updated'));
      return;
    }
    if (button.params.ask === '1') {
      await delivery.sendCard(renderAsk(button.params), spaceFor(target, 'caller')).catch(async (err: unknown) => {
        logger.warn({ err: String(err) }, 'confirmation card not sent');
        await answer(errorReply(`${button.caption}: the confirmation could not be shown here. Use the command instead.`), target, 'click');
      });
      return;
    }
    const channel: ChannelAddress | null = group ? { platform: 'dingtalk', channelId: c.spaceId as string } : null;
    const reply = await core.act({ actor, value: button.value, channel });
    if (reply.tone === 'error') {
      const about = [button.action, button.subject].filter(Boolean).join(' ');
      await answer({ ...reply, text: `*${button.caption}* (${about}): ${reply.text}` }, target, 'click');
      return;
    }
    if (button.scope === 'card') {
      // The card's question is answered: its buttons go, and it says by whom.
      await messenger
        .updateCard(c.cardId, { buttons: '[]', status: `✅ ${button.caption}: ${who}` })
        .catch((err: unknown) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'clicked card not updated'));
    }
    await answer(reply, target, 'click');
  }

  return (frame: StreamFrame) => {
    const messageId = frame.headers.messageId;
    const topic = frame.headers.topic;
    if (topic === TOPIC_ROBOT) {
      deps.ack(messageId, null);
      const parsed = parseRobotMessage(frame.data);
      if (!parsed.ok) {
        logger.warn({ why: parsed.why, messageId }, 'DingTalk robot message not understood');
        const hook = webhookOf(frame.data);
        if (hook !== null) {
          const target: ReplyTarget = { conversationId: hook.conversationId, conversationType: '2', staffId: '', webhook: hook.webhook, callerPrivately: false };
          deps.work.push(() => answer(errorReply('The bot could not read that message. Send /backup help to see the commands.'), target, 'bad message'));
        }
        return;
      }
      deps.work.push(() => onRobot(parsed.value, messageId));
      return;
    }
    if (topic === TOPIC_CARD) {
      deps.ack(messageId, {});
      const parsed = parseCardClick(frame.data);
      if (!parsed.ok) {
        logger.warn({ why: parsed.why, messageId }, 'DingTalk card callback not understood');
        const user = clickerOf(frame.data);
        if (user !== null) deps.work.push(() => messenger.toPerson(user, renderMarkdown(errorReply('That click could not be read; run the command again.'))));
        return;
      }
      deps.work.push(() => onClick(parsed.value, messageId));
      return;
    }
    deps.ack(messageId, null);
  };
}

/** The session webhook of a robot message that is otherwise unreadable, to answer it. */
function webhookOf(data: string | undefined): { conversationId: string; webhook: { url: string; expiresAt: number } } | null {
  const d = looseJson(data);
  if (d === null || typeof d.sessionWebhook !== 'string' || !/^https?:\/\//.test(d.sessionWebhook)) return null;
  const expiresAt = typeof d.sessionWebhookExpiredTime === 'number' ? d.sessionWebhookExpiredTime : 0;
  return { conversationId: typeof d.conversationId === 'string' ? d.conversationId : '', webhook: { url: d.sessionWebhook, expiresAt } };
}

/** The clicker of a card callback whose content is broken, to tell them. */
function clickerOf(data: string | undefined): string | null {
  const d = looseJson(data);
  return d !== null && typeof d.userId === 'string' && d.userId !== '' && d.userId.length <= 200 ? d.userId : null;
}

function looseJson(data: string | undefined): Record<string, unknown> | null {
  if (data === undefined) return null;
  try {
    const v: unknown = JSON.parse(data);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
