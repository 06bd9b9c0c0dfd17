// Reconciliation with OSS at start-up, then daily: a pass over every configured instance's
// repository (src/services/retention/reconcile-start.ts). The pass runs beside the other
// controllers, so a slow or unreachable OSS never delays the start; `settled()` waits for it.

import type { Logger } from '../../ports';
import type { ReconcileAtStart } from '../../services/retention/reconcile-start';
import type { Controller } from '../controller';

export class ReconcileController implements Controller {
  readonly name = 'reconcile';
  readonly intervalMs = 24 * 3600_000;
  private pass: Promise<void> | null = null;

  constructor(
    private readonly deps: { pass: ReconcileAtStart; log: Logger },
  ) {}

  async reconcile(): Promise<void> {
    if (this.pass) return;
    this.pass = this.deps.pass
      .pass()
      .then((done) => this.deps.log.info({ event: 'reconcile.pass', instances: done }, 'reconciled the store with OSS'))
      .catch((err: unknown) => this.deps.log.error({ event: 'reconcile.failed', err: err instanceof Error ? err.message : String(err) }, 'the reconciliation pass failed'))
      .finally(() => {
        this.pass = null;
      });
  }

  async settled(): Promise<void> {
    while (this.pass) await this.pass;
  }

  async stop(): Promise<void> {
    await this.settled();
  }
}
