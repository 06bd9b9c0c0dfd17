// Reads the YAML configuration file into a BotConfig: YAML syntax, then the zod schemas part by
// part, then the rules across parts and the secrets from named environment variables. Every
// problem is collected and thrown at once as a ConfigError; nothing else escapes.

import { readFileSync, statSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../domain/errors';
import type { BotConfig, InstanceConfig, PersonConfig, RegionConfig } from './types';
import { checkInstances, checkPeople, checkRegions, defaultMessage, issueProblems, repositoryOf, type Parts } from './checks';
import { problemAt, truncate } from './format';
import { instanceSchema, personSchema, regionSchema, topSchema, type RawInstance, type RawPerson, type RawRegion } from './schema';

/** More problems than this are summarised in one last line. */
const MAX_PROBLEMS = 200;
const MAX_SYNTAX_ERRORS = 10;

export function configFileExists(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function loadConfig(path: string, env: NodeJS.ProcessEnv): BotConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unknown';
    const why =
      code === 'ENOENT'
        ? `configuration file ${path} does not exist`
        : code === 'EISDIR'
          ? `${path} is a directory, not a configuration file`
          : code === 'EACCES'
            ? `configuration file ${path} cannot be read (permission denied)`
            : `configuration file ${path} cannot be read (${code})`;
    throw new ConfigError([why], path);
  }
  return parseConfig(text, path, env);
}

function syntaxProblems(text: string): { data: unknown; problems: string[] } {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.slice(0, MAX_SYNTAX_ERRORS).map((e) => {
      const where = e.linePos?.[0];
      const message = (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
      return `${where ? `line ${where.line}, column ${where.col}` : 'YAML'}: ${truncate(message, 160)}`;
    });
    return { data: undefined, problems: [...problems, ...(doc.errors.length > MAX_SYNTAX_ERRORS ? [`… and ${doc.errors.length - MAX_SYNTAX_ERRORS} more YAML errors`] : [])] };
  }
  try {
    return { data: doc.toJS({ maxAliasCount: 100 }), problems: [] };
  } catch (error) {
    return { data: undefined, problems: [`YAML: ${truncate(error instanceof Error ? error.message : 'cannot be read', 160)}`] };
  }
}

function check<S extends z.ZodType>(schema: S, input: unknown, base: PropertyKey[], kind: string, problems: string[]): z.output<S> | null {
  const result = schema.safeParse(input, { error: defaultMessage, reportInput: true });
  if (result.success) return result.data;
  problems.push(...issueProblems(result.error.issues, base, kind));
  return null;
}

/** Each key of an object schema checked on its own: the valid ones, for the rules across parts. */
function partial<S extends z.ZodObject>(schema: S, input: unknown): Partial<z.output<S>> {
  const out: Record<string, unknown> = {};
  if (!isMapping(input)) return out as Partial<z.output<S>>;
  for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const result = field.safeParse(input[key]);
    if (result.success && result.data !== undefined) out[key] = result.data;
  }
  return out as Partial<z.output<S>>;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates already-parsed YAML data (also used for the sandbox). Throws ConfigError. */
export function buildConfig(data: unknown, source: string, env: NodeJS.ProcessEnv): BotConfig {
  const problems: string[] = [];
  if (data === undefined || data === null) {
    throw new ConfigError(['(top level): the file is empty; it needs at least regions and instances'], source);
  }
  if (!isMapping(data)) {
    throw new ConfigError(['(top level): expected a mapping with regions, instances, people, ...'], source);
  }
  const top = check(topSchema, data, [], 'top', problems);
  const rawRegions = isMapping(data.regions) ? data.regions : {};
  const rawInstances = Array.isArray(data.instances) ? (data.instances as unknown[]) : [];
  const rawPeople = Array.isArray(data.people) ? (data.people as unknown[]) : [];

  const parts: Parts = {
    regionIds: Object.keys(rawRegions),
    regions: new Map(),
    instanceIds: rawInstances.map((i) => (isMapping(i) && typeof i.id === 'string' ? i.id : '')),
    instances: [],
    people: [],
  };
  const regions = new Map<string, RawRegion>();
  for (const [id, raw] of Object.entries(rawRegions)) {
    const region = check(regionSchema, raw, ['regions', id], 'region', problems);
    if (region) regions.set(id, region);
    parts.regions.set(id, partial(regionSchema, raw));
  }
  const instances: RawInstance[] = [];
  rawInstances.forEach((raw, index) => {
    const instance = check(instanceSchema, raw, ['instances', index], 'instance', problems);
    if (instance) instances.push(instance);
    parts.instances.push({ index, value: partial(instanceSchema, raw) });
  });
  const people: RawPerson[] = [];
  rawPeople.forEach((raw, index) => {
    const person = check(personSchema, raw, ['people', index], 'person', problems);
    if (person) people.push(person);
    const roleKeys = isMapping(raw) && isMapping(raw.roles) ? Object.keys(raw.roles) : [];
    parts.people.push({ index, value: { ...partial(personSchema, raw), roleKeys } });
  });
  problems.push(...checkRegions(parts, env), ...checkInstances(parts, env), ...checkPeople(parts));

  if (problems.length > 0 || top === null) {
    const unique = [...new Set(problems)];
    const shown = unique.length > MAX_PROBLEMS ? [...unique.slice(0, MAX_PROBLEMS), `… and ${unique.length - MAX_PROBLEMS} more problems`] : unique;
    throw new ConfigError(shown.length > 0 ? shown : [problemAt([], 'is not valid')], source);
  }

  const regionConfigs: Record<string, RegionConfig> = {};
  for (const [id, r] of regions) {
    regionConfigs[id] = {
      id,
      bucket: r.bucket,
      endpoint: r.endpoint,
      starrocksEndpoint: r.starrocksEndpoint ?? new URL(r.endpoint).host,
      pathPrefix: r.pathPrefix,
      accessKeyId: env[r.accessKeyIdEnv] ?? '',
      accessKeySecret: env[r.accessKeySecretEnv] ?? '',
      accessKeyIdEnv: r.accessKeyIdEnv,
      accessKeySecretEnv: r.accessKeySecretEnv,
    };
  }
  const instanceConfigs: InstanceConfig[] = instances.map((i) => ({
    id: i.id,
    displayName: i.displayName ?? i.id,
    region: i.region,
    frontends: i.frontends,
    user: i.user,
    password: env[i.passwordEnv] ?? '',
    passwordEnv: i.passwordEnv,
    timezone: i.timezone,
    feTimezone: i.feTimezone,
    channels: i.channels,
    peakHours: i.peakHours,
    selfApproval: i.selfApproval,
    keepLastGood: i.keepLastGood,
    repository: repositoryOf(i) ?? '',
  }));
  const personConfigs: PersonConfig[] = people.map((p) => ({
    id: p.name,
    displayName: p.displayName ?? p.name,
    slack: p.slack,
    dingtalk: p.dingtalk,
    terminal: p.terminal,
    roles: p.roles,
  }));
  return {
    source,
    sandbox: false,
    regions: regionConfigs,
    instances: instanceConfigs,
    people: personConfigs,
    defaultRole: top.defaultRole,
    approvals: top.approvals,
    expiryWarningHours: top.expiryWarningHours,
    scheduler: top.scheduler,
  };
}

export function parseConfig(yamlText: string, source: string, env: NodeJS.ProcessEnv): BotConfig {
  try {
    const { data, problems } = syntaxProblems(yamlText);
    if (problems.length > 0) throw new ConfigError(problems, source);
    return buildConfig(data, source, env);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    // A bug of ours must still surface as a configuration problem, never as a crash.
    throw new ConfigError([`(top level): cannot be read (${truncate(error instanceof Error ? error.message : String(error), 120)})`], source);
  }
}
