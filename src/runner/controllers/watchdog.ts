// Silence must never mean safety: an enabled instance without a good backup for longer than
// its schedule allows is announced once, then daily until a backup succeeds.

import { formatDuration, formatLocal } from '../../domain/format';
import { watchdogAllowanceMs } from '../../domain/schedule';
import type { Clock, Store } from '../../ports';
import type { Reply } from '../../reply';
import type { Announcer } from '../../services/announcer';
import type { BackupCatalog } from '../../services/catalog';
import type { InstanceDirectory } from '../../services/instances';
import type { Controller } from '../controller';

const DAY_MS = 24 * 3600_000;

export class WatchdogController implements Controller {
  readonly name = 'watchdog';
  readonly intervalMs = 10 * 60_000;

  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      instances: InstanceDirectory;
      catalog: BackupCatalog;
      announcer: Announcer;
    },
  ) {}

  async reconcile(): Promise<void> {
    await this.check();
  }

  /** Returns the instances alerted this time. */
  async check(): Promise<string[]> {
    const { store, clock, instances, catalog, announcer } = this.deps;
    const now = clock.now();
    const alerts = { ...((await store.runnerState.get('watchdogAlerts')) ?? {}) };
    let before = JSON.stringify(alerts);
    const alerted: string[] = [];
    for (const instance of instances.list()) {
      const settings = await store.settings.get(instance.id);
      if (!settings?.enabled) {
        delete alerts[instance.id];
        continue;
      }
      const last = await catalog.lastGood(instance.id);
      const since = last?.finishedAt ? new Date(last.finishedAt) : settings.updatedAt ? new Date(settings.updatedAt) : null;
      if (!since) continue;
      const allowance = watchdogAllowanceMs(settings);
      if (now.getTime() - since.getTime() <= allowance) {
        delete alerts[instance.id];
        continue;
      }
      const previous = alerts[instance.id];
      if (previous && now.getTime() - new Date(previous).getTime() < DAY_MS) continue;
      alerts[instance.id] = now.toISOString();
      const saved = { ...alerts };
      const alert: Reply = {
        visibility: 'channel',
        tone: 'error',
        title: `No good backup of ${instance.id}`,
        text: last
          ? `⚠ *${instance.id}* has had no good backup for ${formatDuration(now.getTime() - since.getTime())}: the last one is ${last.id}, finished ${formatLocal(since, instance.timezone)}. Its schedule allows ${formatDuration(allowance)}. Check /backup list ${instance.id} and /backup tasks ${instance.id}.`
          : `⚠ *${instance.id}* has backups enabled but no good backup yet, ${formatDuration(now.getTime() - since.getTime())} after they were enabled (its schedule allows ${formatDuration(allowance)}). Check /backup tasks ${instance.id}.`,
        notes: ['Repeated daily until a backup succeeds.'],
      };
      // The alert and the record that it was sent land together: a restart repeats none.
      await store.atomically(async (tx) => {
        await announcer.announce(instance.id, alert, null, tx);
        await tx.runnerState.set('watchdogAlerts', saved);
      });
      before = JSON.stringify(alerts);
      alerted.push(instance.id);
    }
    if (JSON.stringify(alerts) !== before) await store.runnerState.set('watchdogAlerts', alerts);
    return alerted;
  }
}
