// Parses the statements a StarRocks FE accepts, as far as the adapter and a stock mysql client
// send them. Legacy (2.5-era) syntax of reference §1-§4; 3.4+ forms are not modelled.

import { Cursor, tokenize } from './lexer';
import { SqlError } from './types';

export interface TableRef {
  name: string;
  partitions: string[];
  alias: string | null;
}

export interface Condition {
  column: string;
  op: '=' | '!=' | 'IN' | 'NOT IN';
  values: string[];
}

export type Statement =
  | { kind: 'select_vars'; names: string[] }
  | { kind: 'select_fn'; fn: 'current_version' | 'database' | 'version' | 'connection_id' | 'literal'; label: string; value: string }
  | { kind: 'select_count'; db: string | null; table: string }
  | { kind: 'select_schema'; table: string; columns: string[] | '*'; where: Condition[] }
  | { kind: 'show_variables'; like: string | null }
  | { kind: 'show_config'; like: string | null }
  | { kind: 'show_backends' }
  | { kind: 'show_grants'; role: string | null }
  | { kind: 'show_databases' }
  | { kind: 'show_tables'; db: string | null; full: boolean }
  | { kind: 'show_proc'; path: string }
  | { kind: 'show_partitions'; db: string | null; table: string; temporary: boolean }
  | { kind: 'desc_all'; db: string | null; table: string }
  | { kind: 'create_database'; name: string; ifNotExists: boolean }
  | { kind: 'drop_database'; name: string; ifExists: boolean }
  | { kind: 'create_repository'; name: string; readOnly: boolean; broker: string | null; location: string; properties: Record<string, string> }
  | { kind: 'drop_repository'; name: string }
  | { kind: 'show_repositories' }
  | { kind: 'backup'; db: string | null; snapshot: string; repo: string; on: TableRef[] | null; properties: Record<string, string> }
  | { kind: 'restore'; db: string | null; snapshot: string; repo: string; on: TableRef[] | null; properties: Record<string, string> }
  | { kind: 'show_jobs'; job: 'backup' | 'restore'; db: string | null }
  | { kind: 'cancel_job'; job: 'backup' | 'restore'; db: string | null }
  | { kind: 'show_snapshot'; repo: string; snapshot: string | null; timestamp: string | null; badWhere: boolean }
  | { kind: 'use'; db: string }
  | { kind: 'noop' };

function properties(c: Cursor): Record<string, string> {
  const out: Record<string, string> = {};
  c.expect('(');
  if (c.accept(')')) return out;
  do {
    const key = c.value();
    c.expect('=');
    out[key] = c.value();
  } while (c.accept(','));
  c.expect(')');
  return out;
}

function tableRefs(c: Cursor): TableRef[] {
  const refs: TableRef[] = [];
  c.expect('(');
  do {
    c.acceptKw('TABLE');
    const name = c.ident();
    const partitions: string[] = [];
    if (c.acceptKw('PARTITION') || c.acceptKw('PARTITIONS')) {
      c.expect('(');
      do partitions.push(c.ident());
      while (c.accept(','));
      c.expect(')');
    }
    const alias = c.acceptKw('AS') ? c.ident() : null;
    refs.push({ name, partitions, alias });
  } while (c.accept(','));
  c.expect(')');
  return refs;
}

function fromDb(c: Cursor): string | null {
  return c.acceptKw('FROM') || c.acceptKw('IN') ? c.ident() : null;
}

function where(c: Cursor): Condition[] {
  const out: Condition[] = [];
  if (!c.acceptKw('WHERE')) return out;
  do {
    const column = c.ident().toUpperCase();
    if (c.accept('=')) out.push({ column, op: '=', values: [c.value()] });
    else if (c.accept('!=')) out.push({ column, op: '!=', values: [c.value()] });
    else {
      const op = c.acceptKw('NOT', 'IN') ? 'NOT IN' : (c.expectKw('IN'), 'IN');
      const values: string[] = [];
      c.expect('(');
      do values.push(c.value());
      while (c.accept(','));
      c.expect(')');
      out.push({ column, op, values });
    }
  } while (c.acceptKw('AND'));
  return out;
}

function parseSelect(c: Cursor): Statement {
  const t = c.peek();
  if (t?.kind === 'var') {
    const names: string[] = [];
    do {
      const v = c.peek();
      if (v?.kind !== 'var') c.fail('expecting a variable');
      names.push(v.text.replace(/^@@(session\.|global\.)?/i, ''));
      c.next();
      if (c.acceptKw('AS')) c.ident();
    } while (c.accept(','));
    if (c.acceptKw('LIMIT')) c.value();
    c.end();
    return { kind: 'select_vars', names };
  }
  if (c.acceptKw('COUNT')) {
    c.expect('(');
    if (!c.accept('*')) c.value();
    c.expect(')');
    c.expectKw('FROM');
    const [db, table] = c.qualified();
    c.end();
    return { kind: 'select_count', db, table };
  }
  for (const fn of ['CURRENT_VERSION', 'DATABASE', 'VERSION', 'CONNECTION_ID'] as const) {
    if (c.isKw(fn) && c.peek(1)?.text === '(') {
      c.acceptKw(fn);
      c.expect('(');
      c.expect(')');
      const label = c.acceptKw('AS') ? c.ident() : `${fn.toLowerCase()}()`;
      if (c.acceptKw('LIMIT')) c.value();
      c.end();
      return { kind: 'select_fn', fn: fn.toLowerCase() as 'current_version', label, value: '' };
    }
  }
  if (t?.kind === 'number' || t?.kind === 'string') {
    const value = c.value();
    c.end();
    return { kind: 'select_fn', fn: 'literal', label: value, value };
  }
  let columns: string[] | '*' = [];
  if (c.accept('*')) columns = '*';
  else {
    do columns.push(c.ident().toUpperCase());
    while (c.accept(','));
  }
  c.expectKw('FROM');
  const [schema, table] = c.qualified();
  if (schema?.toLowerCase() !== 'information_schema') c.fail(`only information_schema tables can be selected`);
  const conditions = where(c);
  c.end();
  return { kind: 'select_schema', table: table.toLowerCase(), columns, where: conditions };
}

function parseShow(c: Cursor): Statement {
  if (c.acceptKw('VARIABLES') || c.acceptKw('SESSION', 'VARIABLES') || c.acceptKw('GLOBAL', 'VARIABLES')) {
    return { kind: 'show_variables', like: c.acceptKw('LIKE') ? c.string() : null };
  }
  if (c.acceptKw('BACKENDS')) return { kind: 'show_backends' };
  if (c.acceptKw('GRANTS') || c.acceptKw('ALL', 'GRANTS')) return { kind: 'show_grants', role: c.acceptKw('FOR', 'ROLE') ? c.ident() : null };
  if (c.acceptKw('DATABASES') || c.acceptKw('SCHEMAS')) return { kind: 'show_databases' };
  if (c.acceptKw('FULL', 'TABLES')) return { kind: 'show_tables', db: fromDb(c), full: true };
  if (c.acceptKw('TABLES')) return { kind: 'show_tables', db: fromDb(c), full: false };
  if (c.acceptKw('PROC')) return { kind: 'show_proc', path: c.string() };
  if (c.acceptKw('REPOSITORIES')) return { kind: 'show_repositories' };
  const temporary = c.acceptKw('TEMPORARY');
  if (c.acceptKw('PARTITIONS')) {
    c.expectKw('FROM');
    const [db, table] = c.qualified();
    return { kind: 'show_partitions', db, table, temporary };
  }
  if (c.acceptKw('BACKUP')) return { kind: 'show_jobs', job: 'backup', db: fromDb(c) };
  if (c.acceptKw('RESTORE')) return { kind: 'show_jobs', job: 'restore', db: fromDb(c) };
  if (c.acceptKw('SNAPSHOT', 'ON')) {
    const repo = c.ident();
    let snapshot: string | null = null;
    let timestamp: string | null = null;
    let badWhere = false;
    for (const cond of where(c)) {
      if (cond.column === 'SNAPSHOT' && cond.op === '=') snapshot = cond.values[0] ?? null;
      else if (cond.column === 'TIMESTAMP' && cond.op === '=') timestamp = cond.values[0] ?? null;
      else badWhere = true;
    }
    if (timestamp !== null && snapshot === null) badWhere = true;
    return { kind: 'show_snapshot', repo, snapshot, timestamp, badWhere };
  }
  c.fail('unsupported SHOW statement');
}

function parseBackupOrRestore(c: Cursor, kind: 'backup' | 'restore'): Statement {
  c.expectKw('SNAPSHOT');
  const [db, snapshot] = c.qualified();
  c.expectKw(kind === 'backup' ? 'TO' : 'FROM');
  const repo = c.ident();
  const on = c.acceptKw('ON') ? tableRefs(c) : null;
  const props = c.acceptKw('PROPERTIES') ? properties(c) : {};
  c.end();
  return { kind, db, snapshot, repo, on, properties: props };
}

export function parseStatement(sql: string): Statement {
  const c = new Cursor(tokenize(sql));
  if (c.done) return { kind: 'noop' };
  if (c.acceptKw('SELECT')) return parseSelect(c);
  if (c.acceptKw('SET') || c.acceptKw('COMMIT') || c.acceptKw('ROLLBACK') || c.acceptKw('BEGIN')) return { kind: 'noop' };
  if (c.acceptKw('USE')) return { kind: 'use', db: c.ident() };
  if (c.acceptKw('ADMIN', 'SHOW', 'FRONTEND', 'CONFIG')) return { kind: 'show_config', like: c.acceptKw('LIKE') ? c.string() : null };
  if (c.acceptKw('SHOW')) {
    const s = parseShow(c);
    c.end();
    return s;
  }
  if (c.acceptKw('DESC') || c.acceptKw('DESCRIBE')) {
    const [db, table] = c.qualified();
    c.acceptKw('ALL');
    c.end();
    return { kind: 'desc_all', db, table };
  }
  if (c.acceptKw('CREATE', 'DATABASE')) {
    const ifNotExists = c.acceptKw('IF', 'NOT', 'EXISTS');
    const name = c.ident();
    c.end();
    return { kind: 'create_database', name, ifNotExists };
  }
  if (c.acceptKw('DROP', 'DATABASE')) {
    const ifExists = c.acceptKw('IF', 'EXISTS');
    const name = c.ident();
    c.acceptKw('FORCE');
    c.end();
    return { kind: 'drop_database', name, ifExists };
  }
  if (c.acceptKw('CREATE')) {
    const readOnly = c.acceptKw('READ', 'ONLY');
    c.expectKw('REPOSITORY');
    const name = c.ident();
    c.expectKw('WITH', 'BROKER');
    const broker = c.isKw('ON') ? null : c.value();
    c.expectKw('ON', 'LOCATION');
    const location = c.string();
    const props = c.acceptKw('PROPERTIES') ? properties(c) : {};
    c.end();
    return { kind: 'create_repository', name, readOnly, broker, location, properties: props };
  }
  if (c.acceptKw('DROP', 'REPOSITORY')) {
    const name = c.ident();
    c.end();
    return { kind: 'drop_repository', name };
  }
  if (c.acceptKw('BACKUP')) return parseBackupOrRestore(c, 'backup');
  if (c.acceptKw('RESTORE')) return parseBackupOrRestore(c, 'restore');
  if (c.acceptKw('CANCEL')) {
    const job = c.acceptKw('BACKUP') ? 'backup' : (c.expectKw('RESTORE'), 'restore');
    const db = fromDb(c);
    c.end();
    return { kind: 'cancel_job', job, db };
  }
  throw new SqlError(`Getting syntax error at line 1, column 0. Detail message: Unexpected input '${sql.trim().split(/\s+/)[0] ?? ''}'.`, 'syntax');
}
