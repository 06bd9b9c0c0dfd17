// Result sets of the catalog and cluster introspection statements (reference §6, §7), with
// StarRocks' column names. Every cell is a string or SQL NULL.

import { tableRows, type Catalog, type SimTable } from './catalog';
import type { Condition } from './sql';
import { feTime } from './time';
import { SqlError, type ResultSet, type SimInstanceSpec } from './types';

export const SYSTEM_DATABASES = ['_statistics_', 'information_schema', 'sys'];

/** SQL LIKE with `%` and `_`, case-insensitive as StarRocks does for SHOW ... LIKE. */
export function like(pattern: string, text: string): boolean {
  const re = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${re}$`, 'i').test(text);
}

export function showDatabases(catalog: Catalog): ResultSet {
  const names = [...SYSTEM_DATABASES, ...catalog.databases().map((d) => d.name)].sort();
  return { columns: ['Database'], rows: names.map((n) => [n]) };
}

export function frontendConfig(spec: SimInstanceSpec, major: number, minor: number, pattern: string | null): ResultSet {
  const columns = ['Key', 'AliasNames', 'Value', 'Type', 'IsMutable', 'Comment'];
  if (spec.operatePrivilege === false) return { columns, rows: [] };
  const entries: [string, string, string, string, string][] = [
    ['backup_job_default_timeout_ms', '86400000', 'int', 'true', ''],
    ['history_job_keep_max_second', '604800', 'int', 'true', ''],
  ];
  // `run_mode` exists from 3.0 (§6.1); `enable_backup_materialized_view` from 3.2.
  if (major >= 3) entries.push(['run_mode', spec.runMode, 'String', 'false', '']);
  if (major > 3 || (major === 3 && minor >= 2)) {
    entries.push(['enable_backup_materialized_view', String(spec.enableBackupMaterializedView), 'boolean', 'true', '']);
  }
  return {
    columns,
    rows: entries.filter(([k]) => pattern === null || like(pattern, k)).map(([k, v, t, m, c]) => [k, '[]', v, t, m, c]),
  };
}

export function variables(spec: SimInstanceSpec): Record<string, string> {
  return {
    time_zone: spec.timeZone,
    system_time_zone: spec.timeZone,
    version: '5.1.0',
    version_comment: `StarRocks version ${spec.version}`,
    autocommit: '1',
    lower_case_table_names: '0',
    max_allowed_packet: '33554432',
    query_timeout: '300',
    character_set_client: 'utf8',
    character_set_connection: 'utf8',
    character_set_results: 'utf8',
    collation_connection: 'utf8_general_ci',
    sql_mode: 'ONLY_FULL_GROUP_BY',
    tx_isolation: 'REPEATABLE-READ',
    transaction_isolation: 'REPEATABLE-READ',
  };
}

export function showBackends(spec: SimInstanceSpec, startedAt: Date): ResultSet {
  const columns = ['BackendId', 'IP', 'HeartbeatPort', 'BePort', 'HttpPort', 'BrpcPort', 'LastStartTime', 'LastHeartbeat', 'Alive', 'SystemDecommissioned', 'ClusterDecommissioned', 'TabletNum', 'DataUsedCapacity', 'AvailCapacity', 'TotalCapacity', 'UsedPct', 'MaxDiskUsedPct', 'ErrMsg', 'Version', 'Status', 'DataTotalCapacity', 'DataUsedPct', 'CpuCores', 'NumRunningQueries', 'MemUsedPct', 'CpuUsedPct'];
  // Shared-data clusters run compute nodes, not backends (§6.1 heuristic).
  if (spec.runMode === 'shared_data') return { columns, rows: [] };
  const t = feTime(startedAt, spec.timeZone);
  const rows = Array.from({ length: spec.liveBackends }, (_, i) => [
    String(10_001 + i), `172.16.0.${11 + i}`, '9050', '9060', '8040', '8060', t, t, 'true', 'false', 'false', '120', '1.2 GB', '180.5 GB', '200.0 GB', '9.75 %', '9.75 %', '', `${spec.version}-sim`, '{"lastSuccessReportTabletsTime":"N/A"}', '181.7 GB', '0.66 %', '8', '0', '3.1 %', '0.5 %',
  ]);
  return { columns, rows };
}

export function showGrants(spec: SimInstanceSpec, user: string): ResultSet {
  const grants = spec.grants ?? [`GRANT root, db_admin, user_admin, cluster_admin TO '${user}'@'%'`];
  return { columns: ['UserIdentity', 'Catalog', 'Grants'], rows: grants.map((g) => [`'${user}'@'%'`, null, g]) };
}

/** `SHOW GRANTS FOR ROLE r`: the role's own grants (3.x layout). */
export function showRoleGrants(spec: SimInstanceSpec, role: string): ResultSet {
  const grants = spec.roleGrants?.[role];
  if (grants === undefined) throw new SqlError(`Role ${role} does not exist`, 'analyzer');
  return { columns: ['RoleName', 'Catalog', 'Grants'], rows: grants.map((g) => [role, 'default', g]) };
}

function tableType(t: SimTable): string {
  return t.kind === 'VIEW' || t.kind === 'ASYNC_MV' ? 'VIEW' : 'BASE TABLE';
}

function engine(t: SimTable): string {
  if (t.kind === 'VIEW') return '';
  if (t.kind === 'EXTERNAL') return 'MySQL';
  return 'StarRocks';
}

/** Rows of the information_schema tables the adapter reads (§7.1), as column → value maps. */
function schemaRows(catalog: Catalog, spec: SimInstanceSpec, table: string): Record<string, string | null>[] {
  const out: Record<string, string | null>[] = [];
  for (const db of catalog.databases()) {
    for (const t of db.tables) {
      const common = { TABLE_CATALOG: 'def', TABLE_SCHEMA: db.name, TABLE_NAME: t.name };
      if (table === 'tables') {
        out.push({ ...common, TABLE_TYPE: tableType(t), ENGINE: engine(t), VERSION: null, ROW_FORMAT: null, TABLE_ROWS: String(tableRows(t)), AVG_ROW_LENGTH: '40', DATA_LENGTH: String(tableRows(t) * 40), CREATE_TIME: null, UPDATE_TIME: null, TABLE_COMMENT: '' });
      } else if (table === 'views' && t.kind === 'VIEW') {
        out.push({ ...common, VIEW_DEFINITION: `SELECT * FROM ${db.name}.${t.name}_base`, CHECK_OPTION: 'NONE', IS_UPDATABLE: 'NO', DEFINER: 'root@%', SECURITY_TYPE: '', CHARACTER_SET_CLIENT: 'utf8', COLLATION_CONNECTION: 'utf8_general_ci' });
      } else if (table === 'materialized_views' && t.kind === 'ASYNC_MV') {
        out.push({ MATERIALIZED_VIEW_ID: String(t.id), TABLE_SCHEMA: db.name, TABLE_NAME: t.name, REFRESH_TYPE: 'ASYNC', IS_ACTIVE: 'true', INACTIVE_REASON: '', PARTITION_TYPE: 'UNPARTITIONED', TABLE_ROWS: String(tableRows(t)), MATERIALIZED_VIEW_DEFINITION: `SELECT ... FROM ${db.name}` });
      } else if (table === 'tables_config' && (t.kind === 'OLAP' || t.kind === 'ASYNC_MV')) {
        const props: Record<string, string> = { replication_num: '3' };
        if (t.colocateGroup) props.colocate_with = t.colocateGroup;
        const eng = spec.runMode === 'shared_data' ? 'CLOUD_NATIVE' : 'OLAP';
        out.push({ TABLE_SCHEMA: db.name, TABLE_NAME: t.name, TABLE_ENGINE: eng, TABLE_MODEL: 'DUP_KEYS', PRIMARY_KEY: '', PARTITION_KEY: t.partitioned ? 'dt' : '', DISTRIBUTE_KEY: 'id', DISTRIBUTE_TYPE: 'HASH', DISTRIBUTE_BUCKET: '3', SORT_KEY: 'id', PROPERTIES: JSON.stringify(props), TABLE_ID: String(t.id) });
      }
    }
  }
  return out;
}

const SCHEMA_COLUMNS: Record<string, string[]> = {
  tables: ['TABLE_CATALOG', 'TABLE_SCHEMA', 'TABLE_NAME', 'TABLE_TYPE', 'ENGINE', 'VERSION', 'ROW_FORMAT', 'TABLE_ROWS', 'AVG_ROW_LENGTH', 'DATA_LENGTH', 'CREATE_TIME', 'UPDATE_TIME', 'TABLE_COMMENT'],
  views: ['TABLE_CATALOG', 'TABLE_SCHEMA', 'TABLE_NAME', 'VIEW_DEFINITION', 'CHECK_OPTION', 'IS_UPDATABLE', 'DEFINER', 'SECURITY_TYPE', 'CHARACTER_SET_CLIENT', 'COLLATION_CONNECTION'],
  materialized_views: ['MATERIALIZED_VIEW_ID', 'TABLE_SCHEMA', 'TABLE_NAME', 'REFRESH_TYPE', 'IS_ACTIVE', 'INACTIVE_REASON', 'PARTITION_TYPE', 'TABLE_ROWS', 'MATERIALIZED_VIEW_DEFINITION'],
  tables_config: ['TABLE_SCHEMA', 'TABLE_NAME', 'TABLE_ENGINE', 'TABLE_MODEL', 'PRIMARY_KEY', 'PARTITION_KEY', 'DISTRIBUTE_KEY', 'DISTRIBUTE_TYPE', 'DISTRIBUTE_BUCKET', 'SORT_KEY', 'PROPERTIES', 'TABLE_ID'],
};

export function selectSchema(catalog: Catalog, spec: SimInstanceSpec, table: string, columns: string[] | '*', where: Condition[]): ResultSet {
  const known = SCHEMA_COLUMNS[table];
  if (!known) throw new SqlError(`Unknown table 'information_schema.${table}'`, 'analyzer');
  for (const n of [...(columns === '*' ? [] : columns), ...where.map((c) => c.column)]) {
    if (!known.includes(n)) throw new SqlError(`Column '${n}' cannot be resolved`, 'analyzer');
  }
  const rows = schemaRows(catalog, spec, table).filter((r) =>
    where.every((c) => {
      const v = r[c.column] ?? '';
      const hit = c.values.includes(v);
      return c.op === '=' || c.op === 'IN' ? hit : !hit;
    }),
  );
  const names = columns === '*' ? known : columns;
  return { columns: names, rows: rows.map((r) => names.map((n) => r[n] ?? null)) };
}

const PARTITION_COLUMNS = ['PartitionId', 'PartitionName', 'VisibleVersion', 'VisibleVersionTime', 'VisibleVersionHash', 'State', 'PartitionKey', 'Range', 'DistributionKey', 'Buckets', 'ReplicationNum', 'StorageMedium', 'CooldownTime', 'LastConsistencyCheckTime', 'DataSize', 'IsInMemory', 'RowCount', 'DataVersion', 'VersionEpoch', 'VersionTxnType'];

export function showPartitions(t: SimTable, temporary: boolean, zone: string, now: Date): ResultSet {
  const parts = temporary ? (t.tempPartitions ? [{ id: t.id + 1_000_000, name: `tp_${t.name}`, rows: 0, version: 1 }] : []) : t.partitions;
  return {
    columns: PARTITION_COLUMNS,
    rows: parts.map((p) => [
      String(p.id), p.name, String(p.version), feTime(now, zone), '0', 'NORMAL', t.partitioned ? 'dt' : '', '', 'id', '3', '3', 'HDD', '9999-12-31 23:59:59', null, `${(p.rows * 40 / 1024).toFixed(3)} KB`, 'false', String(p.rows), String(p.version), '0', 'TXN_NORMAL',
    ]),
  };
}

export function describeAll(t: SimTable): ResultSet {
  const rows: (string | null)[][] = [];
  for (const idx of t.indexes) {
    rows.push([idx.name, 'DUP_KEYS', 'id', 'BIGINT', 'No', 'true', null, '']);
    rows.push(['', '', 'dt', 'DATE', 'Yes', 'false', null, 'NONE']);
  }
  return { columns: ['IndexName', 'IndexKeysType', 'Field', 'Type', 'Null', 'Key', 'Default', 'Extra'], rows };
}

export function colocationGroups(catalog: Catalog): ResultSet {
  return {
    columns: ['GroupId', 'GroupName', 'TableIds', 'BucketsNum', 'ReplicationNum', 'DistCols', 'IsStable'],
    rows: catalog.colocateGroups().map((g) => [g.groupId, g.groupName, g.tableIds.join(', '), '3', '3', 'bigint(20)', 'true']),
  };
}
