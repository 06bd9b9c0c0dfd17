import { describe, expect, it } from 'vitest';
import { unreachableInstances } from '../../src/services/reach';
import { parse, validData } from '../config/fixtures';

function config(channels: Record<string, unknown>[]) {
  const data = validData();
  data.instances.forEach((instance, i) => Object.assign(instance, { channels: channels[i] }));
  return parse(data);
}

describe('instances with nowhere to post', () => {
  it('only DingTalk while DingTalk is not configured: warned, by instance, with the reason', () => {
    const found = unreachableInstances(config([{ dingtalk: ['cidX'] }, { terminal: true }]).instances, new Set(['terminal']));
    expect(found).toEqual([
      {
        instanceId: 'prod-1',
        platforms: ['dingtalk'],
        message: 'prod-1 posts only to DingTalk, and DingTalk is not configured (DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET): its progress, completions and alerts reach no one. Give prod-1 a channel on a platform the bot serves.',
      },
    ]);
  });

  it('only Slack while Slack is not configured; Slack and the terminal while neither runs', () => {
    const { instances } = config([{ slack: ['C1'] }, { slack: ['C2'], terminal: true }]);
    const found = unreachableInstances(instances, new Set(['dingtalk']));
    expect(found.map((u) => [u.instanceId, u.platforms])).toEqual([
      ['prod-1', ['slack']],
      ['staging-1', ['slack', 'terminal']],
    ]);
    expect(found[0]?.message).toContain('Slack is not configured (SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN)');
    expect(found[1]?.message).toContain('posts only to Slack and the terminal chat, and Slack is not configured');
  });

  it('one served channel is enough', () => {
    const { instances } = config([{ slack: ['C1'], dingtalk: ['cidX'] }, { terminal: true }]);
    expect(unreachableInstances(instances, new Set(['slack', 'terminal']))).toEqual([]);
  });
});
