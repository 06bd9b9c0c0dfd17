// Builders for domain records in tests: a valid record with the fields a test cares about.

import type { BackupSet, DatabaseBackup, DatabaseRestore, RestoreRequest } from '../../src/domain/types';

export function aDatabaseBackup(over: Partial<DatabaseBackup> = {}): DatabaseBackup {
  return {
    database: 'sales',
    snapshotName: 'bk_20261124_0230_prod_1__sales',
    attempt: 1,
    resends: 0,
    tables: ['orders', 'customers'],
    state: 'FINISHED',
    jobState: 'FINISHED',
    tracking: 'visible',
    waitingFor: null,
    progress: null,
    submittedAt: '2026-11-23T18:30:05.000Z',
    finishedAt: '2026-11-23T18:40:00.000Z',
    backupTimestamp: '2026-11-24-02-30-10-123',
    snapshotAt: '2026-11-23T18:30:10.123Z',
    sizeBytes: 1024,
    objectCount: 10,
    error: null,
    ...over,
  };
}

export function aBackupSet(over: Partial<BackupSet> = {}): BackupSet {
  return {
    id: 'bk-20261124-0230-prod-1',
    instanceId: 'prod-1',
    region: 'cn-hangzhou',
    trigger: 'scheduled',
    scheduledDay: '2026-11-24',
    late: false,
    state: 'RUNNING',
    requestedBy: null,
    repository: 'bot_prod_1',
    startedAt: '2026-11-23T18:30:00.000Z',
    finishedAt: null,
    retentionDays: 7,
    expiresAt: null,
    databases: [aDatabaseBackup({ state: 'SUBMITTED', jobState: 'UPLOADING', progress: { done: 3, total: 10 }, finishedAt: null })],
    leftOut: { views: [], materializedViews: [], colocateGroups: [], unsupportedTables: [] },
    sizeBytes: null,
    objectCount: null,
    error: null,
    refused: false,
    warnings: [],
    events: [],
    sourceVersion: '3.3.5',
    expiryWarnedAt: null,
    outage: null,
    deletedAt: null,
    deletedBy: null,
    retentionHold: null,
    deletionBlocked: null,
    ...over,
  };
}

/** A set that finished at `finishedAt` and expires `retentionDays` later. */
export function aFinishedSet(over: Partial<BackupSet> = {}): BackupSet {
  const finishedAt = over.finishedAt ?? '2026-11-23T18:40:00.000Z';
  const retentionDays = over.retentionDays ?? 7;
  return aBackupSet({
    state: 'FINISHED',
    finishedAt,
    retentionDays,
    expiresAt: new Date(Date.parse(finishedAt) + retentionDays * 86_400_000).toISOString(),
    databases: [aDatabaseBackup()],
    sizeBytes: 1024,
    objectCount: 10,
    ...over,
  });
}

export function aRestoreRequest(over: Partial<RestoreRequest> = {}): RestoreRequest {
  return {
    id: 'rs-20261125-1000-staging-1',
    backupSetId: 'bk-20261124-0230-prod-1',
    sourceInstanceId: 'prod-1',
    targetInstanceId: 'staging-1',
    databases: ['sales'],
    state: 'PENDING_APPROVAL',
    requestedBy: 'alice',
    requestedAt: '2026-11-25T02:00:00.000Z',
    approvalExpiresAt: '2026-11-26T02:00:00.000Z',
    decidedBy: null,
    decidedAt: null,
    startedAt: null,
    finishedAt: null,
    error: null,
    jobs: [],
    version: 1,
    replicationNum: 3,
    sizeBytes: 1024,
    selfApproved: false,
    repository: 'bot_prod_1',
    repositoryOwned: null,
    repositoryDropped: false,
    createdDatabases: [],
    droppedDatabases: [],
    warnings: [],
    ...over,
  };
}

export function aDatabaseRestore(over: Partial<DatabaseRestore> = {}): DatabaseRestore {
  return {
    database: 'sales',
    snapshotName: 'bk_20261124_0230_prod_1__sales',
    backupTimestamp: '2026-11-24-02-30-10-123',
    state: 'SUBMITTED',
    jobState: 'DOWNLOADING',
    tracking: 'visible',
    waitingFor: null,
    progress: { done: 2, total: 8 },
    submittedAt: '2026-11-25T10:05:00.000Z',
    finishedAt: null,
    error: null,
    tables: ['orders', 'customers'],
    committed: false,
    resends: 0,
    ...over,
  };
}
