// `/backup verify rs-...`: per restored table and partition, what the snapshot recorded in its
// metadata on OSS (the `__info_` file: partition versions, and row counts where recorded) beside
// what the target holds now; with `full`, a COUNT(*) per table too. A snapshot whose metadata is
// gone or unreadable, a table or partition missing on the target, a different version or row
// count: each is a mismatch, listed first.

import { ConflictError, OutsideError } from '../../domain/errors';
import type { Actor, RestoreRequest } from '../../domain/types';
import type { PartitionInfo, SnapshotInfoFile } from '../../ports';
import { type RestoreDeps, setOf } from './deps';
import { snapshotSource } from './source';

export interface VerifyLine {
  database: string;
  table: string;
  /** Null for a line about the whole table (missing, COUNT(*)). */
  partition: string | null;
  ok: boolean;
  detail: string;
}

export interface VerifyReport {
  request: RestoreRequest;
  full: boolean;
  tables: number;
  partitions: number;
  /** Mismatches first. */
  lines: VerifyLine[];
  mismatches: number;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class RestoreVerifier {
  constructor(private readonly deps: RestoreDeps) {}

  /** The progress of a full check (it counts rows) and the result go to the target's channel, one message. */
  private async tell(request: RestoreRequest, text: string, tone: 'info' | 'success' | 'error'): Promise<void> {
    await this.deps.announcer.announce(request.targetInstanceId, { visibility: 'channel', tone, title: `Verify ${request.id}`, text }, `verify:${request.id}`);
  }

  async verify(actor: Actor, id: string, full: boolean): Promise<VerifyReport> {
    const request = await this.deps.store.restores.get(id);
    if (!request) throw new ConflictError(`there is no restore request ${id}`);
    const restored = request.jobs.filter((j) => j.state === 'FINISHED');
    if (request.state !== 'FINISHED' && request.state !== 'FAILED') {
      throw new ConflictError(`${id} is ${request.state.toLowerCase().replace('_', ' ')}; a restore can be verified once it has ended`);
    }
    if (restored.length === 0) throw new ConflictError(`${id} restored no database (it ${request.state.toLowerCase()}), so there is nothing to verify`);
    const target = this.deps.instances.get(request.targetInstanceId);
    const set = await setOf(this.deps.store, request);
    const source = snapshotSource(set, this.deps.instances, this.deps.clusters);
    const client = this.deps.clusters.client(target);
    const lines: VerifyLine[] = [];
    let partitions = 0;
    const total = restored.reduce((n, j) => n + j.tables.length, 0);
    let done = 0;
    const who = actor.displayName ?? actor.userId;
    if (full) await this.tell(request, `Verifying *${id}* for ${who}: counting the rows of ${total} tables on ${request.targetInstanceId}…`, 'info');
    for (const job of restored) {
      let info: SnapshotInfoFile | null;
      try {
        info = await source.objects.readSnapshotInfo(source.root, job.snapshotName);
      } catch (err) {
        info = null;
        lines.push({ database: job.database, table: '*', partition: null, ok: false, detail: `the snapshot's metadata on OSS could not be read: ${errorText(err)}` });
      }
      if (info === null && !lines.some((l) => l.database === job.database)) {
        lines.push({ database: job.database, table: '*', partition: null, ok: false, detail: `the snapshot's metadata (__info_ of ${job.snapshotName}) is missing on OSS` });
      }
      for (const table of job.tables) {
        const recorded = info?.tables.find((t) => t.name === table) ?? null;
        if (info && !recorded) lines.push({ database: job.database, table, partition: null, ok: false, detail: 'not recorded in the snapshot metadata' });
        const found = await this.compareTable(client, job.database, table, recorded, lines);
        partitions += recorded?.partitions.length ?? 0;
        if (full && found) await this.countRows(client, job.database, table, recorded, lines);
        done += 1;
        if (full && done < total) await this.tell(request, `Verifying *${id}* for ${who}: ${done}/${total} tables counted (${job.database}.${table} last).`, 'info');
      }
    }
    lines.sort((a, b) => Number(a.ok) - Number(b.ok));
    const report: VerifyReport = { request, full, tables: total, partitions, lines, mismatches: lines.filter((l) => !l.ok).length };
    await this.tell(
      request,
      `${report.mismatches ? '✖' : '✔'} *${id}* verified by ${who}${full ? ' (with a full row count)' : ''}: ${report.mismatches} mismatch${report.mismatches === 1 ? '' : 'es'} in ${total} tables and ${partitions} partitions${report.mismatches ? '; see /backup verify ' + id : ''}.`,
      report.mismatches ? 'error' : 'success',
    );
    await this.deps.audit.record({ actor, action: 'restore.verify', instanceId: request.targetInstanceId, subject: id, after: { full, tables: total, partitions, mismatches: report.mismatches } });
    this.deps.log.info({ event: 'restore.verified', restoreId: id, full, mismatches: report.mismatches }, 'restore verified');
    return report;
  }

  /** Partition by partition; false when the table is missing on the target. */
  private async compareTable(client: ReturnType<RestoreDeps['clusters']['client']>, database: string, table: string, recorded: SnapshotInfoFile['tables'][number] | null, lines: VerifyLine[]): Promise<boolean> {
    let actual: PartitionInfo[];
    try {
      actual = await client.partitions(database, table);
    } catch (err) {
      if (err instanceof OutsideError && (err.kind === 'unreachable' || err.kind === 'timeout')) throw err;
      lines.push({ database, table, partition: null, ok: false, detail: `missing on the target (${errorText(err)})` });
      return false;
    }
    for (const p of recorded?.partitions ?? []) {
      const got = actual.find((a) => a.name === p.name);
      if (!got) {
        lines.push({ database, table, partition: p.name, ok: false, detail: `missing on the target (the snapshot has version ${p.version})` });
        continue;
      }
      const problems: string[] = [];
      if (got.visibleVersion !== p.version) problems.push(`version ${got.visibleVersion}, the snapshot recorded ${p.version}`);
      if (p.rowCount !== null && got.rowCount !== null && got.rowCount !== p.rowCount) problems.push(`${got.rowCount} rows, the snapshot recorded ${p.rowCount}`);
      const rows = p.rowCount !== null ? `, ${p.rowCount} rows` : ' (rows not recorded)';
      lines.push({ database, table, partition: p.name, ok: problems.length === 0, detail: problems.length ? problems.join('; ') : `version ${p.version}${rows}` });
    }
    for (const extra of actual.filter((a) => recorded && !recorded.partitions.some((p) => p.name === a.name))) {
      lines.push({ database, table, partition: extra.name, ok: false, detail: 'on the target but not in the snapshot' });
    }
    return true;
  }

  private async countRows(client: ReturnType<RestoreDeps['clusters']['client']>, database: string, table: string, recorded: SnapshotInfoFile['tables'][number] | null, lines: VerifyLine[]): Promise<void> {
    const counts = recorded?.partitions.map((p) => p.rowCount) ?? [];
    const expected = counts.length > 0 && counts.every((c) => c !== null) ? counts.reduce<number>((n, c) => n + (c ?? 0), 0) : null;
    try {
      const rows = await client.countRows(database, table);
      const ok = expected === null || rows === expected;
      lines.push({ database, table, partition: null, ok, detail: `COUNT(*) = ${rows}${expected === null ? ' (the snapshot recorded no row counts)' : ok ? '' : `, the snapshot recorded ${expected}`}` });
    } catch (err) {
      lines.push({ database, table, partition: null, ok: false, detail: `COUNT(*) failed: ${errorText(err)}` });
    }
  }
}
