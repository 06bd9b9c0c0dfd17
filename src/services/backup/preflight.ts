// Before any BACKUP statement: the cluster must be shared-nothing, the bucket in the instance's
// region, the repository there. Warnings about the bucket are kept on the set.

import type { InstanceConfig, RegionConfig } from '../../config/types';
import { UserError } from '../../domain/errors';
import type { ObjectStore, RepositorySpec, StarRocksClient, StarRocksVersion } from '../../ports';

export interface PreflightResult {
  version: StarRocksVersion;
  warnings: string[];
}

/** Key prefix of the instance's repository root in the bucket. */
export function repositoryRoot(region: Pick<RegionConfig, 'pathPrefix'>, instance: Pick<InstanceConfig, 'repository'>): string {
  const prefix = region.pathPrefix ? `${region.pathPrefix}/` : '';
  return `${prefix}__starrocks_repository_${instance.repository}`;
}

export function repositorySpec(region: RegionConfig, instance: InstanceConfig, readOnly = false): RepositorySpec {
  return {
    name: instance.repository,
    location: `oss://${region.bucket}${region.pathPrefix ? `/${region.pathPrefix}` : ''}`,
    endpoint: region.starrocksEndpoint,
    accessKeyId: region.accessKeyId,
    accessKeySecret: region.accessKeySecret,
    readOnly,
  };
}

/** A refusal that fails the whole set before anything was submitted. */
export class PreflightRefusal extends UserError {}

export async function preflight(
  instance: InstanceConfig,
  region: RegionConfig,
  client: StarRocksClient,
  store: ObjectStore,
): Promise<PreflightResult> {
  const version = await client.version();
  const runMode = await client.runMode();
  if (runMode === 'shared_data') {
    throw new PreflightRefusal(
      `${instance.id} is a shared-data cluster (run_mode = shared_data, read from the cluster): StarRocks backup and restore only work on shared-nothing instances. Nothing was backed up.`,
    );
  }
  const bucketRegion = await store.bucketRegion();
  if (bucketRegion !== instance.region) {
    throw new PreflightRefusal(
      `the bucket ${region.bucket} is in ${bucketRegion}, but ${instance.id} is in ${instance.region}: backups never cross regions. Point region ${region.id} at a bucket in ${instance.region}. Nothing was backed up.`,
    );
  }
  const root = repositoryRoot(region, instance);
  const safety = await store.bucketSafety(`${root}/`);
  const warnings: string[] = [];
  if (safety.versioning === 'Enabled' || safety.versioning === 'Suspended') {
    warnings.push(`Bucket ${region.bucket} has versioning ${safety.versioning.toLowerCase()}: deleting an expired backup leaves old versions behind, so it frees no storage until a lifecycle rule removes them.`);
  }
  if (safety.retentionLock) {
    warnings.push(`Bucket ${region.bucket} has a retention lock (WORM, ${safety.retentionLock.state}, ${safety.retentionLock.days} days): expired backups cannot be deleted before the lock allows it.`);
  }
  for (const rule of safety.lifecycleRules.filter((r) => r.status === 'Enabled')) {
    warnings.push(`Lifecycle rule ${rule.id} on ${region.bucket} (prefix "${rule.prefix}"${rule.expirationDays !== null ? `, expires after ${rule.expirationDays} days` : ''}) may delete backup objects behind the bot's back.`);
  }
  await client.ensureRepository(repositorySpec(region, instance));
  return { version, warnings };
}
