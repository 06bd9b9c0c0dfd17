// One simulated StarRocks instance (its leader FE): executes statements against its catalog,
// repositories and job slots, and advances jobs one state per tick.

import { Catalog, tableRows } from './catalog';
import { SimFaults } from './faults';
import { JobHandler } from './jobs';
import { Repositories } from './repositories';
import {
  colocationGroups, describeAll, frontendConfig, like, selectSchema, showBackends, showDatabases, showGrants, showRoleGrants,
  showPartitions, SYSTEM_DATABASES, variables,
} from './show-results';
import { showSnapshot } from './snapshots';
import { parseStatement, type Statement } from './sql';
import type { ClusterState } from './state';
import { SqlError, type ResultSet, type SimInstanceSpec, type StatementResult } from './types';

export interface Session {
  user: string;
  db: string | null;
}

export function parseVersion(v: string): { major: number; minor: number; patch: number } {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(v);
  return { major: Number(m?.[1] ?? 0), minor: Number(m?.[2] ?? 0), patch: Number(m?.[3] ?? 0) };
}

const one = (column: string, value: string | null): ResultSet => ({ columns: [column], rows: [[value]] });

/** Statements that change what a restart keeps (catalog, repositories, job slots). */
const CHANGES_STATE: ReadonlySet<Statement['kind']> = new Set([
  'create_database', 'drop_database', 'create_repository', 'drop_repository', 'backup', 'restore', 'cancel_job',
]);

export class SimCluster {
  readonly catalog: Catalog;
  readonly faults = new SimFaults();
  readonly repositories: Repositories;
  readonly jobs: JobHandler;
  readonly version: { major: number; minor: number; patch: number };
  /** Statements received, all kinds. */
  queries = 0;
  /** When a test sets it, the text of every statement received over the wire (also dropped ones), in order. */
  received: string[] | null = null;
  /** Set by the server: closes every client connection of this instance. */
  dropConnections: () => void = () => undefined;
  /** Called after anything a restart keeps may have changed (the sandbox writes its file). */
  onChange: () => void = () => undefined;
  private readonly startedAt: Date;
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly spec: SimInstanceSpec,
    readonly now: () => Date,
    firstId: number,
  ) {
    this.version = parseVersion(spec.version);
    this.catalog = new Catalog(spec.databases, firstId);
    this.startedAt = now();
    const newId = () => this.catalog.newId();
    this.repositories = new Repositories({ newId, now, zone: spec.timeZone, regionHint: spec.ossRegionHint });
    const backendIds = Array.from({ length: spec.liveBackends }, (_, i) => 10_001 + i);
    this.jobs = new JobHandler(
      { now, newId, zone: spec.timeZone, catalog: this.catalog, repository: (n) => this.repositories.get(n), faults: this.faults, backendIds },
      { ...this.version, runMode: spec.runMode, enableBackupMaterializedView: spec.enableBackupMaterializedView },
    );
  }

  get id(): string {
    return this.spec.id;
  }

  /** BACKUP SNAPSHOT statements received, per snapshot name (accepted or refused). */
  get backupSubmissions(): ReadonlyMap<string, number> {
    return this.jobs.backupSubmissions;
  }

  get restoreSubmissions(): ReadonlyMap<string, number> {
    return this.jobs.restoreSubmissions;
  }

  /** Runs `steps` scheduler ticks (serialized with the automatic ticker). */
  advance(steps = 1): Promise<void> {
    for (let i = 0; i < steps; i++) {
      this.chain = this.chain
        .then(() => this.jobs.tick())
        .then(() => this.onChange())
        .catch(() => undefined);
    }
    return this.chain;
  }

  startTicker(stepMs: number): void {
    if (stepMs <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.advance(), stepMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.chain;
  }

  /** FE leader change: running jobs get new JobIds and resume from their last logged state. */
  leaderChange(opts: { dropConnections?: boolean } = {}): void {
    this.jobs.leaderChange();
    if (opts.dropConnections) this.dropConnections();
  }

  /** Job history aged out: the slots of finished jobs are emptied. */
  ageOutHistory(db?: string): void {
    this.jobs.ageOut(db);
  }

  async execute(sql: string, session: Session): Promise<StatementResult> {
    this.queries++;
    const statement = parseStatement(sql);
    try {
      return await this.run(statement, session);
    } finally {
      if (CHANGES_STATE.has(statement.kind)) this.onChange();
    }
  }

  /** What a restart of this FE keeps: catalog, repositories, job slots. */
  toState(): ClusterState {
    const catalog = this.catalog.toState();
    return { version: 1, instance: this.id, ...catalog, repositories: this.repositories.toState(), ...this.jobs.toState() };
  }

  /**
   * Comes back from a restart with a kept state: running jobs replay from their last logged
   * state with new JobIds and go on by themselves (reference §2.4).
   */
  async loadState(state: ClusterState, endpoint?: (kept: string) => string): Promise<void> {
    this.catalog.loadState(state);
    await this.repositories.loadState(state.repositories, endpoint);
    this.jobs.loadState(state);
  }

  private dbOf(name: string | null, session: Session): string {
    const db = name ?? session.db;
    if (!db) throw new SqlError('No database selected', 'analyzer');
    return db;
  }

  private table(dbName: string | null, name: string, session: Session) {
    const db = this.dbOf(dbName, session);
    if (!this.catalog.database(db)) throw new SqlError(`Unknown database '${db}'`, 'analyzer');
    const t = this.catalog.table(db, name);
    if (!t) throw new SqlError(`Unknown table '${db}.${name}'`, 'analyzer');
    return t;
  }

  private async run(s: Statement, session: Session): Promise<StatementResult> {
    const spec = this.spec;
    switch (s.kind) {
      case 'noop':
        return 'ok';
      case 'use':
        if (!this.catalog.database(s.db) && !SYSTEM_DATABASES.includes(s.db)) throw new SqlError(`Unknown database '${s.db}'`, 'analyzer');
        session.db = s.db;
        return 'ok';
      case 'select_vars': {
        const vars = variables(spec);
        return { columns: s.names.map((n) => `@@${n}`), rows: [s.names.map((n) => vars[n.toLowerCase()] ?? null)] };
      }
      case 'select_fn':
        if (s.fn === 'current_version') return one(s.label, `${spec.version} 6f1e4c2`);
        if (s.fn === 'database') return one(s.label, session.db);
        if (s.fn === 'version') return one(s.label, '5.1.0');
        if (s.fn === 'connection_id') return one(s.label, '1');
        return one(s.label, s.value);
      case 'select_count':
        return one('count(*)', String(tableRows(this.table(s.db, s.table, session))));
      case 'select_schema':
        return selectSchema(this.catalog, spec, s.table, s.columns, s.where);
      case 'show_variables': {
        const rows = Object.entries(variables(spec)).filter(([k]) => s.like === null || like(s.like, k));
        return { columns: ['Variable_name', 'Value'], rows };
      }
      case 'show_config':
        return frontendConfig(spec, this.version.major, this.version.minor, s.like);
      case 'show_backends':
        return showBackends(spec, this.startedAt);
      case 'show_grants':
        return s.role === null ? showGrants(spec, session.user) : showRoleGrants(spec, s.role);
      case 'show_databases':
        return showDatabases(this.catalog);
      case 'show_tables': {
        const db = this.dbOf(s.db, session);
        const tables = this.catalog.database(db)?.tables ?? [];
        const columns = s.full ? [`Tables_in_${db}`, 'Table_type'] : [`Tables_in_${db}`];
        return { columns, rows: tables.map((t) => (s.full ? [t.name, t.kind === 'VIEW' || t.kind === 'ASYNC_MV' ? 'VIEW' : 'BASE TABLE'] : [t.name])) };
      }
      case 'show_proc':
        if (s.path.replace(/\/$/, '') !== '/colocation_group') throw new SqlError(`Proc path '${s.path}' doesn't exist`, 'analyzer');
        return colocationGroups(this.catalog);
      case 'show_partitions':
        return showPartitions(this.table(s.db, s.table, session), s.temporary, spec.timeZone, this.now());
      case 'desc_all':
        return describeAll(this.table(s.db, s.table, session));
      case 'create_database':
        if (this.catalog.database(s.name) || SYSTEM_DATABASES.includes(s.name)) {
          if (s.ifNotExists) return 'ok';
          throw new SqlError(`Can't create database '${s.name}'; database exists`, 'plain');
        }
        this.catalog.createDatabase(s.name);
        return 'ok';
      case 'drop_database':
        if (!this.catalog.dropDatabase(s.name) && !s.ifExists) {
          throw new SqlError(`Can't drop database '${s.name}'; database doesn't exist`, 'plain');
        }
        return 'ok';
      case 'create_repository':
        await this.repositories.create(s);
        return 'ok';
      case 'drop_repository':
        this.repositories.drop(s.name, this.jobs.runningOn(s.name));
        return 'ok';
      case 'show_repositories':
        return this.repositories.show();
      case 'backup':
        await this.jobs.submitBackup(s, session.db);
        return 'ok';
      case 'restore':
        await this.jobs.submitRestore(s, session.db);
        return 'ok';
      case 'show_jobs':
        return this.jobs.show(s.job, this.dbOf(s.db, session));
      case 'cancel_job':
        this.jobs.cancel(s.job, this.dbOf(s.db, session));
        return 'ok';
      case 'show_snapshot': {
        const repo = this.repositories.get(s.repo);
        if (!repo) throw new SqlError(`Repository [${s.repo}] does not exist`, 'analyzer');
        if (s.badWhere) {
          throw new SqlError("Where clause should looks like: SNAPSHOT = 'your_snapshot_name' [AND TIMESTAMP = '2018-04-18-19-19-10']", 'analyzer');
        }
        return showSnapshot(repo, s.snapshot, s.timestamp);
      }
    }
  }
}
