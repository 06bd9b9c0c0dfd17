// A StarRocks FE simulator speaking the MySQL protocol: one port per simulated instance.
// Behaviour follows /work/shared/reference/starrocks-backup.md (see docs/simulator-conformance.md).

import { join } from 'node:path';
import { readState, writeAtomic } from '../state-file';
import { SimCluster } from './cluster';
import { clusterStateSchema } from './state';
import { serveCluster, type WireServer } from './wire';
import type { SimInstanceSpec } from './types';

export type { SimInstanceSpec, SimDatabaseSpec, SimTableSpec, SimPartitionSpec, SimTableKind, BackupState, RestoreState } from './types';
export { SimCluster } from './cluster';
export { SimFaults } from './faults';
export { BYTES_PER_ROW } from './backup-job';

export interface StarRocksSimulatorOptions {
  instances: SimInstanceSpec[];
  /** First instance on basePort, next on basePort+1...; 0/undefined = random ports. */
  basePort?: number;
  /** Accepted credentials (mysql_native_password). */
  user: string;
  password: string;
  /** Injectable time (job times, backup timestamps, timeouts, history ageing). */
  clock?: () => Date;
  /**
   * How long each job state lasts: the scheduler ticks every `stepMs` and moves each job one
   * state. 0 = no automatic ticks (tests call `instance(id).advance()`). Default 400.
   */
  stepMs?: number;
  /**
   * Keep each instance's state (catalog, repositories, jobs) in `<stateDir>/<id>.json`, written
   * after every change and loaded at start: a restart finds the same jobs, as a real FE does.
   */
  stateDir?: string;
  /** With `stateDir`: today's endpoint for a repository endpoint kept from an earlier start. */
  endpoint?: (kept: string) => string;
}

export interface StarRocksSimulator {
  ports: Record<string, number>;
  instance(id: string): SimCluster;
  close(): Promise<void>;
}

/** Loads the kept state of one instance (if any), then writes it after every change. */
async function keepState(cluster: SimCluster, path: string, endpoint?: (kept: string) => string): Promise<void> {
  const kept = readState(path, clusterStateSchema);
  if (kept !== null) await cluster.loadState(kept, endpoint);
  let written = '';
  let warned = false;
  cluster.onChange = () => {
    const text = JSON.stringify(cluster.toState());
    if (text === written) return;
    try {
      writeAtomic(path, text);
      written = text;
    } catch (err) {
      // The simulated FE goes on in memory; say it once rather than on every tick.
      if (!warned) process.stderr.write(`StarRocks simulator: cannot keep the state of ${cluster.id} in ${path}: ${(err as Error).message}\n`);
      warned = true;
    }
  };
  cluster.onChange();
}

export async function startStarRocksSimulator(opts: StarRocksSimulatorOptions): Promise<StarRocksSimulator> {
  const clock = opts.clock ?? (() => new Date());
  const stepMs = opts.stepMs ?? 400;
  const clusters = new Map<string, SimCluster>();
  const servers: WireServer[] = [];
  const ports: Record<string, number> = {};
  try {
    for (const [i, spec] of opts.instances.entries()) {
      if (clusters.has(spec.id)) throw new Error(`duplicate simulated instance id: ${spec.id}`);
      // Distinct id ranges per instance, so ids never collide across clusters.
      const cluster = new SimCluster(spec, clock, 10_001 + i * 1_000_000);
      if (opts.stateDir !== undefined) await keepState(cluster, join(opts.stateDir, `${spec.id}.json`), opts.endpoint);
      const server = await serveCluster(cluster, opts.basePort ? opts.basePort + i : 0, { user: opts.user, password: opts.password });
      servers.push(server);
      clusters.set(spec.id, cluster);
      ports[spec.id] = server.port;
      cluster.startTicker(stepMs);
    }
  } catch (err) {
    await Promise.all([...clusters.values()].map((c) => c.stop()));
    await Promise.all(servers.map((s) => s.close()));
    throw err;
  }
  return {
    ports,
    instance(id) {
      const c = clusters.get(id);
      if (!c) throw new Error(`no simulated instance ${id}`);
      return c;
    },
    async close() {
      await Promise.all([...clusters.values()].map((c) => c.stop()));
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
