// The terminal chat, like Hubot's shell adapter: one line at a time, in order. `/backup ...` or
// `backup ...` runs a command as the current user, a number chooses a button of the last reply
// with buttons (asking first when the button has a confirm), `/as NAME` switches user. No
// input crashes it; with piped input it ends after every reply has been printed.

import { createInterface } from 'node:readline';
import type { Button, Form, Reply } from '../../src/reply';
import type { CommandCore } from '../../src/ports';
import type { Actor, ChannelAddress } from '../../src/domain/types';
import type { Notifier } from '../../src/ports';
import { answer as answerField, describeErrors, question, startFill, submission, type FormFill } from './form-fill';
import { createTerminalNotifier } from './notifier';
import { newChoices, renderReply, sanitize, type ChoiceNumbering } from './render';
import { Screen } from './screen';

export interface TerminalOptions {
  core: CommandCore;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Initial terminal user, e.g. `admin1`. */
  user: string;
  /** A TTY: show a prompt, colours, progress rewritten in place. */
  interactive: boolean;
  /** Channel id of the terminal (default `terminal`). */
  channelId?: string;
  /** Awaited at the end of input before `done` resolves (e.g. deliver the queued announcements). */
  beforeExit?: () => Promise<void>;
  /** Printed first, instead of the default greeting (which only a TTY gets). */
  greeting?: string;
  /** Milliseconds now (tests): paces the progress lines a pipe gets. */
  now?: () => number;
}

export interface TerminalSession {
  notifier: Notifier;
  /** Resolves when the input ended (or /quit) and every reply has been printed. */
  done: Promise<void>;
  close(): void;
}

export const TERMINAL_HELP = [
  'Terminal chat of the StarRocks backup bot',
  '  /backup <command> ...   run a bot command (also: backup <command> ..., or the command alone)',
  '  /backup help            the bot\'s commands',
  '  <number>                choose that button of the last reply with buttons',
  '  /fill                   answer the fields of the last form one by one, then save it (/cancel stops)',
  '  /as NAME                act as another user, e.g. /as admin2',
  '  /whoami                 who you are acting as',
  '  /help                   this help',
  '  /quit                   leave (also end of input, Ctrl-D)',
].join('\n');

const USER_NAME = /^[^\s]{1,64}$/;

export function startTerminal(opts: TerminalOptions): TerminalSession {
  const screen = new Screen(opts.output, opts.interactive, opts.now);
  const channel: ChannelAddress = { platform: 'terminal', channelId: opts.channelId ?? 'terminal' };
  const color = opts.interactive;
  let user = opts.user;
  let actor = resolve(user);
  let choices: ChoiceNumbering | null = null;
  let pendingConfirm: Button | null = null;
  let lastForm: Form | null = null;
  let fill: FormFill | null = null;
  /** `/quit` was typed: the lines after it are not run. */
  let quitting = false;
  /** The input ended (or was closed): no more prompts. */
  let ended = false;
  let chain: Promise<void> = Promise.resolve();
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });

  function resolve(name: string): Actor {
    try {
      return opts.core.resolveActor('terminal', name);
    } catch {
      return { platform: 'terminal', userId: name, personId: null };
    }
  }

  const notifier = createTerminalNotifier(screen, { choicesShown: (shown) => (choices = shown) });

  const rl = createInterface({
    input: opts.input,
    output: opts.interactive ? opts.output : undefined,
    terminal: opts.interactive,
    historySize: 200,
  });
  screen.attachPrompt({
    redraw: () => {
      rl.setPrompt(pendingConfirm ? 'y/N> ' : fill ? '> ' : `${user}> `);
      rl.prompt(true);
    },
  });

  function say(text: string): void {
    screen.print(text);
  }

  function show(reply: Reply): void {
    const shown = newChoices();
    say(renderReply(reply, shown, { color }));
    if (shown.buttons.length > 0) choices = shown;
    if (reply.form) {
      lastForm = reply.form;
      say('  Or type /fill to answer its fields one by one.');
    }
  }

  async function fillStep(text: string | null): Promise<void> {
    if (fill === null) return;
    if (text !== null && /^\/cancel$/i.test(text)) {
      fill = null;
      return say('Form left unsaved.');
    }
    const problem = text === null ? null : answerField(fill, text);
    if (problem !== null) return say(`  ${problem}\n${question(fill) ?? ''}`);
    const next = question(fill);
    if (next !== null) return say(next);
    const filled = fill;
    fill = null;
    const result = await opts.core.submit(submission(filled, actor));
    if (result.ok) show(result.reply);
    else say(describeErrors(filled.form, result.errors));
  }

  async function startForm(): Promise<void> {
    if (lastForm === null) return say('No form to fill: open one first, e.g. /backup settings prod-1');
    fill = startFill(lastForm);
    say(`${sanitize(lastForm.title)}: Enter keeps the value in [brackets]; /cancel stops.`);
    return fillStep(null);
  }

  async function run(text: string): Promise<void> {
    show(await opts.core.run({ actor, text, channel }));
  }

  async function act(button: Button): Promise<void> {
    show(await opts.core.act({ actor, value: button.value, channel }));
  }

  async function choose(n: number): Promise<void> {
    if (choices === null || choices.buttons.length === 0) {
      say('Nothing to choose: a number picks a button of the last reply that had buttons.');
      return;
    }
    const button = choices.buttons[n - 1];
    if (button === undefined) {
      const count = choices.buttons.length;
      say(count === 1 ? `No choice ${n}: the only choice is 1.` : `No choice ${n}: choose 1 to ${count}.`);
      return;
    }
    if (button.confirm) {
      pendingConfirm = button;
      const { title, text } = button.confirm;
      say(`? ${sanitize(title)}\n  ${sanitize(text)} [y/N]`);
      return;
    }
    await act(button);
  }

  /** The answer to an open y/N question; false when the line is not one (it is then a new command). */
  async function answer(button: Button, text: string): Promise<boolean> {
    pendingConfirm = null;
    if (/^(y|yes)$/i.test(text)) {
      await act(button);
      return true;
    }
    if (/^(n|no)?$/i.test(text)) {
      say(`  ${sanitize(button.confirm?.deny ?? 'Cancelled')}: nothing was done.`);
      return true;
    }
    say(`  Not answered, so "${sanitize(button.confirm?.title ?? 'the question')}" is cancelled: nothing was done. Running your new command.`);
    return false;
  }

  function switchUser(name: string): void {
    if (name === '') {
      whoami();
      return;
    }
    if (!USER_NAME.test(name)) {
      say('Usage: /as NAME (one word, at most 64 characters), e.g. /as admin2');
      return;
    }
    user = name;
    actor = resolve(name);
    whoami('You are now');
  }

  function whoami(lead = 'You are'): void {
    const person = actor.personId ? ` (${sanitize(actor.displayName ?? actor.personId)})` : ' (not in the configuration)';
    say(`${lead} ${sanitize(user)}${person}.`);
  }

  async function handle(line: string): Promise<void> {
    if (quitting) return;
    const text = line.trim();
    if (pendingConfirm !== null && (await answer(pendingConfirm, text))) return;
    if (fill !== null) return fillStep(text);
    if (text === '') return;
    if (/^\d{1,9}$/.test(text)) return choose(Number(text));
    const [, word = '', rest = ''] = /^(\S+)\s*([\s\S]*)$/.exec(text) ?? [];
    switch (word.toLowerCase()) {
      case '/backup':
      case 'backup':
        return run(rest);
      case '/as':
        return switchUser(rest.trim());
      case '/whoami':
        return whoami();
      case '/fill':
        return startForm();
      case '/help':
      case 'help':
      case '/?':
        return say(TERMINAL_HELP);
      case '/quit':
      case '/exit':
      case 'quit':
      case 'exit':
        quitting = true;
        rl.close();
        return;
      default:
        if (word.startsWith('/')) return say(`Unknown terminal command ${JSON.stringify(sanitize(word).slice(0, 30))}. Type /help.`);
        return run(text);
    }
  }

  function enqueue(line: string): void {
    screen.lineEntered();
    chain = chain
      .then(() => handle(line))
      .catch((error: unknown) => {
        say(`✖ Sorry, that failed: ${sanitize(error instanceof Error ? error.message : String(error)).slice(0, 200)}`);
      })
      .then(() => {
        if (!quitting && !ended) screen.showPrompt();
      });
  }

  rl.on('line', enqueue);
  rl.on('SIGINT', () => rl.close());
  opts.input.on('error', () => rl.close());
  rl.on('close', () => {
    ended = true;
    screen.stopPrompting();
    chain = chain
      .then(() => opts.beforeExit?.())
      .catch(() => undefined)
      .then(() => {
        if (opts.interactive) say('Bye.');
        resolveDone();
      });
  });

  if (opts.greeting !== undefined) {
    say(opts.greeting);
    screen.showPrompt();
  } else if (opts.interactive) {
    say(`StarRocks backup bot, terminal chat. You are ${sanitize(user)}. Type /help for help, /backup help for the commands.`);
    screen.showPrompt();
  }

  return { notifier, done, close: () => rl.close() };
}
