// The zod schemas of the YAML configuration file, one per part (a region, an instance, a
// person, the top level), each with messages in the operator's words. Cross-part rules
// (references, uniqueness, secrets in the environment) live in checks.ts.

import { z } from 'zod';
import { IANAZone } from 'luxon';
import { describe, oneOf, quote } from './format';
import type { Role } from '../domain/types';
import { isInstanceId } from '../domain/ids';

type Issue = { input?: unknown };
/** An error callback: `is required` when the key is missing, otherwise the message for the input. */
const says =
  (message: (input: unknown) => string) =>
  (issue: Issue): string =>
    issue.input === undefined ? 'is required' : message(issue.input);

export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];
export const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,127}$/;
export const REPOSITORY_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
export const REGION_ID = /^[a-z]+(-[a-z0-9]+)+$/;

function text(what: string, max = 200) {
  return z
    .string({ error: says((v) => `expected ${what}, got ${describe(v)}`) })
    .refine((s) => s.trim().length > 0 && s.length <= max, {
      error: says((v) => `expected ${what} (1 to ${max} characters), got ${quote(v)}`),
    })
    .transform((s) => s.trim());
}

function pattern(re: RegExp, what: string) {
  return z
    .string({ error: says((v) => `expected ${what}, got ${describe(v)}`) })
    .refine((s) => re.test(s), { error: says((v) => `expected ${what}, got ${quote(v)}`) });
}

/** The NAME of an environment variable. The value is never quoted: it might be the secret itself. */
const envName = z
  .string({ error: says(() => 'expected the name of an environment variable that holds the secret') })
  .refine((s) => ENV_NAME.test(s), {
    error: says(() => 'must be the name of an environment variable (A-Z, 0-9 and _, e.g. OSS_SK_HZ), not the secret itself'),
  });

function wholeNumber(min: number, max: number) {
  const message = (v: unknown) => `must be a whole number from ${min} to ${max}, got ${quote(v)}`;
  return z
    .number({ error: says(message) })
    .refine((n) => Number.isInteger(n) && n >= min && n <= max, { error: says(message) });
}

const bool = z.boolean({ error: says((v) => `must be true or false, got ${quote(v)}`) });

export const roleSchema = z.enum(ROLES as [Role, ...Role[]], {
  error: says((v) => `must be ${oneOf(ROLES)}, got ${quote(v)}`),
});

// Both answers build an Intl.DateTimeFormat (about a millisecond each); a fleet repeats a few
// zones, so each zone is asked once per process.
const validZones = new Map<string, boolean>();
const canonicalZones = new Map<string, string>();

export function isIanaZone(zone: string): boolean {
  if (zone.length > 64) return false;
  let valid = validZones.get(zone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(zone);
    validZones.set(zone, valid);
  }
  return valid;
}

/** The canonical spelling of a valid zone (`asia/shanghai` → `Asia/Shanghai`). */
function canonicalZone(zone: string): string {
  let canonical = canonicalZones.get(zone);
  if (canonical === undefined) {
    try {
      canonical = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
    } catch {
      canonical = zone;
    }
    canonicalZones.set(zone, canonical);
  }
  return canonical;
}

const ianaZone = z
  .string({ error: says((v) => `expected an IANA time zone like Asia/Shanghai, got ${describe(v)}`) })
  .refine(isIanaZone, { error: says((v) => `unknown time zone ${quote(v)} (expected an IANA name like Asia/Shanghai)`) })
  .transform(canonicalZone);

const OFFSET = /^[+-](0\d|1[0-4]):[0-5]\d$/;
const feZone = z
  .string({ error: says((v) => `expected an IANA time zone or an offset like +08:00, got ${describe(v)}`) })
  .refine((s) => OFFSET.test(s) || isIanaZone(s), {
    error: says((v) => `unknown time zone ${quote(v)} (expected an IANA name like Asia/Shanghai or an offset like +08:00)`),
  })
  .transform((s) => (OFFSET.test(s) ? s : canonicalZone(s)));

// ---------------------------------------------------------------- regions

const endpointUrl = z
  .string({ error: says((v) => `expected an OSS endpoint URL like https://oss-cn-hangzhou-internal.aliyuncs.com, got ${describe(v)}`) })
  .superRefine((s, ctx) => {
    let url: URL | null = null;
    try {
      url = new URL(s);
    } catch {
      url = null;
    }
    const problem =
      url === null || (url.protocol !== 'https:' && url.protocol !== 'http:')
        ? `expected an OSS endpoint URL with http:// or https://, got ${s.includes('@') ? 'something else' : quote(s)}`
        : url.username !== '' || url.password !== ''
          ? 'must not contain credentials: they come from accessKeyIdEnv and accessKeySecretEnv'
          : (url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== ''
            ? `must be the endpoint alone (scheme, host and port), without a path, got ${quote(s)}`
            : null;
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem, input: s });
  })
  .transform((s) => new URL(s).origin);

export const regionSchema = z.strictObject({
  bucket: pattern(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, 'an OSS bucket name (3-63 lowercase letters, digits, hyphens)'),
  endpoint: endpointUrl,
  starrocksEndpoint: pattern(/^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$/, 'a host or host:port without scheme').optional(),
  pathPrefix: pattern(
    /^\/?[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}(\/[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}){0,9}\/?$/,
    'a key prefix like starrocks-backups (letters, digits, . _ - and /)',
  )
    .transform((s) => s.replace(/^\/|\/$/g, ''))
    .default('starrocks-backups'),
  accessKeyIdEnv: envName,
  accessKeySecretEnv: envName,
});
export type RawRegion = z.infer<typeof regionSchema>;

// ---------------------------------------------------------------- instances

const frontend = z
  .string({ error: says((v) => `expected host:port, got ${describe(v)}`) })
  .transform((s, ctx) => {
    const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]{0,252}):(\d{1,5})$/.exec(s.trim());
    const port = m ? Number(m[2]) : 0;
    if (!m || port < 1 || port > 65535) {
      ctx.addIssue({ code: 'custom', message: `expected host:port with a port from 1 to 65535, got ${quote(s)}`, input: s });
      return z.NEVER;
    }
    return { host: (m[1] ?? '').replace(/^\[|\]$/g, ''), port };
  });

const HHMM = '([01]\\d|2[0-3]):([0-5]\\d)';
const peakWindow = z
  .string({ error: says((v) => `expected a window HH:mm-HH:mm, got ${describe(v)}`) })
  .transform((s, ctx) => {
    const m = new RegExp(`^(${HHMM})\\s*-\\s*(${HHMM}|24:00)$`).exec(s.trim());
    const from = m?.[1] ?? '';
    const to = m?.[4] === '24:00' ? '00:00' : (m?.[4] ?? '');
    if (!m || from === to) {
      const why = m ? 'a window must not start and end at the same time' : 'expected a window HH:mm-HH:mm (24-hour)';
      ctx.addIssue({ code: 'custom', message: `${why}, got ${quote(s)}`, input: s });
      return z.NEVER;
    }
    return { from, to };
  });

/** One id or a list of ids of a platform (Slack user / channel id, DingTalk id, terminal name). */
function idList(what: string) {
  return z.unknown().transform((input, ctx) => {
    const list = input === null ? [] : Array.isArray(input) ? (input as unknown[]) : [input];
    const ids: string[] = [];
    list.forEach((v, i) => {
      const where = Array.isArray(input) ? [i] : [];
      if (typeof v === 'string' && /^[^\s]{1,128}$/.test(v)) ids.push(v);
      else if (typeof v === 'number')
        ctx.addIssue({ code: 'custom', message: `${what} must be text: quote it ("${v}") so YAML keeps it as written`, path: where, input: v });
      else ctx.addIssue({ code: 'custom', message: `expected ${what} (text without spaces) or a list of them, got ${describe(v)}`, path: where, input: v });
    });
    return [...new Set(ids)];
  });
}

export const channelsSchema = z
  .strictObject({
    slack: idList('a Slack channel id').default([]),
    dingtalk: idList('a DingTalk conversation id').default([]),
    terminal: bool.default(false),
  })
  .refine((c) => c.slack.length > 0 || c.dingtalk.length > 0 || c.terminal, {
    error: 'needs at least one channel (slack, dingtalk or terminal: true), so progress and alerts reach someone',
  });

export const instanceSchema = z.strictObject({
  id: z
    .string({ error: says((v) => `expected an instance id, got ${describe(v)}`) })
    .refine(isInstanceId, { error: says((v) => `expected an instance id (lowercase letters, digits and single hyphens, starting with a letter, at most 63 characters), got ${quote(v)}`) }),
  displayName: text('a display name').optional(),
  region: text('a region id (a key of regions)', 64),
  frontends: z
    .array(frontend, { error: says((v) => `expected a list of FE addresses host:port, got ${describe(v)}`) })
    .min(1, { error: 'needs at least one FE address host:port' }),
  user: text('the StarRocks user name', 128),
  passwordEnv: envName,
  timezone: ianaZone,
  feTimezone: feZone.nullable().default(null),
  channels: channelsSchema,
  peakHours: z
    .array(peakWindow, { error: says((v) => `expected a list of windows HH:mm-HH:mm, got ${describe(v)}`) })
    .default([]),
  selfApproval: bool.default(false),
  keepLastGood: wholeNumber(0, 10).default(1),
  repository: pattern(REPOSITORY_NAME, 'a repository name (a letter, then letters, digits and _)').optional(),
});
export type RawInstance = z.infer<typeof instanceSchema>;

// ---------------------------------------------------------------- people

export const personSchema = z.strictObject({
  name: pattern(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a person name (letters, digits, . _ -)'),
  displayName: text('a display name').optional(),
  slack: idList('a Slack user id').default([]),
  dingtalk: idList('a DingTalk staff id').default([]),
  terminal: idList('a terminal user name').default([]),
  roles: z
    .record(z.string(), roleSchema, { error: says((v) => `expected a mapping of instance id (or "*") to role, got ${describe(v)}`) })
    .default({}),
});
export type RawPerson = z.infer<typeof personSchema>;

// ---------------------------------------------------------------- the file

export const approvalsSchema = z.strictObject({ ttlHours: wholeNumber(1, 168).default(24) });
export const schedulerSchema = z.strictObject({
  jitterSeconds: wholeNumber(0, 600).default(30),
  concurrency: wholeNumber(1, 64).default(4),
  databaseConcurrency: wholeNumber(1, 16).default(2),
  invisibleJobLimitMinutes: wholeNumber(5, 1440).default(60),
  outageNoticeMinutes: wholeNumber(1, 1440).default(5),
});

/** The top level; regions, instances and people are checked one by one (see load.ts). */
export const topSchema = z.strictObject({
  regions: z
    .record(z.string(), z.unknown(), { error: says((v) => `expected a mapping of region id to region, got ${describe(v)}`) })
    .refine((r) => Object.keys(r).length > 0, { error: 'needs at least one region' }),
  instances: z
    .array(z.unknown(), { error: says((v) => `expected a list of instances, got ${describe(v)}`) })
    .min(1, { error: 'needs at least one instance' }),
  people: z
    .array(z.unknown(), { error: says((v) => `expected a list of people, got ${describe(v)}`) })
    .nullable()
    .transform((p) => p ?? [])
    .default([]),
  defaultRole: z
    .enum(ROLES as [Role, ...Role[]], { error: says((v) => `must be ${ROLES.join(', ')} or null, got ${quote(v)}`) })
    .nullable()
    .default(null),
  approvals: approvalsSchema.default({ ttlHours: 24 }),
  expiryWarningHours: wholeNumber(1, 168).default(24),
  scheduler: schedulerSchema.default({ jitterSeconds: 30, concurrency: 4, databaseConcurrency: 2, invisibleJobLimitMinutes: 60, outageNoticeMinutes: 5 }),
});
export type RawTop = z.infer<typeof topSchema>;

/** Known keys of each mapping, for "did you mean" hints, by the name of the mapping. */
export const KNOWN_KEYS: Record<string, readonly string[]> = {
  top: Object.keys(topSchema.shape),
  region: Object.keys(regionSchema.shape),
  instance: Object.keys(instanceSchema.shape),
  person: Object.keys(personSchema.shape),
  channels: ['slack', 'dingtalk', 'terminal'],
  approvals: Object.keys(approvalsSchema.shape),
  scheduler: Object.keys(schedulerSchema.shape),
};
