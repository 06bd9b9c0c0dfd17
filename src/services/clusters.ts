// One StarRocks client per instance and one object store per region, made on first use. Every
// call of an instance's client is counted as a contact (./contacts.ts), for /healthz.

import type { InstanceConfig, RegionConfig } from '../config/types';
import type { Clock, ObjectStore, ObjectStoreConnector, RunMode, StarRocksClient, StarRocksConnector, StarRocksVersion } from '../ports';
import { ContactBook, type Contact } from './contacts';
import type { InstanceDirectory } from './instances';

export interface Architecture {
  runMode: RunMode | null;
  version: string | null;
  /** Why it could not be read, when it could not. */
  error: string | null;
  checkedAt: number;
}

const ARCHITECTURE_TTL_MS = 5 * 60_000;
/** A look at one FE for the doctor gives up after this long. */
const PROBE_TIMEOUT_MS = 5_000;

/** What one FE address answered. */
export interface FrontendProbe {
  address: string;
  version: StarRocksVersion | null;
  /** Why it did not answer. */
  error: string | null;
}

export class Clusters {
  private readonly clients = new Map<string, StarRocksClient>();
  private readonly stores = new Map<string, ObjectStore>();
  private readonly architectures = new Map<string, Architecture>();
  private readonly contacts: ContactBook;

  constructor(
    private readonly instances: InstanceDirectory,
    private readonly starrocks: StarRocksConnector,
    private readonly oss: ObjectStoreConnector,
    /** The time contacts are recorded at (/healthz). */
    clock: Clock = { now: () => new Date() },
  ) {
    this.contacts = new ContactBook(clock);
  }

  /** The last answered and unanswered call of the instance's cluster. */
  contactOf(instanceId: string): Contact {
    return this.contacts.get(instanceId);
  }

  client(instance: InstanceConfig): StarRocksClient {
    let client = this.clients.get(instance.id);
    if (!client) {
      client = this.contacts.watch(
        instance.id,
        this.starrocks.connect({
          instanceId: instance.id,
          frontends: instance.frontends,
          user: instance.user,
          password: instance.password,
          ...(instance.feTimezone ? { feTimeZone: instance.feTimezone } : {}),
        }),
      );
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

  /**
   * The architecture, or an answer saying the cluster did not answer within `withinMs` (a chat
   * command does not wait for the connection timeouts of an unreachable cluster).
   */
  async architectureWithin(instance: InstanceConfig, now: number, withinMs: number): Promise<Architecture> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<Architecture>((resolve) => {
      timer = setTimeout(() => resolve({ runMode: null, version: null, error: `no answer within ${Math.round(withinMs / 1000)} s`, checkedAt: now }), withinMs);
      timer.unref();
    });
    try {
      return await Promise.race([this.architecture(instance, now), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Each FE address of the instance on its own (a client of its own, closed afterwards). */
  async probeFrontends(instance: InstanceConfig): Promise<FrontendProbe[]> {
    return Promise.all(
      instance.frontends.map(async (fe) => {
        const address = `${fe.host.includes(':') ? `[${fe.host}]` : fe.host}:${fe.port}`;
        const one = this.contacts.watch(
          instance.id,
          this.starrocks.connect({
            instanceId: instance.id,
            frontends: [fe],
            user: instance.user,
            password: instance.password,
            connectTimeoutMs: PROBE_TIMEOUT_MS,
            queryTimeoutMs: PROBE_TIMEOUT_MS,
          }),
        );
        try {
          return { address, version: await one.version(), error: null };
        } catch (err) {
          return { address, version: null, error: err instanceof Error ? err.message : String(err) };
        } finally {
          await one.close().catch(() => undefined);
        }
      }),
    );
  }

  async close(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.allSettled(clients.map((c) => c.close()));
  }
}
