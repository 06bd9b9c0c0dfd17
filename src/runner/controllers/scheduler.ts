// One cron job per enabled instance, in its time zone, kept in step with the stored settings at
// every reconcile (and at once when settings change: the settings service kicks it). The first
// reconcile after this process became the leader catches up: a run missed while no bot ran is
// run once (late) if its day has not ended; days missed entirely are announced. Runs due together
// start with jitter; the store's once-a-day rule keeps a day to one good set.

import { holdsItsDay } from '../../domain/backup-set';
import { formatLocal } from '../../domain/format';
import { cronExpression, latestDueToday, localDay, missedDays } from '../../domain/schedule';
import type { StoredSettings } from '../../domain/types';
import type { Clock, Cron, CronJob, Logger, Store } from '../../ports';
import type { Announcer } from '../../services/announcer';
import type { BackupService } from '../../services/backup/service';
import type { InstanceDirectory } from '../../services/instances';
import type { Controller } from '../controller';

export interface SchedulerDeps {
  cron: Cron;
  clock: Clock;
  store: Store;
  instances: InstanceDirectory;
  backups: Pick<BackupService, 'startScheduled'>;
  announcer: Announcer;
  log: Logger;
  jitterMs: number;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Instances released with `/backup release`: no schedule. */
  released?: () => Promise<ReadonlySet<string>>;
}

export class SchedulerController implements Controller {
  readonly name = 'scheduler';
  readonly intervalMs = 60_000;
  private readonly jobs = new Map<string, { expression: string; timezone: string; job: CronJob }>();
  private readonly pending = new Set<Promise<unknown>>();
  private caughtUp = false;
  private active = false;

  constructor(private readonly deps: SchedulerDeps) {}

  /** Instances with a cron job now. */
  get size(): number {
    return this.jobs.size;
  }

  get isRunning(): boolean {
    return this.active;
  }

  async reconcile(): Promise<void> {
    this.active = true;
    const byId = new Map((await this.deps.store.settings.list()).map((s) => [s.instanceId, s]));
    for (const id of (await this.deps.released?.()) ?? []) byId.delete(id);
    for (const instance of this.deps.instances.list()) this.apply(instance.id, instance.timezone, byId.get(instance.id) ?? null);
    for (const id of this.jobs.keys()) if (!this.deps.instances.has(id)) this.apply(id, '', null);
    if (!this.caughtUp) {
      await this.catchUp(byId);
      this.caughtUp = true;
    }
    await this.deps.store.runnerState.set('schedulerLastSeen', this.deps.clock.now().toISOString());
  }

  async stop(): Promise<void> {
    this.active = false;
    this.caughtUp = false;
    for (const { job } of this.jobs.values()) job.stop();
    this.jobs.clear();
    await this.settled();
  }

  /** Resolves when the runs the scheduler has started so far were created. */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  /** (Re)builds one instance's job; disabled or gone removes it. */
  private apply(instanceId: string, timezone: string, settings: StoredSettings | null): void {
    const expression = settings ? cronExpression(settings) : null;
    const current = this.jobs.get(instanceId);
    if (current && current.expression === expression && current.timezone === timezone) return;
    current?.job.stop();
    this.jobs.delete(instanceId);
    if (!expression) return;
    const job = this.deps.cron.schedule(expression, timezone, (firedAt) => this.due(instanceId, firedAt));
    this.jobs.set(instanceId, { expression, timezone, job });
    this.deps.log.info({ instanceId, expression, timezone }, 'backup schedule set');
  }

  /** The cron fired: start the day's set after a small jitter. */
  due(instanceId: string, firedAt: Date): void {
    const instance = this.deps.instances.find(instanceId);
    if (!instance || !this.active) return;
    const day = this.localDayOf(firedAt, instance.timezone);
    const delay = Math.floor(this.deps.random() * this.deps.jitterMs);
    const run = (async () => {
      if (delay > 0) await this.deps.sleep(delay);
      if (!this.active) return;
      await this.deps.backups.startScheduled(instanceId, day, false);
    })().catch((err: unknown) => this.deps.log.error({ event: 'schedule.error', instanceId, day, err: err instanceof Error ? err.message : String(err) }, 'scheduled backup could not start'));
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
  }

  /** localDay, remembered for the last firing: a shared task fires many instances in a few zones. */
  private firedDays: { at: number; days: Map<string, string> } = { at: Number.NaN, days: new Map() };
  private localDayOf(firedAt: Date, timezone: string): string {
    if (this.firedDays.at !== firedAt.getTime()) this.firedDays = { at: firedAt.getTime(), days: new Map() };
    let day = this.firedDays.days.get(timezone);
    if (day === undefined) {
      day = localDay(firedAt, timezone);
      this.firedDays.days.set(timezone, day);
    }
    return day;
  }

  /** The scheduled sets of a local day (any state). */
  private async setsOfDay(instanceId: string, day: string): Promise<{ ran: boolean; held: boolean }> {
    const sets = (await this.deps.store.backupSets.list({ instanceId })).filter((s) => s.trigger === 'scheduled' && s.scheduledDay === day);
    // A set running or good holds the day; a FAILED one ran, but gave its day back.
    return { ran: sets.length > 0, held: sets.some(holdsItsDay) };
  }

  private async catchUp(byId: Map<string, StoredSettings>): Promise<void> {
    const lastSeenText = await this.deps.store.runnerState.get('schedulerLastSeen');
    if (!lastSeenText) return; // first start: nothing can have been missed
    const lastSeen = new Date(lastSeenText);
    const now = this.deps.clock.now();
    // What was missed depends on the schedule and the zone only: computed once per distinct pair.
    const dueOf = new Map<string, { missed: ReturnType<typeof missedDays>; today: ReturnType<typeof latestDueToday> }>();
    for (const instance of this.deps.instances.list()) {
      const settings = byId.get(instance.id);
      if (!settings?.enabled) continue;
      const key = `${instance.timezone}|${settings.time}|${settings.weekdays.join(',')}`;
      let due = dueOf.get(key);
      if (!due) {
        due = { missed: missedDays(settings, instance.timezone, lastSeen, now), today: latestDueToday(settings, instance.timezone, now) };
        dueOf.set(key, due);
      }
      for (const missed of due.missed) {
        if ((await this.setsOfDay(instance.id, missed.day)).ran) continue;
        await this.deps.announcer.announce(instance.id, {
          visibility: 'channel',
          tone: 'warning',
          title: `Missed backup of ${instance.id}`,
          text: `⚠ The scheduled backup of *${instance.id}* for ${missed.day} (due ${formatLocal(missed.dueAt, instance.timezone)}) did not run: the bot was down the whole day. Run one now with /backup run ${instance.id} if needed.`,
        });
      }
      const today = due.today;
      if (!today || today.dueAt <= lastSeen) continue;
      if ((await this.setsOfDay(instance.id, today.day)).held) continue;
      const set = await this.deps.backups.startScheduled(instance.id, today.day, true);
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
