// One cron job per enabled instance, in its time zone, rebuilt when its settings change.
// At start-up a run missed while the bot was down runs once (late) if its day has not ended;
// days missed entirely are announced. Runs due together start with jitter.

import type { InstanceConfig } from '../config/types';
import { formatLocal } from '../domain/format';
import { cronExpression, latestDueToday, localDay, missedDays } from '../domain/schedule';
import type { StoredSettings } from '../domain/types';
import type { Clock, Cron, CronJob, Logger, Store } from '../ports';
import type { Announcer } from '../services/announcer';
import type { BackupEngine } from '../services/backup/engine';
import type { InstanceDirectory } from '../services/instances';
import type { SettingsService } from '../services/settings';

const LAST_SEEN = 'scheduler.lastSeen';

export interface SchedulerDeps {
  cron: Cron;
  clock: Clock;
  store: Store;
  instances: InstanceDirectory;
  settings: SettingsService;
  engine: Pick<BackupEngine, 'startScheduled'>;
  announcer: Announcer;
  log: Logger;
  jitterMs: number;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
}

export class BackupScheduler {
  private readonly jobs = new Map<string, { expression: string; timezone: string; job: CronJob }>();
  private readonly pending = new Set<Promise<unknown>>();
  private heartbeat: NodeJS.Timeout | null = null;
  private running = false;

  constructor(private readonly deps: SchedulerDeps) {}

  get size(): number {
    return this.jobs.size;
  }

  isRunning(): boolean {
    return this.running;
  }

  /** Builds every instance's job, catches up what the downtime missed, and starts the heartbeat. */
  async start(): Promise<void> {
    this.running = true;
    const all = await this.deps.store.listSettings();
    const byId = new Map(all.map((s) => [s.instanceId, s]));
    for (const instance of this.deps.instances.list()) {
      const settings = byId.get(instance.id);
      if (settings) this.apply(instance, settings);
    }
    this.deps.settings.onChange((s) => {
      const instance = this.deps.instances.find(s.instanceId);
      if (instance && this.running) this.apply(instance, s);
    });
    await this.catchUp(byId);
    await this.beat();
    this.heartbeat = setInterval(() => void this.beat(), 60_000);
    this.heartbeat.unref();
  }

  stop(): void {
    this.running = false;
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const { job } of this.jobs.values()) job.stop();
    this.jobs.clear();
  }

  /** Resolves when the runs the scheduler has started so far were created (tests). */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  private async beat(): Promise<void> {
    await this.deps.store.setValue(LAST_SEEN, this.deps.clock.now().toISOString());
  }

  /** (Re)builds one instance's job; a disabled schedule removes it. */
  apply(instance: InstanceConfig, settings: StoredSettings): void {
    const expression = cronExpression(settings);
    const current = this.jobs.get(instance.id);
    if (current && current.expression === expression && current.timezone === instance.timezone) return;
    current?.job.stop();
    this.jobs.delete(instance.id);
    if (!expression) return;
    const job = this.deps.cron.schedule(expression, instance.timezone, (firedAt) => this.due(instance.id, firedAt));
    this.jobs.set(instance.id, { expression, timezone: instance.timezone, job });
    this.deps.log.info({ instanceId: instance.id, expression, timezone: instance.timezone }, 'backup schedule set');
  }

  /** The cron fired: start the day's set after a small jitter (the store enforces once a day). */
  due(instanceId: string, firedAt: Date): void {
    const instance = this.deps.instances.find(instanceId);
    if (!instance || !this.running) return;
    const day = localDay(firedAt, instance.timezone);
    const delay = Math.floor(this.deps.random() * this.deps.jitterMs);
    const run = (async () => {
      if (delay > 0) await this.deps.sleep(delay);
      if (!this.running) return;
      await this.deps.engine.startScheduled(instanceId, day, false);
    })().catch((err: unknown) => this.deps.log.error({ instanceId, day, err: err instanceof Error ? err.message : String(err) }, 'scheduled backup could not start'));
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
  }

  private async scheduledDayExists(instanceId: string, day: string): Promise<boolean> {
    const sets = await this.deps.store.listBackupSets({ instanceId });
    return sets.some((s) => s.trigger === 'scheduled' && s.scheduledDay === day);
  }

  private async catchUp(byId: Map<string, StoredSettings>): Promise<void> {
    const lastSeenText = await this.deps.store.getValue(LAST_SEEN);
    if (!lastSeenText) return; // first start: nothing can have been missed
    const lastSeen = new Date(lastSeenText);
    const now = this.deps.clock.now();
    for (const instance of this.deps.instances.list()) {
      const settings = byId.get(instance.id);
      if (!settings?.enabled) continue;
      for (const missed of missedDays(settings, instance.timezone, lastSeen, now)) {
        if (await this.scheduledDayExists(instance.id, missed.day)) continue;
        await this.deps.announcer.announce(instance.id, {
          visibility: 'channel',
          tone: 'warning',
          title: `Missed backup of ${instance.id}`,
          text: `⚠ The scheduled backup of *${instance.id}* for ${missed.day} (due ${formatLocal(missed.dueAt, instance.timezone)}) did not run: the bot was down the whole day. Run one now with /backup run ${instance.id} if needed.`,
        });
      }
      const today = latestDueToday(settings, instance.timezone, now);
      if (!today || today.dueAt <= lastSeen) continue;
      if (await this.scheduledDayExists(instance.id, today.day)) continue;
      const set = await this.deps.engine.startScheduled(instance.id, today.day, true);
      if (set) {
        await this.deps.announcer.announce(instance.id, {
          visibility: 'channel',
          tone: 'warning',
          title: `Late backup of ${instance.id}`,
          text: `The scheduled backup of *${instance.id}* was due ${formatLocal(today.dueAt, instance.timezone)} while the bot was down; it runs now, late: ${set.id}.`,
        });
      }
    }
  }
}
