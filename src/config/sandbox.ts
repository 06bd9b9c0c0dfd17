// The sandbox of SPEC section 4: the configuration `npm start` uses without a file, pointing at
// the simulators. It goes through the same validation as a file, so it can never drift from
// the rules; the simulators' credentials are not secret, but they travel the same way.

import { ConfigError } from '../domain/errors';
import { buildConfig } from './load';
import type { BotConfig } from './types';

/**
 * What a running set of simulators offers (SPEC section 5): `npm run sim` prints exactly this as
 * its first JSON line, and the sandbox configuration is built from it.
 */
export interface SimulatorDescription {
  mysql: { host: string; port: number; user: string; password: string };
  oss: {
    /** With scheme, e.g. `http://127.0.0.1:9000`. */
    endpoint: string;
    accessKeyId: string;
    accessKeySecret: string;
    /** Region id (`cn-hangzhou`) to bucket name. */
    buckets: Record<string, string>;
  };
  /** One MySQL port per simulated instance; the first is `mysql.port`. */
  instances: Record<string, { region: string; mysqlPort: number }>;
}

/** Slack channel of the sandbox (the one the outside Slack check posts in). */
export const SANDBOX_SLACK_CHANNEL = 'C0OPS';
/** DingTalk conversation of the sandbox. */
export const SANDBOX_DINGTALK_CONVERSATION = 'cidSandboxOps';

const SANDBOX_INSTANCES: { id: string; displayName: string; peakHours: string[] }[] = [
  { id: 'prod-1', displayName: 'Production 1 (sandbox)', peakHours: ['09:00-12:00', '14:00-18:00'] },
  { id: 'staging-1', displayName: 'Staging 1 (sandbox, empty restore target)', peakHours: [] },
  { id: 'lake-1', displayName: 'Lake 1 (sandbox, shared-data)', peakHours: [] },
  { id: 'prod-sh', displayName: 'Production Shanghai (sandbox)', peakHours: [] },
];

function envName(text: string): string {
  return `SANDBOX_${text.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
}

export function sandboxConfig(sims: SimulatorDescription): BotConfig {
  const env: NodeJS.ProcessEnv = { SANDBOX_MYSQL_PASSWORD: sims.mysql.password };
  const known = new Set(SANDBOX_INSTANCES.map((i) => i.id));
  const described = [
    ...SANDBOX_INSTANCES.filter((i) => sims.instances[i.id] !== undefined),
    // Any further simulated instance joins too, so a richer simulator needs no change here.
    ...Object.keys(sims.instances)
      .filter((id) => !known.has(id))
      .map((id) => ({ id, displayName: id, peakHours: [] })),
  ];
  if (described.length === 0) throw new ConfigError(['instances: the simulators describe no instance'], 'sandbox');

  const regionIds = new Set([...Object.keys(sims.oss.buckets), ...described.map((i) => sims.instances[i.id]?.region ?? '')]);
  const regions: Record<string, unknown> = {};
  for (const region of regionIds) {
    env[envName(`${region}_ak`)] = sims.oss.accessKeyId;
    env[envName(`${region}_sk`)] = sims.oss.accessKeySecret;
    regions[region] = {
      bucket: sims.oss.buckets[region],
      endpoint: sims.oss.endpoint,
      starrocksEndpoint: hostOf(sims.oss.endpoint),
      accessKeyIdEnv: envName(`${region}_ak`),
      accessKeySecretEnv: envName(`${region}_sk`),
    };
  }
  const instances = described.map((i) => ({
    id: i.id,
    displayName: i.displayName,
    region: sims.instances[i.id]?.region,
    frontends: [`${sims.mysql.host.includes(':') ? `[${sims.mysql.host}]` : sims.mysql.host}:${sims.instances[i.id]?.mysqlPort ?? 0}`],
    user: sims.mysql.user,
    passwordEnv: 'SANDBOX_MYSQL_PASSWORD',
    timezone: 'Asia/Shanghai',
    channels: { slack: [SANDBOX_SLACK_CHANNEL], dingtalk: [SANDBOX_DINGTALK_CONVERSATION], terminal: true },
    peakHours: i.peakHours,
  }));
  const data = {
    regions,
    instances,
    people: [
      { name: 'admin1', displayName: 'Admin One', slack: 'U0ADMIN1', dingtalk: 'admin1', terminal: 'admin1', roles: { '*': 'admin' } },
      { name: 'admin2', displayName: 'Admin Two', slack: 'U0ADMIN2', dingtalk: 'admin2', terminal: 'admin2', roles: { '*': 'admin' } },
      { name: 'viewer1', displayName: 'Viewer One', slack: 'U0VIEWER1', terminal: 'viewer1', roles: { '*': 'viewer' } },
    ],
    defaultRole: 'operator',
  };
  return { ...buildConfig(data, 'sandbox', env), sandbox: true };
}

function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint;
  }
}
