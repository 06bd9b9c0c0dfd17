// The Bolt listeners: a slash command, a button click, a modal submission. Each one acks at
// once (a submission acks with the core's validation result, which is fast), drops repeated
// deliveries, hands the request to the command core as the user Slack signed for, and
// delivers the reply.

import { randomUUID } from 'node:crypto';
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import type { FormResult, Reply } from '../../src/reply';
import { errorReply } from '../../src/reply';
import type { CommandCore } from '../../src/ports';
import type { ChannelAddress } from '../../src/domain/types';
import { DeliveryLog } from './dedupe';
import { WorkQueue } from './work-queue';
import type { ReplyDelivery, ReplyTarget } from './deliver';
import type { SurfaceLogger } from './logger';
import { ACTION_ID_PREFIX } from './render-blocks';
import { FORM_CALLBACK_PREFIX, renderModal } from './render-modal';
import { decodeFormMetadata, encodeFormMetadata, inputBlockIds, readFormValues, toSlackErrors } from './read-form';

export interface HandlerDeps {
  core: CommandCore;
  delivery: ReplyDelivery;
  logger: SurfaceLogger;
  /** How long a submission waits for the core before the modal is closed anyway. */
  submitTimeoutMs?: number;
  /** Commands and clicks worked on at once after their ack; default 16. */
  workConcurrency?: number;
}

const channelOf = (id: string | null | undefined): ChannelAddress | null =>
  typeof id === 'string' && id !== '' ? { platform: 'slack', channelId: id } : null;

const containerSchema = z.object({ channel_id: z.string().optional() });

type SubmitAck = { response_action: 'errors'; errors: Record<string, string> } | { response_action: 'update'; view: ReturnType<typeof renderModal> } | null;

export function registerHandlers(app: App, deps: HandlerDeps): void {
  const { core, delivery, logger } = deps;
  const deliveries = new DeliveryLog();
  const submissions = new DeliveryLog<Promise<FormResult | null>>();
  const work = new WorkQueue(deps.workConcurrency ?? 16, (err) =>
    logger.error({ err: err instanceof Error ? err.message : String(err) }, 'Slack request failed after its ack'),
  );

  /** Delivers a reply; a failure is logged and, if possible, told to the user with an error id. */
  const answer = async (reply: Reply, target: ReplyTarget, what: string): Promise<void> => {
    try {
      await delivery.deliver(reply, target);
    } catch (err) {
      const errorId = randomUUID().slice(0, 8);
      logger.error({ errorId, what, err: err instanceof Error ? err.message : String(err) }, 'could not deliver the reply to Slack');
      const { triggerId: _unused, ...plainTarget } = target;
      await delivery
        .deliver(errorReply(`Sorry, the answer could not be delivered here (error id ${errorId}).`), plainTarget)
        .catch(() => undefined);
    }
  };

  app.command(/^\/.+/, async ({ command, ack, context }) => {
    await ack();
    const first = deliveries.first([`trigger:${command.trigger_id}`], true);
    logger.info(
      { kind: 'command', user: command.user_id, channel: command.channel_id, subcommand: command.text.trim().split(/\s+/)[0] ?? '', retryNum: context.retryNum, repeated: !first },
      first ? 'slash command' : 'repeated slash command dropped',
    );
    if (!first) return;
    work.push(async () => {
      const actor = core.resolveActor('slack', command.user_id, command.user_name);
      const reply = await core.run({ actor, text: command.text, channel: channelOf(command.channel_id) });
      await answer(reply, { userId: command.user_id, channelId: command.channel_id, responseUrl: command.response_url, triggerId: command.trigger_id }, 'command');
    });
  });

  app.action<BlockAction<ButtonAction>>(new RegExp(`^${ACTION_ID_PREFIX}`), async ({ ack, body, action, context }) => {
    await ack();
    if (body.type !== 'block_actions' || action.type !== 'button') return;
    const user = body.user;
    const first = deliveries.first([`trigger:${body.trigger_id}`, `action:${action.action_ts}:${user.id}:${action.action_id}`], true);
    logger.info({ kind: 'action', user: user.id, retryNum: context.retryNum, repeated: !first }, first ? 'button click' : 'repeated button click dropped');
    if (!first) return;
    const container = containerSchema.safeParse(body.container);
    const fromView = body.view !== undefined ? decodeFormMetadata(body.view.private_metadata)?.channelId : undefined;
    const channelId = body.channel?.id ?? (container.success ? container.data.channel_id : undefined) ?? fromView ?? null;
    const actor = core.resolveActor('slack', user.id, user.username || user.name);
    work.push(async () => {
      const reply = await core.act({ actor, value: action.value ?? '', channel: channelOf(channelId) });
      await answer(reply, { userId: user.id, channelId, responseUrl: body.response_url, triggerId: body.trigger_id }, 'action');
    });
  });

  app.view({ callback_id: new RegExp(`^${FORM_CALLBACK_PREFIX}`), type: 'view_submission' }, async ({ ack, body, view, context }) => {
    if (body.type !== 'view_submission') return ack();
    const user = body.user;
    const inputs = inputBlockIds(view.blocks);
    const meta = decodeFormMetadata(view.private_metadata);
    if (meta === null) {
      logger.warn({ kind: 'submission', user: user.id }, 'submission without readable private_metadata');
      const errors = toSlackErrors({ form: 'This form can no longer be read. Close it and run the command again.' }, inputs);
      await ack(errors === null ? undefined : { response_action: 'errors', errors });
      return;
    }
    const key = `view:${body.trigger_id}:${view.id}`;
    const earlier = submissions.get(key);
    if (earlier !== undefined) {
      logger.info({ kind: 'submission', user: user.id, retryNum: context.retryNum }, 'repeated submission: same answer, no second run');
      await ack(ackFor(await earlier, meta.channelId, inputs) ?? undefined);
      return;
    }
    const actor = core.resolveActor('slack', user.id, user.name);
    const result = core.submit({ actor, formId: meta.formId, context: meta.context, values: readFormValues(view.state.values) });
    submissions.first([key], result.then((r) => r, () => null));
    const timely = await withTimeout(result, deps.submitTimeoutMs ?? 2500);
    logger.info({ kind: 'submission', user: user.id, form: meta.formId, ok: timely?.ok, retryNum: context.retryNum }, 'form submitted');
    const target: ReplyTarget = { userId: user.id, channelId: meta.channelId };
    if (timely === undefined) {
      await ack(); // the core is slow: close the modal and answer when it is done
      const late = await result;
      await answer(late.ok ? late.reply : errorReply(Object.values(late.errors).join('\n')), target, 'late submission');
      return;
    }
    const response = ackFor(timely, meta.channelId, inputs);
    await ack(response ?? undefined);
    if (timely.ok && response === null) await answer({ ...timely.reply, form: undefined }, target, 'submission');
    if (!timely.ok && response === null) await answer(errorReply(Object.values(timely.errors).join('\n')), target, 'submission');
  });

  // Clicks and submissions of elements this bot did not render: acknowledged, nothing else.
  app.action(new RegExp(`^(?!${ACTION_ID_PREFIX})`), async ({ ack }) => ack());
  app.view({ callback_id: new RegExp(`^(?!${FORM_CALLBACK_PREFIX})`), type: 'view_submission' }, async ({ ack }) => ack());
  app.view({ callback_id: /.*/, type: 'view_closed' }, async ({ ack }) => ack());
}

/** What the submission's ack carries: field errors, a next form, or nothing (close the modal). */
function ackFor(result: FormResult | null, channelId: string | null, inputs: string[]): SubmitAck {
  if (result === null) return null;
  if (!result.ok) {
    const errors = toSlackErrors(result.errors, inputs);
    return errors === null ? null : { response_action: 'errors', errors };
  }
  const next = result.reply.form;
  if (next === undefined) return null;
  const metadata = encodeFormMetadata({ formId: next.id, context: next.context, channelId });
  return metadata === null ? null : { response_action: 'update', view: renderModal(next, metadata) };
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
