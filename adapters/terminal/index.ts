// The terminal chat adapter: the same /backup commands typed at a prompt (or piped in).

export { startTerminal, TERMINAL_HELP, type TerminalOptions, type TerminalSession } from './session';
export { renderReply, newChoices, sanitize, type ChoiceNumbering, type RenderOptions } from './render';
export { renderProgressLine } from './progress-line';
export { createTerminalNotifier } from './notifier';
