// Builders for the records the Store keeps, shared by the contract suite and store tests.

import type { Reply } from '../../src/reply';
import type { AuditEvent, StoredSettings, Task } from '../../src/domain/types';
import type { NewOutboxItem, OutboxItem } from '../../src/ports';

export function someSettings(over: Partial<StoredSettings> = {}): StoredSettings {
  return {
    instanceId: 'prod-1',
    enabled: true,
    weekdays: ['mon', 'thu'],
    time: '02:30',
    retentionDays: 14,
    version: 1,
    updatedAt: '2026-11-24T01:00:00.000Z',
    updatedBy: 'alice',
    ...over,
  };
}

export function aTask(over: Partial<Task> = {}): Task {
  return {
    id: 'task-1',
    kind: 'backup',
    instanceId: 'prod-1',
    subject: 'bk-20261124-0230-prod-1',
    state: 'RUNNING',
    progress: { done: 1, total: 4, unit: 'databases' },
    detail: 'uploading',
    startedAt: '2026-11-24T00:00:00.000Z',
    finishedAt: null,
    updatedAt: '2026-11-24T00:01:00.000Z',
    ...over,
  };
}

export function anAuditEvent(over: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id: 'ev-1',
    at: '2026-11-24T00:00:00.000Z',
    actor: { platform: 'slack', userId: 'U0ALICE', personId: 'alice' },
    action: 'settings.save',
    instanceId: 'prod-1',
    subject: null,
    before: { enabled: false },
    after: { enabled: true, weekdays: ['mon'] },
    ...over,
  };
}

export function aReply(text: string): Reply {
  return { visibility: 'channel', tone: 'info', text };
}

/** A notification as the announcer queues it. */
export function aNotification(over: Partial<NewOutboxItem> = {}): NewOutboxItem {
  return {
    id: 'ob-1',
    key: null,
    channel: { platform: 'slack', channelId: 'C0BACKUPS' },
    reply: aReply('hello'),
    createdAt: '2026-11-24T00:00:00.000Z',
    ...over,
  };
}

/** A queued notification as the store hands it out: never tried, not claimed. */
export function aQueuedItem(over: Partial<OutboxItem> = {}): OutboxItem {
  return {
    ...aNotification(),
    attempts: 0,
    nextAttemptAt: over.createdAt ?? aNotification().createdAt,
    deliveredAt: null,
    lastError: null,
    claimedBy: null,
    claimedUntil: null,
    ...over,
  };
}

/** The values of the fulfilled results and the reasons of the rejected ones. */
export function outcomes<T>(results: PromiseSettledResult<T>[]): { won: T[]; lost: unknown[] } {
  return {
    won: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    lost: results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : [])),
  };
}
