// Silence must never mean safety: an enabled instance without a good backup for longer than
// its schedule allows is announced once, then daily until a backup succeeds.

import { formatDuration, formatLocal } from '../domain/format';
import { watchdogAllowanceMs } from '../domain/schedule';
import type { Clock, Logger, Store } from '../ports';
import type { Announcer } from '../services/announcer';
import type { BackupCatalog } from '../services/catalog';
import type { InstanceDirectory } from '../services/instances';

const DAY_MS = 24 * 3600_000;

export class Watchdog {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      instances: InstanceDirectory;
      catalog: BackupCatalog;
      announcer: Announcer;
      log: Logger;
    },
  ) {}

  start(intervalMs = 10 * 60_000): void {
    this.timer = setInterval(() => {
      this.check().catch((err: unknown) => this.deps.log.error({ err: err instanceof Error ? err.message : String(err) }, 'watchdog check failed'));
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Returns the instances alerted this time. */
  async check(): Promise<string[]> {
    const { store, clock, instances, catalog, announcer } = this.deps;
    const now = clock.now();
    const alerted: string[] = [];
    for (const instance of instances.list()) {
      const settings = await store.getSettings(instance.id);
      const key = `watchdog.${instance.id}`;
      if (!settings?.enabled) continue;
      const last = await catalog.lastGood(instance.id);
      const since = last?.finishedAt ? new Date(last.finishedAt) : settings.updatedAt ? new Date(settings.updatedAt) : null;
      if (!since) continue;
      const allowance = watchdogAllowanceMs(settings);
      if (now.getTime() - since.getTime() <= allowance) {
        if (await store.getValue(key)) await store.setValue(key, '');
        continue;
      }
      const previous = await store.getValue(key);
      if (previous && now.getTime() - new Date(previous).getTime() < DAY_MS) continue;
      await announcer.announce(instance.id, {
        visibility: 'channel',
        tone: 'error',
        title: `No good backup of ${instance.id}`,
        text: last
          ? `⚠ *${instance.id}* has had no good backup for ${formatDuration(now.getTime() - since.getTime())}: the last one is ${last.id}, finished ${formatLocal(since, instance.timezone)}. Its schedule allows ${formatDuration(allowance)}. Check /backup list ${instance.id} and /backup tasks ${instance.id}.`
          : `⚠ *${instance.id}* has backups enabled but no good backup yet, ${formatDuration(now.getTime() - since.getTime())} after they were enabled (its schedule allows ${formatDuration(allowance)}). Check /backup tasks ${instance.id}.`,
        notes: ['Repeated daily until a backup succeeds.'],
      });
      await store.setValue(key, now.toISOString());
      alerted.push(instance.id);
    }
    return alerted;
  }
}
