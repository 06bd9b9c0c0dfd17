// The StarRocksClient on mysql2/promise.
//
// Syntax: the legacy forms that every version from 2.5 on accepts (reference §1-§4):
// `CREATE [READ ONLY] REPOSITORY r WITH BROKER ON LOCATION ... PROPERTIES (...)` (broker-less,
// 2.4/2.5+), `BACKUP SNAPSHOT db.s TO r ON (...) PROPERTIES (...)`, `RESTORE SNAPSHOT db.s FROM
// r [ON (...)] PROPERTIES (...)`, `SHOW BACKUP/RESTORE FROM db`, `SHOW SNAPSHOT ON r WHERE
// SNAPSHOT = '...'`. The 3.4+ forms (`BACKUP DATABASE`, `RESTORE ... DATABASE ... AS`) are not
// used: the bot always names its tables, and creates target databases itself before 3.4.

import { UserError } from '../../src/domain/errors';
import { OutsideError } from '../../src/domain/errors';
import { quoteIdentifier } from '../../src/domain/ids';
import type {
  BackupJob, Inventory, PartitionInfo, RepositoryInfo, RepositorySpec, RestoreJob, RunMode, SnapshotStatus, StarRocksClient,
  StarRocksConnection, StarRocksVersion,
} from '../../src/ports';
import { Frontends, type Row } from './frontends';
import { inventoryOf, userDatabases } from './inventory';
import { normalizeZone, parseBackupRow, parseRestoreRow, requireText, shownCell, text } from './rows';

const BACKUP_TIMESTAMP = /^\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}(-\d{3})?$/;

export function parseVersion(raw: string): StarRocksVersion {
  const first = raw.trim().split(/\s+/)[0] ?? '';
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(first);
  if (!m) throw new OutsideError('starrocks', 'protocol', `cannot read the StarRocks version from ${shownCell(raw)}`);
  return { raw: raw.trim(), major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) };
}

const q = {
  db: (name: string) => quoteIdentifier('database', name),
  table: (name: string) => quoteIdentifier('table', name),
  repo: (name: string) => quoteIdentifier('repository', name),
  snap: (name: string) => quoteIdentifier('snapshot', name),
};

function wholeSeconds(n: number, what: string): string {
  if (!Number.isInteger(n) || n <= 0) throw new UserError(`${what} must be a whole number of seconds, got ${n}`);
  return String(n);
}

/** `replication_num` from a PROPERTIES cell (JSON, or `"k" = "v"` pairs on some versions). */
export function replicationOf(properties: string | null): number | null {
  if (!properties) return null;
  const m = /"?replication_num"?\s*[:=]\s*"?(\d+)"?/.exec(properties);
  const n = m ? Number(m[1]) : NaN;
  return Number.isInteger(n) && n > 0 ? n : null;
}

function firstValue(rows: Row[]): string | null {
  const row = rows[0];
  if (!row) return null;
  const v = Object.values(row)[0];
  return v === null || v === undefined ? null : String(v);
}

export class MysqlStarRocksClient implements StarRocksClient {
  private readonly fe: Frontends;
  private zone: string | null;
  private cachedVersion: StarRocksVersion | null = null;

  constructor(conn: StarRocksConnection) {
    this.fe = new Frontends(conn);
    this.zone = conn.feTimeZone ?? null;
  }

  async version(): Promise<StarRocksVersion> {
    const raw = firstValue(await this.fe.query('SELECT current_version()'));
    if (raw === null) throw new OutsideError('starrocks', 'protocol', 'SELECT current_version() returned nothing');
    this.cachedVersion = parseVersion(raw);
    return this.cachedVersion;
  }

  private async knownVersion(): Promise<StarRocksVersion> {
    return this.cachedVersion ?? this.version();
  }

  private async config(key: string): Promise<string | null> {
    const rows = await this.fe.query(`ADMIN SHOW FRONTEND CONFIG LIKE ?`, [key]);
    const row = rows.find((r) => text(r, 'Key') === key);
    return row ? text(row, 'Value') : null;
  }

  /** §6.1: an empty answer means shared-nothing only on 2.5; on 3.0+ it means missing privileges. */
  async runMode(): Promise<RunMode> {
    const value = await this.config('run_mode');
    if (value === 'shared_data' || value === 'shared_nothing') return value;
    if (value !== null) throw new OutsideError('starrocks', 'protocol', `unknown run_mode ${shownCell(value)}`);
    const v = await this.knownVersion();
    if (v.major < 3) return 'shared_nothing';
    throw new OutsideError(
      'starrocks',
      'privileges',
      `ADMIN SHOW FRONTEND CONFIG returned no run_mode on StarRocks ${v.major}.${v.minor}: the user needs the OPERATE privilege (GRANT OPERATE ON SYSTEM TO ...)`,
    );
  }

  /** The FE JVM's zone (`system_time_zone`), in which job times and backup timestamps are written. */
  async timeZone(): Promise<string> {
    const rows = await this.fe.query('SELECT @@system_time_zone, @@time_zone');
    const row = rows[0] ?? {};
    const zone = text(row, '@@system_time_zone') || text(row, '@@time_zone');
    if (!zone) throw new OutsideError('starrocks', 'protocol', 'the FE reported no time zone');
    return zone;
  }

  private async feZone(): Promise<string> {
    if (!this.zone) this.zone = normalizeZone(await this.timeZone());
    return this.zone;
  }

  async liveBackends(): Promise<number> {
    const rows = await this.fe.query('SHOW BACKENDS');
    return rows.filter((r) => (text(r, 'Alive') ?? '').toLowerCase() === 'true').length;
  }

  async privileges(): Promise<string[]> {
    const rows = await this.fe.query('SHOW GRANTS');
    return rows.flatMap((r) => {
      const grants = text(r, 'Grants');
      if (grants !== null) return [grants];
      // 2.5's layout: one column per privilege level.
      return Object.entries(r)
        .filter(([k, v]) => /Privs$/.test(k) && typeof v === 'string' && v !== '')
        .map(([k, v]) => `${k}: ${String(v)}`);
    });
  }

  async roleGrants(role: string): Promise<string[]> {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(role)) throw new UserError(`role names are letters, digits, underscores, dots and hyphens; got ${JSON.stringify(role.slice(0, 64))}`);
    const rows = await this.fe.query(`SHOW GRANTS FOR ROLE \`${role}\``);
    return rows.map((r) => text(r, 'Grants')).filter((g): g is string => g !== null && g !== '');
  }

  async inventory(): Promise<Inventory> {
    const v = await this.knownVersion();
    const atLeast323 = v.major > 3 || (v.major === 3 && (v.minor > 2 || (v.minor === 2 && v.patch >= 3)));
    const mvSwitch = atLeast323 ? await this.config('enable_backup_materialized_view') : null;
    const databases = await inventoryOf(this.fe, await userDatabases(this.fe));
    return { databases, backsUpAsyncMaterializedViews: atLeast323 && mvSwitch === 'true' };
  }

  async databaseExists(database: string): Promise<boolean> {
    q.db(database);
    const rows = await this.fe.query('SHOW DATABASES');
    return rows.some((r) => text(r, 'Database') === database);
  }

  async createDatabase(database: string): Promise<void> {
    await this.fe.query(`CREATE DATABASE ${q.db(database)}`, [], { changesState: true });
  }

  async dropDatabase(database: string): Promise<void> {
    await this.fe.query(`DROP DATABASE ${q.db(database)}`, [], { changesState: true });
  }

  async ensureRepository(spec: RepositorySpec): Promise<'created' | 'exists'> {
    const name = q.repo(spec.name);
    const rows = await this.fe.query('SHOW REPOSITORIES');
    const location = spec.location.replace(/\/+$/, '');
    const existing = rows.find((r) => text(r, 'RepoName') === spec.name);
    if (existing) {
      // A repository of that name pointing elsewhere would send backups to a place the bot does
      // not look at (and does not measure or expire): refuse, never guess.
      const where = (text(existing, 'Location') ?? '').replace(/\/+$/, '');
      const readOnly = text(existing, 'IsReadOnly') === 'true';
      if (where !== location) {
        throw new OutsideError('starrocks', 'other', `the StarRocks repository ${spec.name} exists but points at ${where || 'an unknown location'}, not at ${location} as configured; drop it (DROP REPOSITORY ${spec.name}: the objects on OSS stay) or fix the configuration`);
      }
      if (readOnly && !spec.readOnly) {
        throw new OutsideError('starrocks', 'repository_read_only', `the StarRocks repository ${spec.name} exists but is read-only; backups cannot be written to it`);
      }
      return 'exists';
    }
    if (!/^oss:\/\/[a-z0-9][a-z0-9-]{1,61}[a-z0-9](\/[^\s"'\\]*)?$/.test(location)) {
      throw new UserError(`repository location must look like oss://bucket/path, got ${JSON.stringify(spec.location)}`);
    }
    const endpoint = spec.endpoint.replace(/^https?:\/\//, '').replace(/\/+$/, '');
    const sql =
      `CREATE ${spec.readOnly ? 'READ ONLY ' : ''}REPOSITORY ${name} WITH BROKER ON LOCATION ? ` +
      `PROPERTIES ("fs.oss.accessKeyId" = ?, "fs.oss.accessKeySecret" = ?, "fs.oss.endpoint" = ?)`;
    try {
      await this.fe.query(sql, [location, spec.accessKeyId, spec.accessKeySecret, endpoint], { changesState: true, what: `CREATE REPOSITORY ${spec.name}` });
    } catch (err) {
      if (err instanceof OutsideError) throw new OutsideError('starrocks', err.kind, err.message.split(spec.accessKeySecret).join('***'), err.cause);
      throw err;
    }
    return 'created';
  }

  async repositories(): Promise<RepositoryInfo[]> {
    const rows = await this.fe.query('SHOW REPOSITORIES');
    return rows.map((r) => ({
      name: requireText(r, 'RepoName', 'SHOW REPOSITORIES'),
      location: (text(r, 'Location') ?? '').replace(/\/+$/, ''),
      readOnly: text(r, 'IsReadOnly') === 'true',
    }));
  }

  /** From `information_schema.tables_config` (§7.2): each table's PROPERTIES carry `replication_num`. */
  async replicationNum(databases: string[]): Promise<number | null> {
    let highest: number | null = null;
    for (const db of databases) {
      q.db(db);
      const rows = await this.fe.query('SELECT TABLE_NAME, PROPERTIES FROM information_schema.tables_config WHERE TABLE_SCHEMA = ?', [db]);
      for (const r of rows) {
        const n = replicationOf(text(r, 'PROPERTIES'));
        if (n !== null && (highest === null || n > highest)) highest = n;
      }
    }
    return highest;
  }

  async dropRepository(name: string): Promise<void> {
    await this.fe.query(`DROP REPOSITORY ${q.repo(name)}`, [], { changesState: true });
  }

  async submitBackup(req: { database: string; snapshotName: string; repository: string; tables: string[]; timeoutSeconds: number }): Promise<void> {
    if (req.tables.length === 0) throw new UserError(`nothing to back up in ${req.database}: no table given`);
    const on = req.tables.map(q.table).join(', ');
    const sql =
      `BACKUP SNAPSHOT ${q.db(req.database)}.${q.snap(req.snapshotName)} TO ${q.repo(req.repository)} ON (${on}) ` +
      `PROPERTIES ("type" = "full", "timeout" = "${wholeSeconds(req.timeoutSeconds, 'backup timeout')}")`;
    await this.fe.query(sql, [], { changesState: true, what: `BACKUP SNAPSHOT ${req.database}.${req.snapshotName}` });
  }

  /** The job in the database's slot when it is this snapshot's backup; null otherwise (§2.5). */
  async findBackupJob(database: string, snapshotName: string): Promise<BackupJob | null> {
    const rows = await this.fe.query(`SHOW BACKUP FROM ${q.db(database)}`);
    const row = rows[0];
    if (!row || requireText(row, 'SnapshotName', 'SHOW BACKUP') !== snapshotName) return null;
    return parseBackupRow(row, await this.feZone());
  }

  async backupSlot(database: string): Promise<BackupJob | null> {
    const rows = await this.fe.query(`SHOW BACKUP FROM ${q.db(database)}`);
    const row = rows[0];
    return row ? parseBackupRow(row, await this.feZone()) : null;
  }

  async showSnapshot(repository: string, snapshotName: string): Promise<SnapshotStatus> {
    q.snap(snapshotName);
    const rows = await this.fe.query(`SHOW SNAPSHOT ON ${q.repo(repository)} WHERE SNAPSHOT = ?`, [snapshotName]);
    const row = rows.find((r) => text(r, 'Snapshot') === snapshotName);
    if (!row) return { snapshotName, timestamps: [], status: 'ERROR: no snapshot' };
    const timestamps = (text(row, 'Timestamp') ?? '').split('\n').map((t) => t.trim()).filter((t) => t !== '');
    return { snapshotName, timestamps, status: text(row, 'Status') ?? '' };
  }

  async submitRestore(req: {
    database: string; snapshotName: string; repository: string; backupTimestamp: string; tables: string[]; replicationNum: number; timeoutSeconds: number;
  }): Promise<void> {
    if (!BACKUP_TIMESTAMP.test(req.backupTimestamp)) {
      throw new UserError(`backup timestamp must look like 2024-12-09-10-25-58-842, got ${shownCell(req.backupTimestamp)}`);
    }
    if (!Number.isInteger(req.replicationNum) || req.replicationNum < 1) throw new UserError(`replication number must be 1 or more, got ${req.replicationNum}`);
    const on = req.tables.length > 0 ? ` ON (${req.tables.map(q.table).join(', ')})` : '';
    const sql =
      `RESTORE SNAPSHOT ${q.db(req.database)}.${q.snap(req.snapshotName)} FROM ${q.repo(req.repository)}${on} ` +
      `PROPERTIES ("backup_timestamp" = ?, "replication_num" = "${req.replicationNum}", "timeout" = "${wholeSeconds(req.timeoutSeconds, 'restore timeout')}")`;
    await this.fe.query(sql, [req.backupTimestamp], { changesState: true, what: `RESTORE SNAPSHOT ${req.database}.${req.snapshotName}` });
  }

  async restoreSlotTaken(database: string): Promise<boolean> {
    return (await this.fe.query(`SHOW RESTORE FROM ${q.db(database)}`)).length > 0;
  }

  async findRestoreJob(database: string, snapshotName: string): Promise<RestoreJob | null> {
    const rows = await this.fe.query(`SHOW RESTORE FROM ${q.db(database)}`);
    const row = rows[0];
    if (!row || requireText(row, 'Label', 'SHOW RESTORE') !== snapshotName) return null;
    return parseRestoreRow(row, await this.feZone());
  }

  async partitions(database: string, table: string): Promise<PartitionInfo[]> {
    const rows = await this.fe.query(`SHOW PARTITIONS FROM ${q.db(database)}.${q.table(table)}`);
    return rows.map((r) => {
      const rowCount = text(r, 'RowCount');
      return {
        name: requireText(r, 'PartitionName', 'SHOW PARTITIONS'),
        visibleVersion: Number(requireText(r, 'VisibleVersion', 'SHOW PARTITIONS')),
        rowCount: rowCount === null || rowCount === '' ? null : Number(rowCount),
      };
    });
  }

  async countRows(database: string, table: string): Promise<number> {
    const v = firstValue(await this.fe.query(`SELECT COUNT(*) FROM ${q.db(database)}.${q.table(table)}`));
    const n = Number(v);
    if (v === null || !Number.isFinite(n)) throw new OutsideError('starrocks', 'protocol', `COUNT(*) of ${database}.${table} returned ${String(v)}`);
    return n;
  }

  close(): Promise<void> {
    return this.fe.close();
  }
}
