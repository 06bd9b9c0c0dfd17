// Prometheus text for GET /metrics, read fresh from the store on each scrape.

import type { BackupSetState } from '../domain/types';
import type { Clock, Store } from '../ports';

export class Metrics {
  private readonly counters = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly gauges: () => Record<string, number>,
  ) {}

  count(name: string, labels: Record<string, string> = {}): void {
    const key = `${name}${labelText(labels)}`;
    this.counters.set(key, (this.counters.get(key) ?? 0) + 1);
  }

  async render(): Promise<string> {
    const lines: string[] = [];
    const sets = await this.store.listBackupSets();
    const byState = new Map<BackupSetState, number>();
    const bytes = new Map<string, number>();
    for (const s of sets) {
      byState.set(s.state, (byState.get(s.state) ?? 0) + 1);
      if (['FINISHED', 'PARTIAL', 'EXPIRING', 'DELETING'].includes(s.state)) bytes.set(s.instanceId, (bytes.get(s.instanceId) ?? 0) + (s.sizeBytes ?? 0));
    }
    lines.push('# HELP backup_bot_backup_sets Backup sets by state.', '# TYPE backup_bot_backup_sets gauge');
    for (const [state, n] of byState) lines.push(`backup_bot_backup_sets${labelText({ state })} ${n}`);
    lines.push('# HELP backup_bot_backup_bytes Bytes held on OSS by good backup sets, per instance.', '# TYPE backup_bot_backup_bytes gauge');
    for (const [instance, n] of bytes) lines.push(`backup_bot_backup_bytes${labelText({ instance })} ${n}`);
    const pending = await this.store.dueOutbox(new Date(this.clock.now().getTime() + 365 * 86400_000), 10_000);
    lines.push('# HELP backup_bot_outbox_pending Notifications not yet delivered.', '# TYPE backup_bot_outbox_pending gauge', `backup_bot_outbox_pending ${pending.length}`);
    for (const [name, value] of Object.entries(this.gauges())) lines.push(`# TYPE ${name} gauge`, `${name} ${value}`);
    if (this.counters.size) {
      const names = new Set([...this.counters.keys()].map((k) => k.split('{')[0] as string));
      for (const name of names) lines.push(`# TYPE ${name} counter`);
      for (const [key, value] of this.counters) lines.push(`${key} ${value}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

function labelText(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`).join(',')}}`;
}
