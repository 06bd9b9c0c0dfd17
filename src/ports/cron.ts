export interface CronJob {
  stop(): void;
}

/** Fires `onTick` at each match of a 5-field cron expression in a time zone. */
export interface Cron {
  schedule(expression: string, timezone: string, onTick: (firedAt: Date) => void): CronJob;
}
