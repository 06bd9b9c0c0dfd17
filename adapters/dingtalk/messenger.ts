// What the robot can say, through DingTalk's APIs: markdown to a group or to one person
// (robot API), markdown through a message's session webhook, and advanced cards created,
// delivered and updated by the robot. Sends to one conversation are kept within a budget
// (20 a minute, DingTalk's documented robot limit): a send over it waits, none is dropped.

import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { OutsideError } from '../../src/domain/errors';
import type { CardContent } from './render-card';
import type { OpenApi, Sleep } from './open-api';
import { realSleep } from './open-api';

export interface Markdown {
  title: string;
  text: string;
}

/** Where a card goes: a group conversation or the one-to-one chat of the robot with a person. */
export type CardSpace = { type: 'IM_GROUP'; conversationId: string; recipients?: string[] } | { type: 'IM_ROBOT'; staffId: string };

export interface MessengerOptions {
  api: OpenApi;
  /** The robot's code: for an app robot, the app's client id (AppKey). */
  robotCode: string;
  cardTemplateId: string;
  /** Sends per conversation per minute; default 20. */
  perMinute?: number;
  now?: () => number;
  sleep?: Sleep;
}

const createAnswer = z.looseObject({
  success: z.boolean().optional(),
  result: z.looseObject({ deliverResults: z.array(z.looseObject({ success: z.boolean(), errorMsg: z.string().optional() })).optional() }).optional(),
});
const batchAnswer = z.looseObject({ invalidStaffIdList: z.array(z.string()).optional(), flowControlledStaffIdList: z.array(z.string()).optional() });

export class Messenger {
  private readonly sent = new Map<string, number[]>();
  private readonly now: () => number;
  private readonly sleep: Sleep;

  constructor(private readonly opts: MessengerOptions) {
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? realSleep;
  }

  get robotCode(): string {
    return this.opts.robotCode;
  }

  async toWebhook(url: string, conversationId: string, md: Markdown): Promise<void> {
    await this.budget(conversationId);
    await this.opts.api.postWebhook(url, { msgtype: 'markdown', markdown: md });
  }

  async toGroup(conversationId: string, md: Markdown): Promise<void> {
    await this.budget(conversationId);
    await this.opts.api.call('POST', '/v1.0/robot/groupMessages/send', {
      robotCode: this.opts.robotCode,
      openConversationId: conversationId,
      msgKey: 'sampleMarkdown',
      msgParam: JSON.stringify(md),
    });
  }

  async toPerson(staffId: string, md: Markdown): Promise<void> {
    await this.budget(`user:${staffId}`);
    const answer = batchAnswer.safeParse(
      await this.opts.api.call('POST', '/v1.0/robot/oToMessages/batchSend', {
        robotCode: this.opts.robotCode,
        userIds: [staffId],
        msgKey: 'sampleMarkdown',
        msgParam: JSON.stringify(md),
      }),
    );
    if (answer.success && answer.data.invalidStaffIdList?.includes(staffId)) {
      throw new OutsideError('dingtalk', 'not_found', `oToMessages/batchSend: ${staffId} cannot be reached by the robot`);
    }
    if (answer.success && answer.data.flowControlledStaffIdList?.includes(staffId)) {
      throw new OutsideError('dingtalk', 'throttled', `oToMessages/batchSend: messages to ${staffId} are flow-controlled`);
    }
  }

  /** Creates and delivers a card whose button clicks come back over Stream; gives its id. */
  async createCard(space: CardSpace, content: CardContent): Promise<string> {
    const outTrackId = `sbb-${randomUUID()}`;
    await this.budget(space.type === 'IM_GROUP' ? space.conversationId : `user:${space.staffId}`);
    const body: Record<string, unknown> = {
      cardTemplateId: this.opts.cardTemplateId,
      outTrackId,
      callbackType: 'STREAM',
      cardData: { cardParamMap: content.params },
      userIdType: 1,
    };
    if (space.type === 'IM_GROUP') {
      body.openSpaceId = `dtv1.card//IM_GROUP.${space.conversationId}`;
      body.imGroupOpenSpaceModel = { supportForward: false };
      body.imGroupOpenDeliverModel = { robotCode: this.opts.robotCode, ...(space.recipients?.length ? { recipients: space.recipients } : {}) };
    } else {
      body.openSpaceId = `dtv1.card//IM_ROBOT.${space.staffId}`;
      body.imRobotOpenSpaceModel = { supportForward: false };
      body.imRobotOpenDeliverModel = { spaceType: 'IM_ROBOT', robotCode: this.opts.robotCode };
    }
    const answer = createAnswer.safeParse(await this.opts.api.call('POST', '/v1.0/card/instances/createAndDeliver', body));
    const failed = answer.success ? answer.data.result?.deliverResults?.find((r) => !r.success) : undefined;
    if (!answer.success || answer.data.success === false || failed !== undefined) {
      throw new OutsideError('dingtalk', 'other', `card/instances/createAndDeliver: not delivered${failed?.errorMsg ? ` (${failed.errorMsg})` : ''}`);
    }
    return outTrackId;
  }

  /** Changes the given keys of a card's data; the other keys keep their values. */
  async updateCard(outTrackId: string, params: Record<string, string>): Promise<void> {
    await this.opts.api.call('PUT', '/v1.0/card/instances', {
      outTrackId,
      cardData: { cardParamMap: params },
      cardUpdateOptions: { updateCardDataByKey: true },
      userIdType: 1,
    });
  }

  /** Waits until the conversation has room in its budget, then takes one send. */
  private async budget(key: string): Promise<void> {
    const limit = this.opts.perMinute ?? 20;
    for (;;) {
      const now = this.now();
      const times = (this.sent.get(key) ?? []).filter((t) => now - t < 60_000);
      if (times.length < limit) {
        times.push(now);
        this.sent.set(key, times);
        if (this.sent.size > 5000) this.forgetIdle(now);
        return;
      }
      this.sent.set(key, times);
      await this.sleep(Math.max(50, 60_000 - (now - (times[0] as number))));
    }
  }

  private forgetIdle(now: number): void {
    for (const [key, times] of this.sent) if (times.every((t) => now - t >= 60_000)) this.sent.delete(key);
  }
}
