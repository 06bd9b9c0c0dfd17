// The composition root, part one: the use cases (services) and the command core, built from the
// configuration, the store and the outside systems' connectors.

import { createCommandCore } from '../../commands/core';
import { TokenSigner } from '../../commands/signing';
import type { Actor, BackupSet, RestoreRequest } from '../domain/types';
import type { Clock, CommandCore, Store } from '../ports';
import { Announcer } from '../services/announcer';
import { Auditor } from '../services/audit';
import { BackupabilityCheck } from '../services/backupable';
import { BackupService } from '../services/backup/service';
import { BackupCatalog } from '../services/catalog';
import { Clusters } from '../services/clusters';
import { Doctor } from '../services/doctor';
import { InstanceDirectory } from '../services/instances';
import { InstanceOverview } from '../services/overview';
import { PeopleDirectory } from '../services/people';
import type { RestoreDeps } from '../services/restore/deps';
import { RestoreService } from '../services/restore/service';
import { retentionParts } from '../services/retention/parts';
import type { Services } from '../services/services';
import { SettingsService } from '../services/settings';
import { TaskBook } from '../services/tasks';
import type { BotParts } from './parts';
import { storedSeenKeys, type StoredSeenKeys } from './seen-keys';
import { StartedHere } from './started-here';

async function signingKey(store: Store): Promise<Buffer> {
  // Replicas starting together on a new store all keep the first one's key: a button made by one
  // is accepted by every other.
  const key = (await store.runnerState.get('signingKey')) ?? (await store.runnerState.setIfAbsent('signingKey', TokenSigner.newKey()));
  return Buffer.from(key, 'hex');
}

/** What the runner's controllers need of the services, besides what commands see. */
export interface BuiltServices {
  services: Services;
  core: CommandCore;
  seenRequests: StoredSeenKeys;
  startedHere: StartedHere;
  instances: InstanceDirectory;
  people: PeopleDirectory;
  clusters: Clusters;
  catalog: BackupCatalog;
  audit: Auditor;
  announcer: Announcer;
  tasks: TaskBook;
  settings: SettingsService;
  backups: BackupService;
  restores: RestoreService;
  restoreDeps: RestoreDeps;
  retention: ReturnType<typeof retentionParts>;
}

export async function buildServices(
  parts: BotParts,
  clock: Clock,
  kick: (name: string) => () => void,
  events: { restoreEnded: (request: RestoreRequest) => void },
): Promise<BuiltServices> {
  const { config, store, log } = parts;
  const instances = new InstanceDirectory(config);
  const people = new PeopleDirectory(config.people, config.defaultRole);
  const clusters = new Clusters(instances, parts.starrocks, parts.oss, clock);
  const catalog = new BackupCatalog(store, instances);
  const audit = new Auditor(store, clock);
  const announcer = new Announcer(store, clock, instances);
  const tasks = new TaskBook(store, clock);
  const backupable = new BackupabilityCheck(clusters, clock);
  const settings = new SettingsService(people, store, clock, instances, catalog, audit, announcer, backupable);
  const signer = new TokenSigner(await signingKey(store));
  const retention = retentionParts({
    deps: { store, clock, instances, clusters, announcer, audit, tasks, log: log.child({ part: 'retention' }) },
    settings,
    expiryWarningHours: config.expiryWarningHours,
    sign: (command, ttlSeconds, now) => signer.action(command, ttlSeconds, now),
    onRequested: kick('retention'),
  });
  const startedHere = new StartedHere(async (id) =>
    id.startsWith('rs-')
      ? ['APPROVED', 'RUNNING'].includes((await store.restores.get(id))?.state ?? '')
      : (await store.backupSets.get(id))?.state === 'RUNNING',
  );
  const onStarted = (set: BackupSet, actor: Actor) => {
    startedHere.started(set, actor);
    kick('backups')();
  };
  const backups = new BackupService({
    store,
    clock,
    instances,
    settings,
    announcer,
    audit,
    tasks,
    backupable,
    log: log.child({ part: 'backups' }),
    onStarted,
    releasedRefusal: (id) => retention.released.refusal(id),
  });
  const restoreDeps = {
    store,
    clock,
    instances,
    clusters,
    people,
    announcer,
    audit,
    tasks,
    log: log.child({ part: 'restores' }),
    signer,
    approvalTtlHours: config.approvals.ttlHours,
    databaseConcurrency: config.scheduler.databaseConcurrency,
    invisibleJobLimitMinutes: config.scheduler.invisibleJobLimitMinutes,
    ...(parts.timing?.resendGraceMs !== undefined ? { resendGraceMs: parts.timing.resendGraceMs } : {}),
    onApproved(request: RestoreRequest, actor: Actor) {
      startedHere.startedWork(request.id, actor);
      kick('restores')();
    },
    onRequested: kick('approvals'),
    onEnded(request: RestoreRequest) {
      startedHere.endedHere(request.id);
      events.restoreEnded(request);
    },
  };
  const restores = new RestoreService(restoreDeps);
  const overview = new InstanceOverview(instances, settings, catalog, clusters, (id) => retention.released.refusal(id));
  settings.releasedRefusal = (id) => retention.released.refusal(id);
  const doctor = new Doctor(instances, clusters);
  const services: Services = { clock, people, instances, overview, doctor, settings, catalog, backups, restores, tasks, ...retention.services };
  // A confirm button does its work once: a second click (or a replayed one) is told it was done.
  const usedButtons = storedSeenKeys(store, 'commands.button', 24 * 3600_000);
  const core = createCommandCore({ services, signer, usedButtons, log: log.child({ part: 'commands' }) });
  // Slack signs a request for 5 minutes either way of its timestamp: 10 minutes covers any replay.
  const seenRequests = storedSeenKeys(store, 'slack.request', 10 * 60_000);

  return { services, core, seenRequests, startedHere, instances, people, clusters, catalog, audit, announcer, tasks, settings, backups, restores, restoreDeps, retention };
}
