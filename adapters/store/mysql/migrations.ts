// The MySQL store's schema, as numbered migrations applied at start-up. Replicas starting together
// take a named server lock (GET_LOCK) first, so one of them migrates and the others find the work
// done; `schema_migrations` (version as the primary key) records what ran. MySQL commits DDL at
// once, so every statement must be safe to run again (IF NOT EXISTS, INSERT IGNORE): a crash
// between a statement and its record is finished by the next start.
//
// The store's rules live in this schema: one scheduled set per instance and local day that is
// running or good (a FAILED one gives its day back), one RUNNING set per instance, one undelivered
// message per key and channel are unique keys on generated or store-computed columns.

import { z } from 'zod';
import type { Logger } from '../../../src/ports';
import { integer, type Sql } from './sql';

interface Migration {
  version: number;
  name: string;
  statements: string[];
}

const TABLE = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'the records of the store, its rules as unique keys, the leader lease',
    statements: [
      `CREATE TABLE IF NOT EXISTS settings (
        instance_id VARCHAR(191) NOT NULL PRIMARY KEY,
        version INT NOT NULL,
        body LONGTEXT NOT NULL
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS backup_sets (
        id VARCHAR(191) NOT NULL PRIMARY KEY,
        seq BIGINT NOT NULL AUTO_INCREMENT UNIQUE,
        instance_id VARCHAR(191) NOT NULL,
        state VARCHAR(16) NOT NULL,
        trigger_kind VARCHAR(16) NOT NULL,
        scheduled_day VARCHAR(64) NULL,
        started_at DATETIME(3) NOT NULL,
        body LONGTEXT NOT NULL,
        day_holder VARCHAR(260) GENERATED ALWAYS AS (
          CASE WHEN trigger_kind = 'scheduled' AND state <> 'FAILED' THEN CONCAT(instance_id, '/', scheduled_day) END
        ) STORED,
        running_holder VARCHAR(191) GENERATED ALWAYS AS (CASE WHEN state = 'RUNNING' THEN instance_id END) STORED,
        UNIQUE KEY one_scheduled_set_per_day (day_holder),
        UNIQUE KEY one_running_backup_per_instance (running_holder),
        KEY by_instance (instance_id, started_at),
        KEY by_state (state)
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS restore_requests (
        id VARCHAR(191) NOT NULL PRIMARY KEY,
        seq BIGINT NOT NULL AUTO_INCREMENT UNIQUE,
        backup_set_id VARCHAR(191) NOT NULL,
        source_instance_id VARCHAR(191) NOT NULL,
        target_instance_id VARCHAR(191) NOT NULL,
        state VARCHAR(24) NOT NULL,
        requested_at DATETIME(3) NOT NULL,
        body LONGTEXT NOT NULL,
        KEY by_backup_set (backup_set_id),
        KEY by_state (state)
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS tasks (
        id VARCHAR(191) NOT NULL PRIMARY KEY,
        seq BIGINT NOT NULL AUTO_INCREMENT UNIQUE,
        instance_id VARCHAR(191) NOT NULL,
        state VARCHAR(16) NOT NULL,
        started_at DATETIME(3) NOT NULL,
        body LONGTEXT NOT NULL,
        KEY by_instance (instance_id, started_at)
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS audit_events (
        id VARCHAR(191) NOT NULL PRIMARY KEY,
        seq BIGINT NOT NULL AUTO_INCREMENT UNIQUE,
        at DATETIME(3) NOT NULL,
        instance_id VARCHAR(191) NULL,
        body LONGTEXT NOT NULL,
        KEY by_time (at),
        KEY by_instance (instance_id, at)
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS outbox (
        id VARCHAR(191) NOT NULL PRIMARY KEY,
        seq BIGINT NOT NULL AUTO_INCREMENT UNIQUE,
        pending_key CHAR(64) NULL,
        item LONGTEXT NOT NULL,
        reply LONGTEXT NOT NULL,
        created_at DATETIME(3) NOT NULL,
        attempts INT NOT NULL DEFAULT 0,
        next_attempt_at DATETIME(3) NOT NULL,
        next_attempt_text VARCHAR(64) NOT NULL,
        last_error TEXT NULL,
        claimed_by VARCHAR(191) NULL,
        claimed_until DATETIME(3) NULL,
        claim_token CHAR(36) NULL,
        UNIQUE KEY one_pending_message_per_key (pending_key),
        KEY due (next_attempt_at),
        KEY by_claim (claim_token)
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS deliveries (
        key_hash CHAR(64) NOT NULL PRIMARY KEY,
        msg_key TEXT NOT NULL,
        messages LONGTEXT NOT NULL,
        at DATETIME(3) NOT NULL,
        KEY by_time (at)
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS runner_state (
        name VARCHAR(64) NOT NULL PRIMARY KEY,
        value LONGTEXT NOT NULL
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS seen_ids (
        scope VARCHAR(191) NOT NULL,
        id VARCHAR(191) NOT NULL,
        expires_at DATETIME(3) NOT NULL,
        PRIMARY KEY (scope, id),
        KEY by_expiry (expires_at)
      ) ${TABLE}`,
      `CREATE TABLE IF NOT EXISTS leader_lease (
        name VARCHAR(32) NOT NULL PRIMARY KEY,
        holder VARCHAR(191) NULL,
        epoch BIGINT NOT NULL,
        acquired_at DATETIME(3) NULL,
        expires_at DATETIME(3) NULL
      ) ${TABLE}`,
      `INSERT IGNORE INTO leader_lease (name, holder, epoch) VALUES ('leader', NULL, 0)`,
    ],
  },
];

export const SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

/** The tables a migration of lowdb data fills (all but the lease and the migrations' own). */
export const RECORD_TABLES = ['settings', 'backup_sets', 'restore_requests', 'tasks', 'audit_events', 'outbox', 'deliveries', 'runner_state', 'seen_ids'] as const;

const LOCK_WAIT_SECONDS = 60;

/**
 * Brings the schema to SCHEMA_VERSION on `db` (one connection: the server lock belongs to it).
 * Refuses a database a newer bot migrated. Returns the versions this call applied.
 */
export async function migrate(db: Sql, database: string, log?: Logger): Promise<number[]> {
  const lock = `backup-bot:migrate:${database}`.slice(0, 64);
  const [got] = await db.rows(z.object({ got: integer.nullable() }), 'SELECT GET_LOCK(?, ?) AS got', [lock, LOCK_WAIT_SECONDS]);
  if (got?.got !== 1) throw new Error(`could not take the migration lock ${lock} within ${LOCK_WAIT_SECONDS} s: another replica is migrating the store`);
  try {
    await db.run(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INT NOT NULL PRIMARY KEY,
      name VARCHAR(191) NOT NULL,
      applied_at DATETIME(3) NOT NULL
    ) ${TABLE}`);
    const done = new Set((await db.rows(z.object({ version: integer }), 'SELECT version FROM schema_migrations')).map((r) => r.version));
    const newest = Math.max(0, ...done);
    if (newest > SCHEMA_VERSION) {
      throw new Error(`the database ${database} was migrated by a newer version of the bot (schema version ${newest}; this bot knows up to ${SCHEMA_VERSION}); run the newer bot`);
    }
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      for (const statement of migration.statements) await db.run(statement);
      await db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, UTC_TIMESTAMP(3))', [migration.version, migration.name]);
      log?.info({ event: 'store.migrated', database, version: migration.version, name: migration.name }, 'store schema migrated');
      applied.push(migration.version);
    }
    return applied;
  } finally {
    await db.rows(z.object({ released: integer.nullable() }), 'SELECT RELEASE_LOCK(?) AS released', [lock]);
  }
}
