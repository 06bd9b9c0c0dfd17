// The backups (and restores) this process's chat commands started, by the platform of the command. A piped
// terminal session waits for its own to end before it leaves; a set resumed from an earlier
// process (or started by the schedule) does not hold it. A set counts as ended when its run
// ends here, or when the store no longer has it RUNNING (another process may have run it).

import type { Actor, BackupSet } from '../domain/types';

const LOOK_AGAIN_MS = 1000;

export class StartedHere {
  private readonly sets = new Map<string, Actor['platform']>();
  private wake: (() => void) | null = null;

  constructor(private readonly isRunning: (setId: string) => Promise<boolean>) {}

  /** A set was written: remembered when a command started it. */
  started(set: BackupSet, actor: Actor): void {
    if (set.trigger === 'manual') this.sets.set(set.id, actor.platform);
  }

  /** Other work a command started (a restore it approved), by its id. */
  startedWork(id: string, actor: Actor): void {
    if (actor.platform !== 'system') this.sets.set(id, actor.platform);
  }

  /** A set's run ended in this process. */
  endedHere(setId: string): void {
    this.sets.delete(setId);
    this.wake?.();
  }

  /** Resolves once every set that commands from `platform` started here has ended. */
  async ended(platform: Actor['platform']): Promise<void> {
    for (;;) {
      const mine = [...this.sets].filter(([, p]) => p === platform).map(([id]) => id);
      let waiting = false;
      for (const id of mine) {
        if (await this.isRunning(id)) waiting = true;
        else this.sets.delete(id);
      }
      if (!waiting) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, LOOK_AGAIN_MS);
        timer.unref();
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }
}
