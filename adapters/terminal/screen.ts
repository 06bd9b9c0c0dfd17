// The terminal's output: blocks of text, a prompt on a TTY, and progress lines that a TTY
// rewrites in place (the line just above the prompt) while a pipe gets at most one line every
// few seconds per message (a log, not an animation), each in full.

const CLEAR_LINE = '\r\u001b[K';
/** On a pipe, at most one progress line per message this often. */
export const PIPE_PROGRESS_INTERVAL_MS = 5000;
const UP_AND_CLEAR = '\u001b[1A\r\u001b[K';

export interface PromptControl {
  /** Redraws the prompt with what the user has typed so far. */
  redraw(): void;
}

export class Screen {
  private promptShown = false;
  /** Key of the progress line printed last, when nothing was printed after it. */
  private lastProgressKey: string | null = null;
  /** Last progress text per key, so a pipe does not get the same line twice. */
  private readonly lastProgressText = new Map<string, string>();
  /** When a pipe last got a progress line of each key. */
  private readonly lastProgressAt = new Map<string, number>();
  private prompt: PromptControl | null = null;

  constructor(
    private readonly output: NodeJS.WritableStream,
    readonly interactive: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  attachPrompt(prompt: PromptControl): void {
    this.prompt = prompt;
  }

  /** The input is gone: nothing more is typed, so no prompt is drawn again. */
  stopPrompting(): void {
    if (this.interactive && this.promptShown) this.write(CLEAR_LINE);
    this.prompt = null;
    this.promptShown = false;
  }

  /** Columns of the terminal, for progress lines that must not wrap (a pipe: no limit). */
  get width(): number {
    const columns = (this.output as { columns?: unknown }).columns;
    if (!this.interactive) return Number.POSITIVE_INFINITY;
    return typeof columns === 'number' && columns > 20 ? columns : 80;
  }

  private write(text: string): void {
    try {
      this.output.write(text);
    } catch {
      // A closed output (EPIPE) must not crash the bot; there is no one to tell.
    }
  }

  /** Prints a block that ends with a newline. */
  print(block: string): void {
    const text = block.endsWith('\n') ? block : `${block}\n`;
    const reprompt = this.interactive && this.promptShown;
    this.write((reprompt ? CLEAR_LINE : '') + text);
    this.lastProgressKey = null;
    if (reprompt) this.showPrompt();
  }

  /**
   * A progress line of one message: rewritten in place on a TTY; on a pipe a new line, when it
   * changed and the last one of that message is a few seconds old (the final summary is printed
   * by `print`, always).
   */
  progress(key: string, line: string): void {
    if (!this.interactive) {
      const at = this.now();
      const last = this.lastProgressAt.get(key);
      if (this.lastProgressText.get(key) === line || (last !== undefined && at - last < PIPE_PROGRESS_INTERVAL_MS)) return;
      this.rememberProgress(key, line);
      this.lastProgressAt.set(key, at);
      this.write(`${line}\n`);
      return;
    }
    const inPlace = this.lastProgressKey === key;
    const reprompt = this.promptShown;
    this.write((reprompt ? CLEAR_LINE : '') + (inPlace ? UP_AND_CLEAR : '') + `${line}\n`);
    this.rememberProgress(key, line);
    this.lastProgressKey = key;
    if (reprompt) this.showPrompt();
  }

  private rememberProgress(key: string, line: string): void {
    this.lastProgressText.delete(key);
    this.lastProgressText.set(key, line);
    // Bounded: a long session with many progress messages keeps only the recent ones.
    if (this.lastProgressText.size > 200) {
      const oldest = this.lastProgressText.keys().next().value;
      if (oldest !== undefined) {
        this.lastProgressText.delete(oldest);
        this.lastProgressAt.delete(oldest);
      }
    }
  }

  /** Ends a progress line's life: the next update of that message starts a new line. */
  forgetProgress(key: string): void {
    this.lastProgressText.delete(key);
    this.lastProgressAt.delete(key);
    if (this.lastProgressKey === key) this.lastProgressKey = null;
  }

  showPrompt(): void {
    if (!this.interactive || this.prompt === null) return;
    this.promptShown = true;
    this.prompt.redraw();
  }

  /** The user pressed enter: the cursor is on a fresh line, below anything printed. */
  lineEntered(): void {
    this.promptShown = false;
    this.lastProgressKey = null;
  }
}
