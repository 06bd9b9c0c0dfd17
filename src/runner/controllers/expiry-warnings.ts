// Expiry warnings, every few minutes and at start-up: each set gets one warning
// `expiryWarningHours` before it expires (src/services/retention/expiry-warnings.ts), decided
// from the wall clock at each pass, so a clock that jumped leads straight to the right warnings.

import type { ExpiryWarnings } from '../../services/retention/expiry-warnings';
import type { Controller } from '../controller';

export class ExpiryWarningController implements Controller {
  readonly name = 'expiry-warnings';
  readonly intervalMs = 5 * 60_000;

  constructor(private readonly warnings: ExpiryWarnings) {}

  async reconcile(): Promise<void> {
    await this.warnings.check();
  }
}
