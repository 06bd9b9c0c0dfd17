// `/backup doctor <instance>`: a preflight of a new cluster without running a backup. It only
// reads: each FE address on its own, the version, the run mode, the bot user's privileges
// against what backup and restore need (missing ones named as GRANT statements), the FE's zone
// and live backends, the bucket (region, versioning, retention lock, lifecycle rules, listing),
// and the StarRocks repository (exists, points where configured, writable). A check that cannot
// be made says why instead of failing the rest.

import type { InstanceConfig, RegionConfig } from '../config/types';
import { OutsideError } from '../domain/errors';
import { checkPrivileges, grantedRoles, isBuiltInRole } from '../domain/privileges';
import { joinAnd, plural } from '../domain/text';
import type { ObjectStore, StarRocksClient } from '../ports';
import { repositoryRoot, repositorySpec } from './backup/preflight';
import type { Clusters, FrontendProbe } from './clusters';
import type { InstanceDirectory } from './instances';

export type CheckStatus = 'ok' | 'warning' | 'problem' | 'unknown';

export interface DoctorCheck {
  name: string;
  status: CheckStatus;
  summary: string;
  /** Further lines (each FE, each rule, each privilege). */
  details: string[];
  /** What to run or change, as written (GRANT statements, configuration). */
  fixes: string[];
}

export interface DoctorReport {
  instance: InstanceConfig;
  region: RegionConfig;
  checks: DoctorCheck[];
}

/** Roles followed through SHOW GRANTS FOR ROLE at most (roles granted to roles). */
const MAX_ROLES = 20;

const check = (name: string, status: CheckStatus, summary: string, details: string[] = [], fixes: string[] = []): DoctorCheck => ({ name, status, summary, details, fixes });

function why(err: unknown): string {
  if (err instanceof OutsideError) return `${err.system === 'oss' ? 'OSS' : 'StarRocks'} answered: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/** Runs one check; an unexpected failure becomes an `unknown` check naming it. */
async function attempt(name: string, run: () => Promise<DoctorCheck | DoctorCheck[]>): Promise<DoctorCheck[]> {
  try {
    const result = await run();
    return Array.isArray(result) ? result : [result];
  } catch (err) {
    const status: CheckStatus = err instanceof OutsideError && (err.kind === 'privileges' || err.kind === 'auth') ? 'problem' : 'unknown';
    return [check(name, status, `could not be checked: ${why(err)}`)];
  }
}

export class Doctor {
  constructor(
    private readonly instances: InstanceDirectory,
    private readonly clusters: Clusters,
  ) {}

  async examine(instanceId: string): Promise<DoctorReport> {
    const instance = this.instances.get(instanceId);
    const region = this.instances.region(instance);
    const client = this.clusters.client(instance);
    const objects = this.clusters.storeOf(instance);
    const probes = await this.clusters.probeFrontends(instance);
    const checks = [frontendsCheck(probes)];
    const answering = probes.filter((p) => p.version !== null);
    if (answering.length === 0) {
      checks.push(check('StarRocks', 'unknown', 'not checked: no FE address answered'));
    } else {
      checks.push(versionCheck(answering));
      const major = answering[0]?.version?.major ?? 3;
      const mode = await attempt('Run mode', () => runModeCheck(client, instance));
      checks.push(...mode);
      const sharedData = mode[0]?.summary.startsWith('shared-data') ?? false;
      checks.push(...(await attempt('Privileges', () => privilegesCheck(client, instance, major))));
      checks.push(...(await attempt('FE time zone', async () => check('FE time zone', 'ok', `${await client.timeZone()}${instance.feTimezone ? ` (job times are read in ${instance.feTimezone}, as configured)` : ': job times and backup timestamps are read in it'}`))));
      checks.push(...(await attempt('Backends', async () => {
        const alive = await client.liveBackends();
        if (alive > 0) return check('Backends', 'ok', plural(alive, 'live backend'));
        if (sharedData) return check('Backends', 'ok', 'none (a shared-data cluster computes on compute nodes)');
        return check('Backends', 'problem', 'no live backend: nothing can be backed up or restored');
      })));
      checks.push(...(await attempt('Repository', () => repositoryCheck(client, region, instance))));
    }
    const bucket = await attempt('Bucket region', () => bucketRegionCheck(objects, region, instance));
    checks.push(...bucket);
    if (bucket[0]?.status === 'unknown') {
      // OSS did not answer: the other bucket checks would wait for the same silence.
      checks.push(check('OSS', 'unknown', `not checked further: ${bucket[0].summary.replace(/^could not be checked: /, '')}`));
      return { instance, region, checks };
    }
    checks.push(...(await attempt('Bucket settings', () => bucketSafetyChecks(objects, region, instance))));
    checks.push(...(await attempt('Snapshots on OSS', async () => {
      const root = repositoryRoot(region, instance);
      const snapshots = await objects.listSnapshots(root);
      const complete = snapshots.filter((s) => s.complete).length;
      return check('Snapshots on OSS', 'ok', `${plural(snapshots.length, 'snapshot')} under oss://${region.bucket}/${root}/ (${complete} complete); listing works`);
    })));
    return { instance, region, checks };
  }
}

function frontendsCheck(probes: FrontendProbe[]): DoctorCheck {
  const ok = probes.filter((p) => p.version !== null);
  const details = probes.map((p) => (p.version ? `${p.address}: answers (StarRocks ${p.version.raw.split(' ')[0]})` : `${p.address}: ${p.error ?? 'no answer'}`));
  const fix = ['Check the addresses under frontends:, the network path from the bot, and the user and password (passwordEnv).'];
  if (probes.length === 1) return ok.length ? check('Frontends', 'ok', 'the FE address answers', details) : check('Frontends', 'problem', 'the FE address does not answer', details, fix);
  if (ok.length === probes.length) return check('Frontends', 'ok', `all ${probes.length} FE addresses answer`, details);
  if (ok.length > 0) return check('Frontends', 'warning', `${ok.length} of ${probes.length} FE addresses answer: the bot tries them in turn, so it works while one answers`, details);
  return check('Frontends', 'problem', `none of the ${probes.length} FE addresses answers`, details, fix);
}

function versionCheck(answering: FrontendProbe[]): DoctorCheck {
  const versions = [...new Set(answering.map((p) => p.version?.raw.split(' ')[0] ?? ''))];
  const v = answering[0]?.version;
  if (!v) return check('Version', 'unknown', 'not read');
  if (v.major < 2 || (v.major === 2 && v.minor < 5)) {
    return check('Version', 'problem', `StarRocks ${versions.join(', ')}: the bot needs 2.5 or later (repositories without a broker)`);
  }
  if (versions.length > 1) return check('Version', 'warning', `the FEs report different versions: ${joinAnd(versions)} (an upgrade under way?)`);
  return check('Version', 'ok', `StarRocks ${versions[0]}`);
}

async function runModeCheck(client: StarRocksClient, instance: InstanceConfig): Promise<DoctorCheck> {
  try {
    const mode = await client.runMode();
    if (mode === 'shared_data') return check('Run mode', 'problem', `shared-data (run_mode = shared_data): StarRocks cannot back up or restore ${instance.id}`);
    return check('Run mode', 'ok', 'shared-nothing (run_mode = shared_nothing)');
  } catch (err) {
    if (err instanceof OutsideError && err.kind === 'privileges') return check('Run mode', 'problem', `not readable: ${err.message}`, [], [`GRANT OPERATE ON SYSTEM TO USER '${instance.user}'@'%';`]);
    throw err;
  }
}

async function privilegesCheck(client: StarRocksClient, instance: InstanceConfig, major: number): Promise<DoctorCheck> {
  const grants = await client.privileges();
  const roleGrants = new Map<string, string[] | null>();
  const queue = major >= 3 ? grantedRoles(grants) : [];
  while (queue.length > 0 && roleGrants.size < MAX_ROLES) {
    const role = queue.shift() as string;
    if (roleGrants.has(role) || isBuiltInRole(role)) continue;
    const lines = await client.roleGrants(role).catch(() => null);
    roleGrants.set(role, lines);
    if (lines) queue.push(...grantedRoles(lines));
  }
  const report = checkPrivileges({ major, grants, roleGrants, user: instance.user });
  const missing = report.checks.filter((c) => c.via === null);
  const byVia = new Map<string, string[]>();
  for (const c of report.checks) if (c.via) byVia.set(c.via, [...(byVia.get(c.via) ?? []), `${c.requirement.privilege} ON ${c.requirement.on}`]);
  const details = [
    ...missing.map((c) => `missing: ${c.requirement.privilege} ON ${c.requirement.on}, for ${joinAnd([...c.requirement.purposes])} (${c.requirement.why})${c.partial ? '; granted on some databases or tables only' : ''}`),
    ...[...byVia].map(([via, held]) => `held (${via}): ${held.join(', ')}`),
  ];
  if (report.unreadRoles.length) details.push(`The privileges of ${joinAnd(report.unreadRoles)} could not be read (SHOW GRANTS FOR ROLE); what they give is not counted.`);
  const fixes = missing.map((c) => c.grant);
  const forBackup = missing.filter((c) => c.requirement.purposes.includes('backup'));
  if (forBackup.length) return check('Privileges', 'problem', `the user ${report.user} lacks what a backup needs`, details, fixes);
  if (missing.length) {
    const purposes = [...new Set(missing.flatMap((c) => c.requirement.purposes))];
    return check('Privileges', 'warning', `backups can run; ${joinAnd(purposes)} would be refused`, details, fixes);
  }
  if (report.unreadRoles.length) return check('Privileges', 'warning', `the user ${report.user} holds what was read; some roles could not be read`, details);
  return check('Privileges', 'ok', `the user ${report.user} holds everything backup, restore and verify need`, details);
}

async function repositoryCheck(client: StarRocksClient, region: RegionConfig, instance: InstanceConfig): Promise<DoctorCheck> {
  const spec = repositorySpec(region, instance);
  const found = (await client.repositories()).find((r) => r.name === spec.name);
  if (!found) {
    return check('Repository', 'ok', `${spec.name} does not exist yet: the first backup creates it at ${spec.location} (CREATE REPOSITORY ${spec.name} WITH BROKER ON LOCATION "${spec.location}")`);
  }
  if (found.location.replace(/\/+$/, '') !== spec.location) {
    return check('Repository', 'problem', `${spec.name} exists but points at ${found.location || 'an unknown location'}, not at ${spec.location} as configured: backups would go where the bot does not look`, [], [
      `DROP REPOSITORY ${spec.name}; (the objects on OSS stay), or set repository: for ${instance.id} in the configuration`,
    ]);
  }
  if (found.readOnly) {
    return check('Repository', 'problem', `${spec.name} at ${found.location} is read-only: backups cannot be written to it`, [], [`DROP REPOSITORY ${spec.name}; (the objects on OSS stay): the next backup creates it writable`]);
  }
  return check('Repository', 'ok', `${spec.name} exists at ${found.location}, writable`);
}

async function bucketRegionCheck(objects: ObjectStore, region: RegionConfig, instance: InstanceConfig): Promise<DoctorCheck> {
  const bucketRegion = await objects.bucketRegion();
  if (bucketRegion !== instance.region) {
    return check('Bucket region', 'problem', `bucket ${region.bucket} is in ${bucketRegion}, but ${instance.id} is in ${instance.region}: backups never cross regions`, [], [
      `Point region ${region.id} at a bucket in ${instance.region}.`,
    ]);
  }
  return check('Bucket region', 'ok', `bucket ${region.bucket} is in ${bucketRegion}, like ${instance.id}`);
}

async function bucketSafetyChecks(objects: ObjectStore, region: RegionConfig, instance: InstanceConfig): Promise<DoctorCheck[]> {
  const root = repositoryRoot(region, instance);
  const safety = await objects.bucketSafety(`${root}/`);
  const out: DoctorCheck[] = [];
  out.push(
    safety.versioning === 'Off'
      ? check('Versioning', 'ok', 'off: deleting an expired backup frees its storage')
      : check('Versioning', 'warning', `${safety.versioning.toLowerCase()}: deleting an expired backup leaves old versions behind, so it frees no storage until a lifecycle rule removes them`),
  );
  out.push(
    safety.retentionLock
      ? check('Retention lock', 'warning', `WORM ${safety.retentionLock.state}, ${safety.retentionLock.days} days: expired backups cannot be deleted before the lock allows it`)
      : check('Retention lock', 'ok', 'none'),
  );
  const enabled = safety.lifecycleRules.filter((r) => r.status === 'Enabled');
  out.push(
    enabled.length
      ? check('Lifecycle rules', 'warning', `${plural(enabled.length, 'rule')} cover the repository: objects may vanish behind the bot's back`, enabled.map((r) => `${r.id} (prefix "${r.prefix}"${r.expirationDays !== null ? `, expires after ${r.expirationDays} days` : ''})`))
      : check('Lifecycle rules', 'ok', `none covering ${root}/`),
  );
  return out;
}
