// Backup settings: one schedule per instance, versioned, audited and announced.

import { ConflictError, StaleUpdateError } from '../domain/errors';
import { formatBytes, formatLocal } from '../domain/format';
import { peakHoursWarning } from '../domain/schedule';
import { DEFAULT_SETTINGS, describeSchedule, diffSettings, validateSettings } from '../domain/settings';
import type { Actor, BackupSettings, StoredSettings } from '../domain/types';
import type { Clock, Store } from '../ports';
import type { Announcer } from './announcer';
import type { Auditor } from './audit';
import type { BackupabilityCheck } from './backupable';
import type { BackupCatalog } from './catalog';
import type { InstanceDirectory } from './instances';
import type { PeopleDirectory } from './people';

export type SettingsPatch = Partial<BackupSettings>;

export interface SettingsSaved {
  before: StoredSettings;
  after: StoredSettings;
  /** Human lines, `time 00:00 → 02:30`; empty when nothing changed. */
  changes: string[];
  warnings: string[];
  notes: string[];
}

export class SettingsService {
  private readonly listeners: ((s: StoredSettings) => void)[] = [];

  constructor(
    private readonly people: PeopleDirectory,
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly instances: InstanceDirectory,
    private readonly catalog: BackupCatalog,
    private readonly audit: Auditor,
    private readonly announcer: Announcer,
    private readonly backupable: BackupabilityCheck,
  ) {}

  /** Called after every saved change (the scheduler rebuilds that instance's job). */
  onChange(listener: (s: StoredSettings) => void): void {
    this.listeners.push(listener);
  }

  async current(instanceId: string): Promise<StoredSettings> {
    const stored = await this.store.settings.get(instanceId);
    return stored ?? { ...DEFAULT_SETTINGS, instanceId, version: 0, updatedAt: null, updatedBy: null };
  }

  personName(personId: string | null): string {
    return this.people.name(personId);
  }

  staleMessage(stored: StoredSettings, seen: BackupSettings): string {
    const who = this.personName(stored.updatedBy);
    const when = stored.updatedAt ? ` at ${formatLocal(new Date(stored.updatedAt), this.instances.get(stored.instanceId).timezone)}` : '';
    const changes = diffSettings(seen, stored);
    return `${who} changed the settings of ${stored.instanceId}${when}${changes.length ? ` (${changes.join(', ')})` : ''}; nothing was saved. Open the settings again and re-apply your change.`;
  }

  /** Why an instance takes no settings (it was released); set by the composition root. */
  releasedRefusal: (instanceId: string) => Promise<string | null> = async () => null;

  /**
   * Applies a change. `seenVersion` is the version the person looked at (a form); a text
   * command passes null and changes the latest version.
   */
  async save(actor: Actor, instanceId: string, patch: SettingsPatch, seenVersion: number | null, seen?: BackupSettings): Promise<SettingsSaved> {
    const instance = this.instances.get(instanceId);
    const released = await this.releasedRefusal(instanceId);
    if (released) throw new ConflictError(`${released} Nothing was saved.`);
    const before = await this.current(instanceId);
    if (seenVersion !== null && seenVersion !== before.version) {
      throw new StaleUpdateError(this.staleMessage(before, seen ?? before), before);
    }
    const merged = validateSettings({
      enabled: patch.enabled ?? before.enabled,
      weekdays: patch.weekdays ?? before.weekdays,
      time: patch.time ?? before.time,
      retentionDays: patch.retentionDays ?? before.retentionDays,
    });
    const changes = diffSettings(before, merged);
    const warnings: string[] = [];
    const peak = merged.enabled ? peakHoursWarning(merged.time, instance.peakHours) : null;
    if (peak) warnings.push(peak);
    if (changes.length === 0) return { before, after: before, changes, warnings, notes: [] };
    if (merged.enabled) {
      // A schedule that can never succeed is refused now, not at its first run.
      const able = await this.backupable.check(instance, 'Nothing was saved.');
      if (able.kind === 'unknown') {
        warnings.push(`The architecture of ${instanceId} could not be read from the cluster (${able.why}); the schedule is saved, and each run checks it again (a shared-data cluster cannot be backed up).`);
      }
    }

    const now = this.clock.now();
    const next: StoredSettings = {
      ...merged,
      instanceId,
      version: before.version + 1,
      updatedAt: now.toISOString(),
      updatedBy: actor.personId ?? `${actor.platform}:${actor.userId}`,
    };
    const notes = await this.notesFor(before, next, instance.timezone);
    const schedule = describeSchedule(next, instance.timezone);
    let after: StoredSettings;
    try {
      // The change, its audit record and its announcement land together.
      after = await this.store.atomically(async (tx) => {
        const saved = await tx.settings.save(next);
        await this.audit.record({ actor, action: 'settings.update', instanceId, subject: instanceId, before, after: saved }, tx);
        await this.announcer.announce(
          instanceId,
          {
            visibility: 'channel',
            tone: 'info',
            title: `Backup settings of ${instanceId} changed`,
            text: `${actor.displayName ?? this.personName(actor.personId)} changed the backup settings of *${instanceId}*: ${changes.join('; ')}.\nSchedule now: ${schedule}.`,
            notes: [...warnings, ...notes],
          },
          null,
          tx,
        );
        return saved;
      });
    } catch (err) {
      if (err instanceof StaleUpdateError) {
        throw new StaleUpdateError(this.staleMessage(err.current as StoredSettings, before), err.current);
      }
      throw err;
    }
    for (const listener of this.listeners) listener(after);
    return { before, after, changes, warnings, notes };
  }

  private async notesFor(before: StoredSettings, after: StoredSettings, zone: string): Promise<string[]> {
    const notes: string[] = [];
    if (!before.enabled && after.enabled) {
      const total = await this.catalog.totalSize(after.instanceId);
      notes.push(
        `Backups cost extra OSS storage: every backup set is a full copy of one replica of the data. Current backup storage of ${after.instanceId}: ${formatBytes(total.bytes)} in ${total.sets} set${total.sets === 1 ? '' : 's'}.`,
      );
    }
    if (before.enabled && !after.enabled) {
      const last = await this.catalog.lastExpiry(after.instanceId);
      notes.push(
        last
          ? `No new backups will be taken. Existing sets are kept until they expire; the last one expires ${formatLocal(last, zone)}.`
          : 'No new backups will be taken. There are no existing backup sets.',
      );
    }
    if (after.retentionDays < before.retentionDays) {
      notes.push(`The shorter retention applies to new backups only; existing sets keep the expiry they were given.`);
    }
    return notes;
  }
}
