// The small values the bot keeps between runs, each with its schema: the store validates a value
// before writing it and after reading it, so a bad value is refused, never saved.

import { z } from 'zod';

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO-8601 time');

export const RUNNER_STATE = {
  /** HMAC key of the buttons' and forms' signed tokens (hex). */
  signingKey: z.string().regex(/^[0-9a-f]{32,128}$/, 'expected 16 to 64 bytes of hex'),
  /** The scheduler's last heartbeat: what a restart compares with to find missed runs. */
  schedulerLastSeen: isoTime,
  /** Per instance, when the watchdog last alerted about it (absent: not alerting). */
  watchdogAlerts: z.record(z.string(), isoTime),
  /** Instances released with `/backup release`, by id (kept until they leave the configuration). */
  releasedInstances: z.record(
    z.string(),
    z.object({
      instanceId: z.string().min(1),
      releasedAt: isoTime,
      releasedBy: z.string().min(1),
      setIds: z.array(z.string()),
      bytes: z.number().nonnegative(),
      taskId: z.string().min(1),
      finishedAt: isoTime.nullable(),
    }),
  ),
  /** Per instance, the snapshots on OSS the store has no record of that were already announced. */
  reconcileReported: z.record(z.string(), z.array(z.string())),
  /**
   * Per instance on which no restore could be approved, what its channel was told (its admins and
   * self-approval): the start-up warning is posted again only when that changes.
   */
  unapprovableWarned: z.record(z.string(), z.string().max(2000)),
} as const;

export type RunnerStateKey = keyof typeof RUNNER_STATE;
export type RunnerStateValue<K extends RunnerStateKey> = z.infer<(typeof RUNNER_STATE)[K]>;

export function isRunnerStateKey(key: string): key is RunnerStateKey {
  return Object.hasOwn(RUNNER_STATE, key);
}

/** Checks a value against its key's schema; throws an Error naming the key. */
export function checkRunnerValue<K extends RunnerStateKey>(key: K, value: unknown): RunnerStateValue<K> {
  const parsed = RUNNER_STATE[key].safeParse(value);
  if (!parsed.success) throw new Error(`runner state ${key}: ${parsed.error.issues[0]?.message ?? 'invalid value'}`);
  return parsed.data as RunnerStateValue<K>;
}
