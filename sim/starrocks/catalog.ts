// The FE catalog of one simulated instance: databases, tables, partitions, indexes, tablets,
// with numeric ids as StarRocks assigns them (they name the directories of a snapshot, §5).

import { tableFromState, tableToState, type DatabaseState } from './state';
import type { SimDatabaseSpec, SimTableKind, SimTableSpec } from './types';

export const TABLETS_PER_PARTITION = 3;

export interface SimIndex {
  id: number;
  name: string;
  schemaHash: number;
}

export interface SimPartition {
  id: number;
  name: string;
  rows: number;
  version: number;
  /** Tablet ids per index id. */
  tablets: Map<number, number[]>;
}

export interface SimTable {
  id: number;
  name: string;
  kind: SimTableKind;
  schemaHash: number;
  /** Base index first (named like the table), then the rollups. */
  indexes: SimIndex[];
  partitions: SimPartition[];
  /** True when the table has range partitions (not the single implicit one). */
  partitioned: boolean;
  colocateGroup: string | null;
  tempPartitions: boolean;
}

export interface SimDatabase {
  id: number;
  name: string;
  tables: SimTable[];
}

/** A stable small hash of a string (schema stand-in). */
export function hashName(text: string): number {
  let h = 17;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) % 2_000_000_000;
  return h;
}

export class Catalog {
  private nextId: number;
  private readonly dbs = new Map<string, SimDatabase>();

  constructor(databases: SimDatabaseSpec[], firstId = 10_001) {
    this.nextId = firstId;
    for (const db of databases) {
      this.createDatabase(db.name);
      for (const t of db.tables) this.addTable(db.name, t);
    }
  }

  newId(): number {
    return this.nextId++;
  }

  /** What a restart keeps: every database and table with its ids, and the next id. */
  toState(): { nextId: number; databases: DatabaseState[] } {
    return { nextId: this.nextId, databases: this.databases().map((db) => ({ id: db.id, name: db.name, tables: db.tables.map(tableToState) })) };
  }

  /** Replaces the whole catalog with one kept by `toState`. */
  loadState(state: { nextId: number; databases: DatabaseState[] }): void {
    this.dbs.clear();
    for (const db of state.databases) this.dbs.set(db.name, { id: db.id, name: db.name, tables: db.tables.map(tableFromState) });
    this.nextId = state.nextId;
  }

  databases(): SimDatabase[] {
    return [...this.dbs.values()];
  }

  database(name: string): SimDatabase | undefined {
    return this.dbs.get(name);
  }

  createDatabase(name: string): SimDatabase {
    const existing = this.dbs.get(name);
    if (existing) return existing;
    const db: SimDatabase = { id: this.newId(), name, tables: [] };
    this.dbs.set(name, db);
    return db;
  }

  dropDatabase(name: string): boolean {
    return this.dbs.delete(name);
  }

  table(db: string, name: string): SimTable | undefined {
    return this.dbs.get(db)?.tables.find((t) => t.name === name);
  }

  /** Adds a table as a spec describes it (fresh ids). */
  addTable(dbName: string, spec: SimTableSpec): SimTable {
    const db = this.createDatabase(dbName);
    const partitioned = (spec.partitions?.length ?? 0) > 0;
    const parts = partitioned
      ? (spec.partitions ?? [])
      : [{ name: spec.name, rows: spec.rows, version: spec.kind === 'OLAP' ? 2 : 1 }];
    const schemaHash = spec.schemaHash ?? hashName(`${spec.name}:schema`);
    const indexNames = spec.kind === 'OLAP' ? [spec.name, ...(spec.rollups ?? [])] : [spec.name];
    const indexes = indexNames.map((name, i) => ({
      id: this.newId(),
      name,
      schemaHash: i === 0 ? schemaHash : hashName(`${spec.name}.${name}:schema`),
    }));
    const table: SimTable = {
      id: this.newId(),
      name: spec.name,
      kind: spec.kind,
      schemaHash,
      indexes,
      partitioned,
      partitions: parts.map((p) => this.makePartition(p.name, p.rows, p.version, indexes, spec.kind)),
      colocateGroup: spec.colocateGroup ?? null,
      tempPartitions: spec.tempPartitions ?? false,
    };
    db.tables = db.tables.filter((t) => t.name !== spec.name).concat(table);
    return table;
  }

  /** Puts a table built elsewhere (a restore) into a database, replacing one of that name. */
  putTable(dbName: string, table: SimTable): void {
    const db = this.createDatabase(dbName);
    db.tables = db.tables.filter((t) => t.name !== table.name).concat(table);
  }

  makePartition(name: string, rows: number, version: number, indexes: SimIndex[], kind: SimTableKind): SimPartition {
    const tablets = new Map<number, number[]>();
    if (kind === 'OLAP') {
      for (const idx of indexes) {
        tablets.set(idx.id, Array.from({ length: TABLETS_PER_PARTITION }, () => this.newId()));
      }
    }
    return { id: this.newId(), name, rows, version, tablets };
  }

  /** Colocate groups of every database: `<dbId>.<groupId>` ids, as SHOW PROC prints them (§7.2). */
  colocateGroups(): { groupId: string; groupName: string; tableIds: number[] }[] {
    const out: { groupId: string; groupName: string; tableIds: number[] }[] = [];
    for (const db of this.dbs.values()) {
      const groups = new Map<string, number[]>();
      for (const t of db.tables) {
        if (t.colocateGroup) groups.set(t.colocateGroup, [...(groups.get(t.colocateGroup) ?? []), t.id]);
      }
      for (const [name, ids] of groups) {
        out.push({ groupId: `${db.id}.${hashName(name) % 100_000}`, groupName: `${db.id}_${name}`, tableIds: ids });
      }
    }
    return out;
  }
}

export function tableRows(table: SimTable): number {
  return table.partitions.reduce((sum, p) => sum + p.rows, 0);
}
