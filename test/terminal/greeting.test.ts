import { describe, expect, it } from 'vitest';
import { chooseTerminalUser, terminalGreeting } from '../../adapters/terminal/greeting';
import { sandboxConfig } from '../../src/config';
import { parse, validData } from '../config/fixtures';
import { OFFLINE_SIMS } from '../support/harness';

describe('who the terminal chat starts as', () => {
  it('with a configuration: the first person with a terminal id, not the sandbox admin1', () => {
    const data = validData();
    data.people.unshift({ name: 'zed', slack: 'U0ZED', roles: { '*': 'viewer' } });
    expect(chooseTerminalUser(parse(data), null)).toEqual({ user: 'alice', note: null });
  });

  it('with a configuration where nobody has a terminal id: says how to pick one', () => {
    const data = validData();
    data.people = data.people.map(({ terminal: _t, ...p }) => p);
    const choice = chooseTerminalUser(parse(data), null);
    expect(choice.user).toBe('guest');
    expect(choice.note).toBe('No person in test.yml has a terminal id, so you are guest, with no role, so every command is refused. Give a person one (terminal: NAME) and start with --as NAME.');
  });

  it('--as picks the user; one the configuration does not know is told so', () => {
    expect(chooseTerminalUser(parse(validData()), 'alice')).toEqual({ user: 'alice', note: null });
    expect(chooseTerminalUser(parse(validData()), 'admin1').note).toBe(
      'admin1 is not a terminal user of test.yml; you have the role of anyone not listed (none). Terminal users in the configuration: alice.',
    );
  });

  it('the sandbox starts as admin1, and any name is fine there', () => {
    const sandbox = sandboxConfig(OFFLINE_SIMS);
    expect(chooseTerminalUser(sandbox, null)).toEqual({ user: 'admin1', note: null });
    expect(chooseTerminalUser(sandbox, 'someone')).toEqual({ user: 'someone', note: null });
  });

  it('the greeting names the person and lists the warnings', () => {
    const text = terminalGreeting({ config: parse(validData()), dataDir: '/d', user: 'alice', displayName: 'Alice Chen', notes: ['prod-1 posts only to DingTalk, ...'] });
    expect(text).toBe('StarRocks backup bot (test.yml). You are alice (Alice Chen); /as NAME switches user. Type /backup help.\n⚠ prod-1 posts only to DingTalk, ...');
  });
});
