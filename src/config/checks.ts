// Rules that span parts of the configuration: references between parts, uniqueness, and
// secrets that must be present in the environment. Each broken rule is one problem by path.
// Messages name environment variables, never their values.

import type { z } from 'zod';
import { closest, oneOf, problemAt, quote, truncate } from './format';
import { KNOWN_KEYS, REGION_ID, type RawInstance, type RawPerson, type RawRegion } from './schema';

type Path = readonly PropertyKey[];

/** Which mapping a path points into, for the list of known keys. */
function mappingKind(path: Path, base: string): string {
  const last = path[path.length - 1];
  return typeof last === 'string' && last in KNOWN_KEYS && path.length > 0 && last !== 'top' ? last : base;
}

const SECRET_HINTS: [RegExp, string][] = [
  [/pass/i, 'passwordEnv'],
  [/secret/i, 'accessKeySecretEnv'],
  [/key.?id|^ak$/i, 'accessKeyIdEnv'],
];

function unknownKey(key: string, known: readonly string[]): string {
  for (const [re, envKey] of SECRET_HINTS) {
    if (re.test(key) && !known.includes(key) && known.includes(envKey)) {
      return `unknown key ${quote(key)}: secrets come only from environment variables; set ${envKey} to the variable's name`;
    }
  }
  const near = closest(key, known);
  return `unknown key ${quote(key)}${near !== null ? ` (did you mean "${near}"?)` : ` (known keys: ${known.join(', ')})`}`;
}

/** zod issues as problems; `base` is where the checked part sits, `kind` names its mapping. */
export function issueProblems(issues: readonly z.core.$ZodIssue[], base: Path, kind: string): string[] {
  const problems: string[] = [];
  // A typo (`timezon`) already says what is missing: no separate "timezone: is required".
  const misspelt = new Set<string>();
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const known = KNOWN_KEYS[mappingKind(issue.path, kind)] ?? [];
      for (const key of issue.keys) {
        problems.push(problemAt(path, unknownKey(key, known)));
        const near = closest(key, known);
        if (near !== null) misspelt.add(problemAt([...path, near], 'is required'));
      }
    } else {
      problems.push(problemAt(path, truncate(issue.message, 300)));
    }
  }
  return problems.filter((p) => !misspelt.has(p));
}

/** Fallback messages for issues the schemas do not word themselves. */
export function defaultMessage(issue: z.core.$ZodRawIssue): string {
  if (issue.input === undefined) return 'is required';
  if (issue.code === 'invalid_type') return `expected ${issue.expected}, got ${quote(issue.input)}`;
  return 'is not valid';
}

export interface Indexed<T> {
  index: number;
  value: T;
}

/**
 * The parts as far as each key is valid on its own, so that one bad field does not hide the
 * problems of the others (a bad time zone and a duplicate id are both reported).
 */
export interface Parts {
  /** Every key of `regions`, valid or not (so one bad region does not cascade into bad references). */
  regionIds: string[];
  regions: Map<string, Partial<RawRegion>>;
  /** Every string `id` of `instances`, valid or not. */
  instanceIds: string[];
  instances: Indexed<Partial<RawInstance>>[];
  people: Indexed<Partial<RawPerson> & { roleKeys: string[] }>[];
}

export function repositoryOf(instance: Partial<Pick<RawInstance, 'id' | 'repository'>>): string | null {
  return instance.repository ?? (instance.id === undefined ? null : `bot_${instance.id.replace(/-/g, '_')}`);
}

function unknownName(kind: string, name: string, known: readonly string[]): string {
  // Known names come from the same file and may be invalid themselves: keep each one short.
  const near = closest(name, known);
  const list = known.slice(0, 8).map((k) => truncate(k, 24)).join(', ') + (known.length > 8 ? ', …' : '');
  return `no ${kind} ${quote(name)}${near !== null ? ` (did you mean "${truncate(near)}"?)` : known.length > 0 ? ` (known: ${list})` : ''}`;
}

/** An endpoint host names its region (`oss-cn-shanghai.aliyuncs.com`): it must be the region's own. */
function endpointRegion(host: string): string | null {
  const m = /(?:^|\.)oss-([a-z0-9-]+?)(?:-internal)?\.aliyuncs\.com(?::\d+)?$/.exec(host);
  const region = m?.[1] ?? null;
  return region === null || region.startsWith('accelerate') ? null : region;
}

export function checkRegions(parts: Parts, env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  for (const id of parts.regionIds) {
    if (!REGION_ID.test(id)) problems.push(problemAt(['regions', id], `region id must look like cn-hangzhou, got ${quote(id)}`));
  }
  for (const [id, region] of parts.regions) {
    for (const key of ['endpoint', 'starrocksEndpoint'] as const) {
      const value = region[key];
      const host = value === undefined ? null : value.replace(/^[a-z]+:\/\//, '');
      const named = host === null ? null : endpointRegion(host);
      if (named !== null && named !== id && REGION_ID.test(id)) {
        problems.push(problemAt(['regions', id, key], `endpoint is in region ${named}, not ${id}: backups never cross regions`));
      }
    }
    problems.push(...secretProblems(['regions', id], region, ['accessKeyIdEnv', 'accessKeySecretEnv'], env, false));
  }
  return problems;
}

function secretProblems<K extends string>(
  base: Path,
  part: Partial<Record<K, string>>,
  keys: readonly K[],
  env: NodeJS.ProcessEnv,
  emptyAllowed: boolean,
): string[] {
  const problems: string[] = [];
  for (const key of keys) {
    const name = part[key];
    if (name === undefined) continue;
    const value = env[name];
    if (value === undefined) problems.push(problemAt([...base, key], `environment variable ${name} is not set`));
    else if (value === '' && !emptyAllowed) problems.push(problemAt([...base, key], `environment variable ${name} is empty`));
  }
  return problems;
}

export function checkInstances(parts: Parts, env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const firstWithId = new Map<string, number>();
  parts.instanceIds.forEach((id, index) => {
    if (id === '') return;
    const first = firstWithId.get(id);
    if (first === undefined) firstWithId.set(id, index);
  });
  const repositories = new Map<string, Indexed<Partial<RawInstance>>>();
  for (const entry of parts.instances) {
    const { index, value } = entry;
    const first = value.id === undefined ? undefined : firstWithId.get(value.id);
    const duplicate = value.id !== undefined && first !== undefined && first !== index;
    if (duplicate) {
      problems.push(problemAt(['instances', index, 'id'], `${quote(value.id)} is already the id of instances[${first}]; instance ids must be unique`));
    }
    if (value.region !== undefined && !parts.regionIds.includes(value.region)) {
      problems.push(problemAt(['instances', index, 'region'], unknownName('region', value.region, parts.regionIds)));
    }
    const repository = repositoryOf(value);
    const holder = repository === null ? undefined : repositories.get(repository.toLowerCase());
    if (repository !== null && holder !== undefined && !(duplicate && value.repository === undefined)) {
      problems.push(
        problemAt(
          ['instances', index, 'repository'],
          `repository ${repository} is already used by instances[${holder.index}] (${holder.value.id ?? '?'}); each instance needs its own`,
        ),
      );
    } else if (repository !== null) repositories.set(repository.toLowerCase(), entry);
    problems.push(...secretProblems(['instances', index], value, ['passwordEnv'], env, true));
  }
  return problems;
}

const PLATFORMS = ['slack', 'dingtalk', 'terminal'] as const;

export function checkPeople(parts: Parts): string[] {
  const problems: string[] = [];
  const names = new Map<string, number>();
  const accounts = new Map<string, Indexed<Partial<RawPerson>>>();
  for (const entry of parts.people) {
    const { index, value } = entry;
    const name = value.name ?? `people[${index}]`;
    const sameName = value.name === undefined ? undefined : names.get(value.name.toLowerCase());
    if (value.name !== undefined && sameName !== undefined) {
      problems.push(problemAt(['people', index, 'name'], `${quote(value.name)} is already the name of people[${sameName}]; names must be unique`));
    } else if (value.name !== undefined) names.set(value.name.toLowerCase(), index);
    if (PLATFORMS.every((p) => value[p] !== undefined && value[p].length === 0)) {
      problems.push(problemAt(['people', index], `${quote(name)} has no ${oneOf(PLATFORMS)} id, so the bot can never recognise them`));
    }
    for (const platform of PLATFORMS) {
      for (const id of value[platform] ?? []) {
        const key = `${platform}\u0000${id}`;
        const owner = accounts.get(key);
        if (owner !== undefined) {
          problems.push(
            problemAt(
              ['people', index, platform],
              `${quote(id)} is already people[${owner.index}]${owner.value.name === undefined ? '' : ` (${truncate(owner.value.name)})`}: one account belongs to one person`,
            ),
          );
        } else accounts.set(key, entry);
      }
    }
    for (const instanceId of value.roleKeys) {
      if (instanceId !== '*' && !parts.instanceIds.includes(instanceId)) {
        problems.push(problemAt(['people', index, 'roles', instanceId], unknownName('instance', instanceId, parts.instanceIds)));
      }
    }
  }
  return problems;
}
