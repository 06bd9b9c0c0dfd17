// The Bolt listeners: a slash command, a button click, a modal submission. Each one checks the
// payload (payloads.ts: HTTP requests were checked before Bolt; Socket Mode ones are checked
// here), acks at once (a submission acks with the core's validation result, which is fast),
// drops repeated deliveries and replays (also across restarts, through `seen`), hands the
// request to the command core as the user Slack signed for, and delivers the reply.

import { randomUUID } from 'node:crypto';
import type { App } from '@slack/bolt';
import type { FormResult, Reply } from '../../src/reply';
import { errorReply } from '../../src/reply';
import type { CommandCore } from '../../src/ports';
import type { ChannelAddress } from '../../src/domain/types';
import { DeliveryLog, MemorySeenRequests, type SeenRequests } from './dedupe';
import { WorkQueue } from './work-queue';
import type { ReplyDelivery, ReplyTarget } from './deliver';
import type { SurfaceLogger } from './logger';
import { claimedUser, clip, readSlackRequest, refusalAck, refusalResponseUrl, refusalText, type RefusedRequest, type SlackRequest } from './payloads';
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
  /** Requests handled before, kept across restarts (default: in memory only). */
  seen?: SeenRequests;
  now?: () => Date;
}

const channelOf = (id: string | null | undefined): ChannelAddress | null =>
  typeof id === 'string' && id !== '' ? { platform: 'slack', channelId: id } : null;

type SubmitAck = { response_action: 'errors'; errors: Record<string, string> } | { response_action: 'update'; view: ReturnType<typeof renderModal> } | null;
type Fresh = 'new' | 'repeat' | 'unrecorded';

export function registerHandlers(app: App, deps: HandlerDeps): void {
  const { core, delivery, logger } = deps;
  const seen = deps.seen ?? new MemorySeenRequests();
  const now = deps.now ?? (() => new Date());
  const deliveries = new DeliveryLog();
  const submissions = new DeliveryLog<Promise<FormResult | null>>();
  const work = new WorkQueue(deps.workConcurrency ?? 16, (err) =>
    logger.error({ err: clip(err instanceof Error ? err.message : String(err), 300) }, 'Slack request failed after its ack'),
  );

  /** Delivers a reply; a failure is logged and, if possible, told to the user with an error id. */
  const answer = async (reply: Reply, target: ReplyTarget, what: string): Promise<void> => {
    try {
      await delivery.deliver(reply, target);
    } catch (err) {
      const errorId = randomUUID().slice(0, 8);
      logger.error({ errorId, what, err: clip(err instanceof Error ? err.message : String(err), 300) }, 'could not deliver the reply to Slack');
      const { triggerId: _unused, ...plainTarget } = target;
      await delivery
        .deliver(errorReply(`Sorry, the answer could not be delivered here (error id ${errorId}).`), plainTarget)
        .catch(() => undefined);
    }
  };

  /**
   * Whether a request is new: not a retry seen by this process, nor one handled before a
   * restart (kept by `seen`). 'unrecorded' when that could not be kept.
   */
  const freshness = async (key: string): Promise<Fresh> => {
    if (!deliveries.first([key], true)) return 'repeat';
    try {
      return (await seen.firstTime(key, now())) ? 'new' : 'repeat';
    } catch (err) {
      logger.error({ err: clip(err instanceof Error ? err.message : String(err), 300) }, 'could not record a Slack request as handled');
      return 'unrecorded';
    }
  };
  const unrecorded = errorReply('Sorry, the bot could not record this request, so it did nothing. Try again in a moment.');

  /** A request that failed its check (Socket Mode: HTTP requests are checked before Bolt). */
  const refused = (request: SlackRequest, kind: string): RefusedRequest | null => {
    if (request.kind !== 'refused') return null;
    logger.warn({ kind, problem: request.problem, user: claimedUser(request.raw) }, 'Slack request refused: a field is missing or wrong');
    return request;
  };

  app.command(/^\/.+/, async ({ command, ack, context }) => {
    const request = readSlackRequest(command as unknown as Record<string, unknown>);
    if (request.kind !== 'command') {
      const r = refused(request, 'command');
      await ack(r === null ? undefined : (refusalAck(r) as { text: string }));
      return;
    }
    await ack();
    const c = request.body;
    const fresh = await freshness(`trigger:${c.trigger_id}`);
    logger.info(
      { kind: 'command', user: c.user_id, channel: c.channel_id, subcommand: clip(c.text.trim().split(/\s+/)[0] ?? '', 32), retryNum: context.retryNum, repeated: fresh === 'repeat' },
      fresh === 'repeat' ? 'repeated slash command dropped' : 'slash command',
    );
    if (fresh === 'repeat') return;
    const target: ReplyTarget = { userId: c.user_id, channelId: c.channel_id, responseUrl: c.response_url, triggerId: c.trigger_id };
    work.push(async () => {
      if (fresh === 'unrecorded') return answer(unrecorded, target, 'command');
      const actor = core.resolveActor('slack', c.user_id, c.user_name);
      const reply = await core.run({ actor, text: c.text, channel: channelOf(c.channel_id) });
      await answer(reply, target, 'command');
    });
  });

  app.action(new RegExp(`^${ACTION_ID_PREFIX}`), async ({ ack, body, context }) => {
    await ack();
    const request = readSlackRequest(body as unknown as Record<string, unknown>);
    if (request.kind !== 'action') {
      const r = refused(request, 'action');
      const url = r === null ? undefined : refusalResponseUrl(r);
      if (r !== null && url !== undefined) work.push(async () => void (await delivery.toResponseUrl(url, errorReply(refusalText(r)))));
      return;
    }
    const b = request.body;
    const action = b.actions[0];
    if (action === undefined) return;
    // One click, one trigger_id: Slack's retries and any replay carry the same one.
    const fresh = await freshness(`trigger:${b.trigger_id}`);
    logger.info({ kind: 'action', user: b.user.id, retryNum: context.retryNum, repeated: fresh === 'repeat' }, fresh === 'repeat' ? 'repeated button click dropped' : 'button click');
    if (fresh === 'repeat') return;
    const fromView = b.view !== undefined ? decodeFormMetadata(b.view.private_metadata)?.channelId : undefined;
    const channelId = b.channel?.id ?? b.container?.channel_id ?? fromView ?? null;
    const target: ReplyTarget = { userId: b.user.id, channelId, responseUrl: b.response_url, triggerId: b.trigger_id };
    work.push(async () => {
      if (fresh === 'unrecorded') return answer(unrecorded, target, 'action');
      const actor = core.resolveActor('slack', b.user.id, b.user.username ?? b.user.name);
      const reply = await core.act({ actor, value: action.value ?? '', channel: channelOf(channelId) });
      await answer(reply, target, 'action');
    });
  });

  app.view({ callback_id: new RegExp(`^${FORM_CALLBACK_PREFIX}`), type: 'view_submission' }, async ({ ack, body, context }) => {
    const request = readSlackRequest(body as unknown as Record<string, unknown>);
    if (request.kind !== 'submission') {
      const r = refused(request, 'submission');
      await ack((r === null ? undefined : (refusalAck(r) as { response_action: 'errors'; errors: Record<string, string> })) ?? undefined);
      return;
    }
    const { user, view, trigger_id: triggerId } = request.body;
    const inputs = inputBlockIds(view.blocks);
    const meta = decodeFormMetadata(view.private_metadata);
    if (meta === null) {
      logger.warn({ kind: 'submission', user: user.id }, 'submission without readable private_metadata');
      const errors = toSlackErrors({ form: 'This form can no longer be read. Close it and run the command again.' }, inputs);
      await ack(errors === null ? undefined : { response_action: 'errors', errors });
      return;
    }
    const key = `view:${triggerId}:${view.id}`;
    const earlier = submissions.get(key);
    if (earlier !== undefined) {
      logger.info({ kind: 'submission', user: user.id, retryNum: context.retryNum }, 'repeated submission: same answer, no second run');
      await ack(ackFor(await earlier, meta.channelId, inputs) ?? undefined);
      return;
    }
    const fresh = await freshness(`trigger:${triggerId}`);
    if (fresh !== 'new') {
      logger.info({ kind: 'submission', user: user.id, retryNum: context.retryNum, repeated: fresh === 'repeat' }, fresh === 'repeat' ? 'replayed submission dropped' : 'submission not recorded');
      const errors = fresh === 'unrecorded' ? toSlackErrors({ form: unrecorded.text }, inputs) : null;
      await ack(errors === null ? undefined : { response_action: 'errors', errors });
      return;
    }
    const actor = core.resolveActor('slack', user.id, user.username ?? user.name);
    const result = core.submit({ actor, formId: meta.formId, context: meta.context, values: readFormValues(view.state?.values) });
    submissions.first([key], result.then((r) => r, () => null));
    const timely = await withTimeout(result, deps.submitTimeoutMs ?? 2500);
    logger.info({ kind: 'submission', user: user.id, form: clip(meta.formId, 40), ok: timely?.ok, retryNum: context.retryNum }, 'form submitted');
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
