// Prometheus metrics (prom-client), one registry per bot: what an on-call engineer alerts on.
// Gauges about backups are read fresh from the store at each scrape; counters and the duration
// histogram are fed as things happen.

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { BACKUP_SET_STATES, GOOD, HOLDING_DATA } from '../domain/backup-set';
import type { BackupSet, Platform, RestoreRequest } from '../domain/types';
import type { Lease, Store } from '../ports';

export interface MetricsSources {
  store: Store;
  instanceIds: () => string[];
  scheduledInstances: () => number;
  lease: () => Lease | null;
}

export class BotMetrics {
  readonly registry = new Registry();
  private readonly runs: Counter<'result'>;
  private readonly duration: Histogram<'result'>;
  private readonly restoreRuns: Counter<'result'>;
  private readonly restoreDuration: Histogram<'result'>;
  private readonly chatErrors: Counter<'platform'>;
  private readonly controllerErrors: Counter<'controller'>;
  private readonly controllerSeconds: Histogram<'controller'>;
  private readonly leaseChanges: Counter;

  constructor(sources: MetricsSources, options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'backup_bot_' });
    this.runs = new Counter({ name: 'backup_bot_backup_runs_total', help: 'Backup runs that ended, by result (FINISHED, PARTIAL, FAILED).', labelNames: ['result'], registers });
    for (const result of ['FINISHED', 'PARTIAL', 'FAILED']) this.runs.inc({ result }, 0);
    this.duration = new Histogram({
      name: 'backup_bot_backup_duration_seconds',
      help: 'Duration of backup runs, from start to the last job finished.',
      labelNames: ['result'],
      buckets: [60, 300, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400],
      registers,
    });
    this.restoreRuns = new Counter({ name: 'backup_bot_restore_runs_total', help: 'Restores that ran (started after their approval and its checks), by result (FINISHED, FAILED).', labelNames: ['result'], registers });
    for (const result of ['FINISHED', 'FAILED']) this.restoreRuns.inc({ result }, 0);
    this.restoreDuration = new Histogram({
      name: 'backup_bot_restore_duration_seconds',
      help: 'Duration of restores, from start to the last job finished.',
      labelNames: ['result'],
      buckets: [60, 300, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400],
      registers,
    });
    this.chatErrors = new Counter({ name: 'backup_bot_chat_api_errors_total', help: 'Chat API calls that failed (the notification is retried).', labelNames: ['platform'], registers });
    this.controllerErrors = new Counter({ name: 'backup_bot_controller_errors_total', help: 'Reconcile steps of a controller that failed (retried with back-off).', labelNames: ['controller'], registers });
    this.controllerSeconds = new Histogram({ name: 'backup_bot_controller_reconcile_seconds', help: 'Time of one reconcile step, per controller.', labelNames: ['controller'], buckets: [0.005, 0.05, 0.5, 5, 60], registers });
    this.leaseChanges = new Counter({ name: 'backup_bot_lease_changes_total', help: 'Times this process became or stopped being the leader.', registers });

    new Gauge({
      name: 'backup_bot_leader',
      help: '1 while this process holds leadership and runs the controllers.',
      registers,
      collect() {
        this.set(sources.lease() ? 1 : 0);
      },
    });
    new Gauge({
      name: 'backup_bot_lease_epoch',
      help: 'Epoch of the lease this process holds (0 when it holds none).',
      registers,
      collect() {
        this.set(sources.lease()?.epoch ?? 0);
      },
    });
    new Gauge({
      name: 'backup_bot_scheduled_instances',
      help: 'Instances with an enabled backup schedule (cron job) on this process.',
      registers,
      collect() {
        this.set(sources.scheduledInstances());
      },
    });
    new Gauge({
      name: 'backup_bot_outbox_depth',
      help: 'Notifications not yet delivered.',
      registers,
      async collect() {
        this.set(await sources.store.outbox.depth());
      },
    });
    new Gauge({ name: 'backup_bot_backup_sets', help: 'Backup sets by state.', labelNames: ['state'], registers, collect: collectSets(sources, 'state') });
    new Gauge({ name: 'backup_bot_backup_bytes', help: 'Bytes on OSS held by backup sets, per instance.', labelNames: ['instance'], registers, collect: collectSets(sources, 'bytes') });
    new Gauge({
      name: 'backup_bot_last_good_backup_timestamp_seconds',
      help: 'Finish time of the newest good (FINISHED or PARTIAL) backup, per instance (0: none).',
      labelNames: ['instance'],
      registers,
      collect: collectSets(sources, 'lastGood'),
    });
  }

  backupEnded(set: BackupSet): void {
    this.runs.inc({ result: set.state });
    if (set.finishedAt) this.duration.observe({ result: set.state }, Math.max(0, (Date.parse(set.finishedAt) - Date.parse(set.startedAt)) / 1000));
  }

  /** A restore request that ended; only those that ran (were started) count as runs. */
  restoreEnded(request: RestoreRequest): void {
    if (request.startedAt === null || (request.state !== 'FINISHED' && request.state !== 'FAILED')) return;
    this.restoreRuns.inc({ result: request.state });
    if (request.finishedAt) this.restoreDuration.observe({ result: request.state }, Math.max(0, (Date.parse(request.finishedAt) - Date.parse(request.startedAt)) / 1000));
  }

  chatError(platform: Platform): void {
    this.chatErrors.inc({ platform });
  }

  controllerRan(name: string, seconds: number): void {
    this.controllerSeconds.observe({ controller: name }, seconds);
  }

  controllerFailed(name: string): void {
    this.controllerErrors.inc({ controller: name });
  }

  leadershipChanged(): void {
    this.leaseChanges.inc();
  }

  /** The Prometheus text exposition. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

type SetGauge = Gauge<string>;

function collectSets(sources: MetricsSources, what: 'state' | 'bytes' | 'lastGood'): (this: SetGauge) => Promise<void> {
  return async function (this: SetGauge) {
    const sets = await sources.store.backupSets.list();
    this.reset();
    if (what === 'state') {
      const counts = new Map(BACKUP_SET_STATES.map((s) => [s, 0]));
      for (const s of sets) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
      for (const [state, n] of counts) this.set({ state }, n);
      return;
    }
    const per = new Map(sources.instanceIds().map((id) => [id, 0]));
    for (const s of sets) {
      if (what === 'bytes' && HOLDING_DATA.includes(s.state)) per.set(s.instanceId, (per.get(s.instanceId) ?? 0) + (s.sizeBytes ?? 0));
      if (what === 'lastGood' && GOOD.includes(s.state) && s.finishedAt) per.set(s.instanceId, Math.max(per.get(s.instanceId) ?? 0, Date.parse(s.finishedAt) / 1000));
    }
    for (const [instance, n] of per) this.set({ instance }, n);
  };
}
