// What a cluster holds, for the backup plan and the report of what is left out (reference §7):
// base tables vs logical views vs async MVs vs external tables, rollups (sync MVs), colocate
// groups and temporary partitions. Queries work from 2.5 on.

import { quoteIdentifier } from '../../src/domain/ids';
import type { DatabaseInventory, TableInfo } from '../../src/ports';
import type { Frontends, Row } from './frontends';
import { text } from './rows';

/** Databases StarRocks keeps for itself. User database names start with a letter (System_limit). */
const SYSTEM_DATABASES = new Set(['information_schema', '_statistics_', 'sys', 'starrocks_monitor', 'starrocks_audit_db__']);

export function isSystemDatabase(name: string): boolean {
  return SYSTEM_DATABASES.has(name) || !/^[A-Za-z]/.test(name);
}

export async function userDatabases(fe: Frontends): Promise<string[]> {
  const rows = await fe.query('SHOW DATABASES');
  return rows.map((r) => text(r, 'Database') ?? '').filter((n) => n !== '' && !isSystemDatabase(n));
}

/** Table id → colocate group name (`GroupName` is `<dbId>_<name>`, §7.2). */
async function colocateGroupsById(fe: Frontends, ids: Map<string, string>): Promise<Map<string, string>> {
  const rows = await fe.query(`SHOW PROC '/colocation_group'`);
  const byTableName = new Map<string, string>();
  for (const r of rows) {
    const group = (text(r, 'GroupName') ?? '').replace(/^\d+_/, '');
    for (const id of (text(r, 'TableIds') ?? '').split(/[,\s]+/).filter(Boolean)) {
      const key = ids.get(id);
      if (key) byTableName.set(key, group);
    }
  }
  return byTableName;
}

function kindOf(tableType: string, engine: string, configEngine: string | null, isAsyncMv: boolean): TableInfo['kind'] {
  if (isAsyncMv) return 'ASYNC_MV';
  if (tableType === 'VIEW') return 'VIEW';
  if (tableType !== 'BASE TABLE') return 'OTHER';
  const e = (configEngine ?? engine).toUpperCase();
  if (e === 'OLAP' || e === 'STARROCKS') return 'OLAP';
  if (e === 'CLOUD_NATIVE') return 'CLOUD_NATIVE';
  return 'EXTERNAL';
}

async function rollupsOf(fe: Frontends, db: string, table: string): Promise<string[]> {
  const rows = await fe.query(`DESC ${quoteIdentifier('database', db)}.${quoteIdentifier('table', table)} ALL`);
  const names = new Set(rows.map((r) => text(r, 'IndexName') ?? '').filter((n) => n !== '' && n !== table));
  return [...names];
}

async function hasTemporaryPartitions(fe: Frontends, db: string, table: string): Promise<boolean> {
  const rows = await fe.query(`SHOW TEMPORARY PARTITIONS FROM ${quoteIdentifier('database', db)}.${quoteIdentifier('table', table)}`);
  return rows.length > 0;
}

export async function inventoryOf(fe: Frontends, databases: string[]): Promise<DatabaseInventory[]> {
  const perDb: { db: string; tables: Row[]; mvs: Set<string>; config: Map<string, Row> }[] = [];
  const ids = new Map<string, string>();
  for (const db of databases) {
    const tables = await fe.query('SELECT TABLE_NAME, TABLE_TYPE, ENGINE FROM information_schema.tables WHERE TABLE_SCHEMA = ?', [db]);
    const mvRows = await fe.query('SELECT TABLE_NAME, REFRESH_TYPE FROM information_schema.materialized_views WHERE TABLE_SCHEMA = ?', [db]);
    const mvs = new Set(
      mvRows.filter((r) => !/^(SYNC|ROLLUP)$/i.test(text(r, 'REFRESH_TYPE') ?? '')).map((r) => text(r, 'TABLE_NAME') ?? ''),
    );
    const configRows = await fe.query('SELECT TABLE_NAME, TABLE_ENGINE, TABLE_ID FROM information_schema.tables_config WHERE TABLE_SCHEMA = ?', [db]);
    const config = new Map(configRows.map((r) => [text(r, 'TABLE_NAME') ?? '', r]));
    for (const r of configRows) ids.set(text(r, 'TABLE_ID') ?? '', `${db}.${text(r, 'TABLE_NAME') ?? ''}`);
    perDb.push({ db, tables, mvs, config });
  }
  const groups = ids.size > 0 ? await colocateGroupsById(fe, ids) : new Map<string, string>();
  const out: DatabaseInventory[] = [];
  for (const { db, tables, mvs, config } of perDb) {
    const infos: TableInfo[] = [];
    for (const r of tables) {
      const name = text(r, 'TABLE_NAME') ?? '';
      const kind = kindOf(text(r, 'TABLE_TYPE') ?? '', text(r, 'ENGINE') ?? '', config.get(name) ? text(config.get(name) as Row, 'TABLE_ENGINE') : null, mvs.has(name));
      const olapLike = kind === 'OLAP' || kind === 'CLOUD_NATIVE';
      infos.push({
        name,
        kind,
        syncMaterializedViews: olapLike ? await rollupsOf(fe, db, name) : [],
        colocateGroup: groups.get(`${db}.${name}`) ?? null,
        hasTemporaryPartitions: olapLike ? await hasTemporaryPartitions(fe, db, name) : false,
      });
    }
    infos.sort((a, b) => a.name.localeCompare(b.name));
    out.push({ name: db, tables: infos });
  }
  return out;
}
