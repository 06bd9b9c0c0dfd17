// Repositories of one FE (reference §1): CREATE/DROP/SHOW, each one bound to its OSS location.

import { parseLocation, RepoStore, type StoreCredentials } from './repo-store';
import type { RepositoryState } from './state';
import { feTime } from './time';
import { SqlError, type ResultSet } from './types';

export interface SimRepository {
  id: number;
  name: string;
  readOnly: boolean;
  location: string;
  broker: string | null;
  createTime: string;
  store: RepoStore;
  /** Key of `<location>/__starrocks_repository_<name>` inside the bucket. */
  rootKey: string;
  errMsg: string | null;
  /** The OSS properties it was created with (kept across a restart). */
  credentials: StoreCredentials;
}

export interface RepositoryRequest {
  name: string;
  readOnly: boolean;
  broker: string | null;
  location: string;
  properties: Record<string, string>;
}

const REPO_COLUMNS = ['RepoId', 'RepoName', 'CreateTime', 'IsReadOnly', 'Location', 'Broker', 'ErrMsg'];

export class Repositories {
  private readonly repos = new Map<string, SimRepository>();

  constructor(
    private readonly deps: { newId(): number; now(): Date; zone: string; regionHint?: string },
  ) {}

  get(name: string): SimRepository | undefined {
    return this.repos.get(name);
  }

  all(): SimRepository[] {
    return [...this.repos.values()];
  }

  /** CREATE REPOSITORY: attaches to `__repo_info` when it exists, writes it otherwise (§1.1). */
  async create(req: RepositoryRequest): Promise<void> {
    const fail = (msg: string): never => {
      throw new SqlError(`Failed to create repository: ${msg}`);
    };
    if (this.repos.has(req.name)) fail(`repository with same name already exist: ${req.name}`);
    if (req.broker !== null) throw new SqlError(`broker does not exist: ${req.broker}`);
    const parsed = parseLocation(req.location);
    if (!parsed) return fail(`Invalid location: ${req.location}`);
    const endpoint = req.properties['fs.oss.endpoint'];
    const accessKeyId = req.properties['fs.oss.accessKeyId'];
    const accessKeySecret = req.properties['fs.oss.accessKeySecret'];
    const rootKey = parsed.rootKey(req.name);
    const infoKey = `${rootKey}/__repo_info`;
    if (!endpoint || !accessKeyId || !accessKeySecret) {
      return fail(`failed to list remote path: ${req.location}/__starrocks_repository_${req.name}/__repo_info. msg: missing fs.oss.endpoint / fs.oss.accessKeyId / fs.oss.accessKeySecret`);
    }
    let store: RepoStore;
    let createTime = feTime(this.deps.now(), this.deps.zone);
    try {
      store = await RepoStore.open(parsed.bucket, { endpoint, accessKeyId, accessKeySecret }, this.deps.regionHint);
      const listed = await store.list(infoKey);
      const found = listed.objects.filter((o) => o.name === infoKey);
      if (found.length > 0) {
        const info: unknown = JSON.parse((await store.get(infoKey)).toString('utf8'));
        const t = (info as { create_time?: unknown }).create_time;
        if (typeof t === 'string') createTime = t;
      } else {
        await store.put(infoKey, JSON.stringify({ name: req.name, create_time: createTime }));
      }
    } catch (err) {
      return fail(`failed to list remote path: ${req.location}/__starrocks_repository_${req.name}/__repo_info. msg: ${(err as Error).message}`);
    }
    this.repos.set(req.name, {
      id: this.deps.newId(),
      name: req.name,
      readOnly: req.readOnly,
      location: req.location,
      broker: req.broker,
      createTime,
      store,
      rootKey,
      errMsg: null,
      credentials: { endpoint, accessKeyId, accessKeySecret },
    });
  }

  toState(): RepositoryState[] {
    return this.all().map(({ store: _store, credentials, ...r }) => ({ ...r, ...credentials }));
  }

  /**
   * Repositories kept by `toState`, reconnected to their locations. `endpoint` maps a kept
   * endpoint to today's (the sandbox's OSS may listen on another port after a restart).
   */
  async loadState(states: RepositoryState[], endpoint: (kept: string) => string = (e) => e): Promise<void> {
    this.repos.clear();
    for (const { endpoint: kept, accessKeyId, accessKeySecret, ...r } of states) {
      const credentials = { endpoint: endpoint(kept), accessKeyId, accessKeySecret };
      const bucket = parseLocation(r.location)?.bucket ?? '';
      let store: RepoStore;
      try {
        store = await RepoStore.open(bucket, credentials, this.deps.regionHint);
      } catch (err) {
        throw new Error(`repository ${r.name} cannot reach ${r.location}: ${(err as Error).message}`);
      }
      this.repos.set(r.name, { ...r, store, credentials });
    }
  }

  /** DROP REPOSITORY: forgets the FE record only; objects stay (§1.3). */
  drop(name: string, busy: boolean): void {
    if (!this.repos.has(name)) throw new SqlError('Repository does not exist');
    if (busy) throw new SqlError('Backup or restore job is running on this repository. Can not drop it');
    this.repos.delete(name);
  }

  show(): ResultSet {
    return {
      columns: REPO_COLUMNS,
      rows: this.all().map((r) => [
        String(r.id),
        r.name,
        r.createTime,
        String(r.readOnly),
        r.location,
        r.broker ?? '',
        r.errMsg,
      ]),
    };
  }
}
