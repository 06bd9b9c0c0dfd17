// The restore preflight: run when a restore is asked for and again after approval (which may
// come hours later). Each refusal is one sentence that names the value it is about, and says
// which field of the restore form it concerns.

import type { InstanceConfig } from '../../config/types';
import { restorableDatabases } from '../../domain/backup-set';
import { NotFoundError, OutsideError, UserError } from '../../domain/errors';
import { compareVersions, parseVersionText, pastExpiryNote, restorePrivilegeCheck, whyNotRestorable } from '../../domain/restore-rules';
import { joinAnd, plural } from '../../domain/text';
import type { BackupSet } from '../../domain/types';
import type { Clock, StarRocksClient } from '../../ports';
import type { Clusters } from '../clusters';
import type { InstanceDirectory } from '../instances';
import { snapshotSource, zoneOf } from './source';

export type RestoreField = 'set' | 'target' | 'databases' | 'replicas';

/** A restore the preflight refuses; `field` is the form field it is about. */
export class RestoreRefusal extends UserError {
  constructor(
    readonly field: RestoreField,
    message: string,
  ) {
    super(message);
  }
}

export interface RestoreAsk {
  set: BackupSet;
  targetId: string;
  /** Null: every database whose snapshot finished. */
  databases: string[] | null;
  /** Null: the source's replication number. */
  replicas: number | null;
}

export interface RestorePlan {
  set: BackupSet;
  target: InstanceConfig;
  databases: string[];
  replicationNum: number;
  sizeBytes: number | null;
  warnings: string[];
}

/** StarRocks' default for shared-nothing tables, when the source cannot say. */
export const DEFAULT_REPLICATION = 3;

const refuse = (field: RestoreField, message: string): never => {
  throw new RestoreRefusal(field, message);
};

export class RestorePreflight {
  constructor(private readonly deps: { clock: Clock; instances: InstanceDirectory; clusters: Clusters }) {}

  /** The databases a restore of this set takes: the asked ones, checked against the set. */
  databasesOf(set: BackupSet, asked: string[] | null): string[] {
    const names = restorableDatabases(set).map((d) => d.database);
    if (asked === null) return names;
    const wanted = [...new Set(asked)];
    const unknown = wanted.filter((d) => !set.databases.some((x) => x.database === d));
    if (unknown.length) refuse('databases', `${set.id} holds no database ${joinAnd(unknown)}; it holds ${joinAnd(set.databases.map((d) => d.database))}`);
    const failed = wanted.filter((d) => !names.includes(d));
    if (failed.length) refuse('databases', `the backup of ${joinAnd(failed)} failed in ${set.id}, so ${failed.length === 1 ? 'it' : 'they'} cannot be restored; restorable: ${joinAnd(names)}`);
    if (wanted.length === 0) refuse('databases', `name at least one database to restore; restorable: ${joinAnd(names)}`);
    return wanted;
  }

  /** The source's replication number (the highest of its tables), or StarRocks' default when it cannot say. */
  async sourceReplication(set: BackupSet, databases: string[]): Promise<number> {
    const source = this.deps.instances.find(set.instanceId);
    if (!source) return DEFAULT_REPLICATION;
    try {
      return (await this.deps.clusters.client(source).replicationNum(databases)) ?? DEFAULT_REPLICATION;
    } catch {
      return DEFAULT_REPLICATION;
    }
  }

  /** Everything but the cluster and OSS: the set, the databases, the target's identity and region. */
  checkAsk(ask: RestoreAsk): { target: InstanceConfig; databases: string[] } {
    const { set } = ask;
    const why = whyNotRestorable(set, zoneOf(set.instanceId, this.deps.instances));
    if (why) refuse('set', why);
    const databases = this.databasesOf(set, ask.databases);
    let target: InstanceConfig;
    try {
      target = this.deps.instances.get(ask.targetId);
    } catch (err) {
      if (err instanceof NotFoundError) refuse('target', `${err.message}; a restore goes into another instance registered with the bot`);
      throw err;
    }
    if (target.id === set.instanceId) {
      refuse('target', `${target.id} is the instance ${set.id} was taken from; restore into another instance, one that is new for the purpose`);
    }
    if (target.region !== set.region) {
      refuse('target', `${set.id} is stored in ${set.region} and ${target.id} is in ${target.region}: restores never cross regions`);
    }
    return { target, databases };
  }

  /** The whole preflight; throws `RestoreRefusal`. */
  async check(ask: RestoreAsk): Promise<RestorePlan> {
    const { set } = ask;
    const { target, databases } = this.checkAsk(ask);
    if (ask.replicas !== null && (!Number.isInteger(ask.replicas) || ask.replicas < 1)) {
      refuse('replicas', `the replication number must be a whole number of 1 or more, got ${ask.replicas}`);
    }
    const replicationNum = ask.replicas ?? (await this.sourceReplication(set, databases));
    await this.checkSnapshots(set, databases);
    const warnings = await this.checkTarget(set, target, databases, replicationNum);
    const expired = pastExpiryNote(set, this.deps.clock.now(), zoneOf(set.instanceId, this.deps.instances));
    if (expired) warnings.unshift(expired);
    const chosen = set.databases.filter((d) => databases.includes(d.database));
    const sizes = chosen.map((d) => d.sizeBytes);
    const sizeBytes = sizes.every((s) => s !== null) ? sizes.reduce<number>((n, s) => n + (s ?? 0), 0) : null;
    return { set, target, databases, replicationNum, sizeBytes, warnings };
  }

  /** Each database's snapshot is complete on OSS, with the backup timestamp the set recorded. */
  private async checkSnapshots(set: BackupSet, databases: string[]): Promise<void> {
    const source = snapshotSource(set, this.deps.instances, this.deps.clusters);
    let listing;
    try {
      listing = await source.objects.listSnapshots(source.root);
    } catch (err) {
      return refuse('set', `the snapshots of ${set.id} could not be listed on OSS (${err instanceof Error ? err.message : String(err)})`);
    }
    for (const name of databases) {
      const db = set.databases.find((d) => d.database === name);
      if (!db) continue;
      const found = listing.find((s) => s.snapshotName === db.snapshotName);
      if (!found) refuse('set', `the snapshot of ${name} in ${set.id} (${db.snapshotName}) is no longer on OSS, so it cannot be restored`);
      if (found && !found.complete) {
        refuse('set', `the snapshot of ${name} in ${set.id} (${db.snapshotName}) is no longer complete on OSS: its __info_ file is missing, so it cannot be restored`);
      }
      if (!db.backupTimestamp) refuse('set', `${set.id} recorded no backup timestamp for ${name}, so its snapshot cannot be restored`);
      if (found && !found.backupTimestamps.includes(db.backupTimestamp as string)) {
        refuse('set', `the snapshot of ${name} on OSS has backup timestamp ${joinAnd(found.backupTimestamps)}, not ${db.backupTimestamp} as ${set.id} recorded; it cannot be restored safely`);
      }
    }
  }

  /** The target cluster: reachable, shared-nothing, new enough, big enough, allowed, and empty of these databases. */
  private async checkTarget(set: BackupSet, target: InstanceConfig, databases: string[], replicas: number): Promise<string[]> {
    const client = this.deps.clusters.client(target);
    try {
      return await this.askCluster(client, set, target, databases, replicas);
    } catch (err) {
      if (!(err instanceof OutsideError)) throw err;
      if (err.kind === 'unreachable' || err.kind === 'timeout' || err.kind === 'auth') refuse('target', `${target.id} cannot be reached: ${err.message}`);
      if (err.kind === 'privileges') refuse('target', `the bot's StarRocks user on ${target.id} lacks a privilege: ${err.message}`);
      return refuse('target', `${target.id} could not be checked: StarRocks answered: ${err.message}`);
    }
  }

  private async askCluster(client: StarRocksClient, set: BackupSet, target: InstanceConfig, databases: string[], replicas: number): Promise<string[]> {
    const warnings: string[] = [];
    const version = await client.version();
    if ((await client.runMode()) === 'shared_data') {
      refuse('target', `${target.id} is a shared-data cluster (run_mode = shared_data, read from the cluster): StarRocks restores only into shared-nothing instances`);
    }
    const targetVersion: [number, number, number] = [version.major, version.minor, version.patch];
    const sourceVersion = parseVersionText(set.sourceVersion);
    if (sourceVersion && compareVersions(targetVersion, sourceVersion) < 0) {
      refuse('target', `${target.id} runs StarRocks ${targetVersion.join('.')}, older than ${set.sourceVersion} of ${set.instanceId} where ${set.id} was taken; restore into ${set.sourceVersion} or newer`);
    }
    if (!sourceVersion) warnings.push(`The StarRocks version of ${set.instanceId} was not recorded with ${set.id}; ${target.id} runs ${targetVersion.join('.')}.`);
    const backends = await client.liveBackends();
    if (backends < replicas) {
      refuse('replicas', `${target.id} has ${plural(backends, 'live backend')}, fewer than the replication number ${replicas}; choose replicas=${Math.max(1, backends)} or bring more backends up`);
    }
    const privileges = restorePrivilegeCheck(await client.privileges(), targetVersion);
    if (privileges.missing.length) {
      refuse('target', `the bot's StarRocks user on ${target.id} lacks what a restore needs: ${privileges.missing.join('; ')}`);
    }
    if (privileges.unsure) warnings.push(`The restore privileges of the bot's user on ${target.id} come through roles SHOW GRANTS does not detail; if the restore is refused, grant REPOSITORY ON SYSTEM and CREATE DATABASE.`);
    const present: string[] = [];
    for (const db of databases) if (await client.databaseExists(db)) present.push(db);
    if (present.length) {
      refuse('databases', `${target.id} already has ${present.length === 1 ? 'a database' : 'databases'} ${joinAnd(present)}; a restore creates ${present.length === 1 ? 'it' : 'them'} new, so choose other databases or drop ${present.length === 1 ? 'it' : 'them'} on ${target.id} first`);
    }
    const spec = snapshotSource(set, this.deps.instances, this.deps.clusters).spec;
    const same = (await client.repositories()).find((r) => r.name === spec.name);
    if (same && same.location !== spec.location) {
      refuse('target', `${target.id} already has a repository ${spec.name} pointing at ${same.location}, not at ${spec.location} where ${set.id} is; drop it there (DROP REPOSITORY ${spec.name}: its objects stay) and ask again`);
    }
    return warnings;
  }
}
