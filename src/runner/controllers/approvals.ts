// Restore requests nobody decided in time expire (approvals.ttlHours): the request ends, the
// approval message is edited to say so, and it is audited. The controller looks again at the
// next deadline (or its interval, whichever is sooner); a click after the deadline expires the
// request itself, so nothing waits on this controller to be right.

import type { Clock } from '../../ports';
import type { RestoreService } from '../../services/restore/service';
import type { Controller, ReconcileResult } from '../controller';

export class ApprovalExpiryController implements Controller {
  readonly name = 'approvals';
  readonly intervalMs = 5 * 60_000;

  constructor(private readonly deps: { restores: RestoreService; clock: Clock }) {}

  async reconcile(): Promise<ReconcileResult> {
    const { next } = await this.deps.restores.expireDue();
    if (next === null) return {};
    const wait = next.getTime() - this.deps.clock.now().getTime();
    return { requeueAfterMs: Math.min(this.intervalMs, Math.max(1000, wait)) };
  }
}
