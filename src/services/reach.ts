// Which instances have nowhere to post: every channel of theirs is on a chat platform this bot
// does not serve right now (e.g. only DingTalk while DingTalk is not connected). Their
// progress, completions and alerts would reach no one, so start-up warns, per instance.

import type { InstanceConfig } from '../config/types';
import type { Platform } from '../domain/types';
import { joinAnd } from '../domain/text';

const NAMES: Record<Platform, string> = { slack: 'Slack', dingtalk: 'DingTalk', terminal: 'the terminal chat' };

/** Why a platform is not served. */
export const NOT_SERVED: Record<Platform, string> = {
  slack: 'Slack is not configured (SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN)',
  dingtalk: 'DingTalk is not configured (DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET)',
  terminal: 'the terminal chat is not running (start with --terminal)',
};

export interface Unreachable {
  instanceId: string;
  /** The platforms its channels are on, none of them served. */
  platforms: Platform[];
  message: string;
}

function platformsOf(instance: InstanceConfig): Platform[] {
  const out: Platform[] = [];
  if (instance.channels.slack.length > 0) out.push('slack');
  if (instance.channels.dingtalk.length > 0) out.push('dingtalk');
  if (instance.channels.terminal) out.push('terminal');
  return out;
}

/** Instances none of whose channels is on a served platform, in configuration order. */
export function unreachableInstances(instances: readonly InstanceConfig[], served: ReadonlySet<Platform>): Unreachable[] {
  const out: Unreachable[] = [];
  for (const instance of instances) {
    const platforms = platformsOf(instance);
    if (platforms.some((p) => served.has(p))) continue;
    const on = joinAnd(platforms.map((p) => NAMES[p]));
    const message = platforms.length === 0
      ? `${instance.id} has no channel: its progress, completions and alerts reach no one. Add a channel to it in the configuration.`
      : `${instance.id} posts only to ${on}, and ${joinAnd(platforms.map((p) => NOT_SERVED[p]))}: its progress, completions and alerts reach no one. Give ${instance.id} a channel on a platform the bot serves.`;
    out.push({ instanceId: instance.id, platforms, message });
  }
  return out;
}
