// The retention use cases built together (the composition root calls this): deletions,
// the sweep, expiry warnings, releases and reconciliation share their dependencies.

import type { SettingsService } from '../settings';
import { DeleteService } from './delete-service';
import { SetDeletions, type RetentionDeps } from './deletions';
import { ExpiryWarnings } from './expiry-warnings';
import type { SignAction } from './messages';
import { Reconciler } from './reconcile';
import { ReconcileAtStart } from './reconcile-start';
import { ReleasedInstances } from './released';
import { ReleaseService } from './releases';
import { RetentionSweep } from './sweep';

export function retentionParts(p: {
  deps: RetentionDeps & { clusters: RetentionDeps['clusters'] & Pick<import('../clusters').Clusters, 'storeOf'> };
  settings: Pick<SettingsService, 'current'>;
  expiryWarningHours: number;
  sign: SignAction;
  /** A deletion or release was requested: the retention controller should look now. */
  onRequested: () => void;
}) {
  const released = new ReleasedInstances(p.deps.store);
  const deletions = new DeleteService(p.deps);
  const releases = new ReleaseService(p.deps, released);
  deletions.onRequested = p.onRequested;
  releases.onReleased = p.onRequested;
  const reconciler = new Reconciler({ ...p.deps, settings: p.settings }, released);
  return {
    released,
    services: { deletions, releases, reconciler },
    controller: { sweep: new RetentionSweep(p.deps, released), deletions: new SetDeletions(p.deps), releases },
    warnings: new ExpiryWarnings(p.deps, released, p.expiryWarningHours, p.sign),
    reconcileAtStart: new ReconcileAtStart(p.deps, reconciler, released),
  };
}
