// One StarRocks client per instance and one object store per region, made on first use.

import type { InstanceConfig, RegionConfig } from '../config/types';
import type { ObjectStore, ObjectStoreConnector, RunMode, StarRocksClient, StarRocksConnector } from '../ports';
import type { InstanceDirectory } from './instances';

export interface Architecture {
  runMode: RunMode | null;
  version: string | null;
  /** Why it could not be read, when it could not. */
  error: string | null;
  checkedAt: number;
}

const ARCHITECTURE_TTL_MS = 5 * 60_000;

export class Clusters {
  private readonly clients = new Map<string, StarRocksClient>();
  private readonly stores = new Map<string, ObjectStore>();
  private readonly architectures = new Map<string, Architecture>();

  constructor(
    private readonly instances: InstanceDirectory,
    private readonly starrocks: StarRocksConnector,
    private readonly oss: ObjectStoreConnector,
  ) {}

  client(instance: InstanceConfig): StarRocksClient {
    let client = this.clients.get(instance.id);
    if (!client) {
      client = this.starrocks.connect({
        instanceId: instance.id,
        frontends: instance.frontends,
        user: instance.user,
        password: instance.password,
        ...(instance.feTimezone ? { feTimeZone: instance.feTimezone } : {}),
      });
      this.clients.set(instance.id, client);
    }
    return client;
  }

  objectStore(region: RegionConfig): ObjectStore {
    let store = this.stores.get(region.id);
    if (!store) {
      store = this.oss.connect({
        region: region.id,
        bucket: region.bucket,
        endpoint: region.endpoint,
        accessKeyId: region.accessKeyId,
        accessKeySecret: region.accessKeySecret,
      });
      this.stores.set(region.id, store);
    }
    return store;
  }

  storeOf(instance: InstanceConfig): ObjectStore {
    return this.objectStore(this.instances.region(instance));
  }

  /** Shared-nothing or shared-data, read from the cluster itself (cached a few minutes). */
  async architecture(instance: InstanceConfig, now: number): Promise<Architecture> {
    const cached = this.architectures.get(instance.id);
    if (cached && now - cached.checkedAt < ARCHITECTURE_TTL_MS && !cached.error) return cached;
    const client = this.client(instance);
    let result: Architecture;
    try {
      const version = await client.version();
      const runMode = await client.runMode();
      result = { runMode, version: version.raw.split(' ')[0] ?? version.raw, error: null, checkedAt: now };
    } catch (err) {
      result = { runMode: null, version: null, error: err instanceof Error ? err.message : String(err), checkedAt: now };
    }
    this.architectures.set(instance.id, result);
    return result;
  }

  async close(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.allSettled(clients.map((c) => c.close()));
  }
}
