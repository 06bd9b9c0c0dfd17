// The validated configuration, as the rest of the bot sees it (secrets already resolved from
// the environment). src/config/schema.ts parses the YAML file into exactly this shape.

import type { PeakWindow, Person, Role } from '../domain/types';

export interface RegionConfig {
  /** Region id, e.g. `cn-hangzhou`. */
  id: string;
  bucket: string;
  /** OSS endpoint with scheme, e.g. `https://oss-cn-hangzhou-internal.aliyuncs.com`. */
  endpoint: string;
  /** Endpoint StarRocks itself uses for the repository (no scheme); defaults to the endpoint's host. */
  starrocksEndpoint: string;
  /** Key prefix under which repositories live in the bucket (no leading or trailing slash). */
  pathPrefix: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** Names of the env variables the secrets came from, for messages (never the values). */
  accessKeyIdEnv: string;
  accessKeySecretEnv: string;
}

/** Peak hours of an instance. */
export type PeakHours = PeakWindow;

export interface InstanceChannels {
  slack: string[];
  dingtalk: string[];
  terminal: boolean;
}

export interface InstanceConfig {
  id: string;
  displayName: string;
  region: string;
  frontends: { host: string; port: number }[];
  user: string;
  password: string;
  passwordEnv: string;
  /** IANA zone of the instance: schedules and times shown to people. */
  timezone: string;
  /** Zone StarRocks reports job times in, when it differs from what the FE says. */
  feTimezone: string | null;
  channels: InstanceChannels;
  peakHours: PeakHours[];
  /** Opt-in: an admin may approve their own restore into this instance. */
  selfApproval: boolean;
  /**
   * The retention sweep keeps this many of the instance's newest good backups past their expiry
   * (default 1), so a failing schedule cannot age out every backup; 0 keeps none.
   */
  keepLastGood: number;
  /** StarRocks repository name for this instance (letters, digits, underscore). */
  repository: string;
}

/** A person with their platform accounts and roles. */
export type PersonConfig = Person;

export interface BotConfig {
  /** Where the configuration came from (a file path, or `sandbox`). */
  source: string;
  sandbox: boolean;
  regions: Record<string, RegionConfig>;
  instances: InstanceConfig[];
  people: PersonConfig[];
  /** Role of a platform user not listed among people (the sandbox makes everyone an operator). */
  defaultRole: Role | null;
  approvals: { ttlHours: number };
  expiryWarningHours: number;
  scheduler: {
    /** Runs due at the same minute start spread over this many seconds. */
    jitterSeconds: number;
    /** At most this many backup runs at once. */
    concurrency: number;
    /** Databases of one run backed up at once. */
    databaseConcurrency: number;
    /** A job that is no longer visible and has no `__info_` file fails after this long. */
    invisibleJobLimitMinutes: number;
    /** A cluster or OSS that does not answer for this long during a run is announced (once, then its recovery). */
    outageNoticeMinutes: number;
  };
}
