// Kill points: the bot (a child process) SIGKILLed at an exact point of a backup, a restore and a
// deletion, each point named by a simulator hook that holds the request when it arrives (the
// StarRocks FE on a statement, OSS on a listing or a multi-delete, Slack on an announcement), then
// started again on the same data folder against the same clusters, OSS and Slack. The held request
// then runs ('run': it happened, the bot never heard the answer) or is dropped ('drop': it never
// happened). Each scenario ends with the state checked by asking the simulated cluster (one
// accepted BACKUP / RESTORE per snapshot, the jobs' finish times), listing OSS and reading the
// store, and every announcement delivered exactly once in Slack.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupSet, RestoreRequest } from '../../src/domain/types';
import type { InterceptedRequest } from '../../sim/oss/server';
import type { JsonObject } from '../../sim/slack';
import { waitFor } from '../support/wait';
import { HZ_BUCKET, PROD_ROOT, messagesAbout, shownTime, startKillWorld, titleOf, type KillWorld } from './kill-points';

type Outcome = 'run' | 'drop';

/** Where the bot is killed: arms one simulator hook that calls `kill` when the request arrives. */
interface KillPoint {
  name: string;
  /**
   * Whether the chat is quiet when the kill comes: every announcement queued so far was delivered
   * (the Slack points kill in the middle of a delivery on purpose; the others must not race one).
   */
  quiet: boolean;
  arm(kill: () => Promise<Outcome>): void;
}

let w: KillWorld;

const prod = () => w.starrocks.instance('prod-1');
const snapshotKeys = (snapshotName: string): string[] => w.oss.listKeys(HZ_BUCKET, `${PROD_ROOT}/__ss_${snapshotName}/`);
const isListingOf = (r: InterceptedRequest, snapshotName: string | RegExp): boolean =>
  r.method === 'GET' && r.key === '' && typeof r.query.prefix === 'string' &&
  (typeof snapshotName === 'string' ? r.query.prefix === `${PROD_ROOT}/__ss_${snapshotName}/` : snapshotName.test(r.query.prefix));
const headed = (title: RegExp) => (args: JsonObject): boolean => Array.isArray(args.blocks) && title.test(titleOf(args.blocks));

/** The statement `pattern` on `instance`, killed when it arrives, then run or dropped. */
const onStatement = (name: string, instance: () => string, pattern: RegExp, outcome: Outcome): KillPoint => ({
  name,
  quiet: true,
  arm: (kill) => w.starrocks.instance(instance()).faults.interceptNext(pattern, () => kill().then(() => outcome)),
});
/** The `nth` OSS request `match` accepts. */
const onOss = (name: string, match: (r: InterceptedRequest) => boolean, outcome: Outcome, nth = 1): KillPoint => ({
  name,
  quiet: true,
  arm: (kill) => {
    let seen = 0;
    w.oss.faults.interceptNext((r) => match(r) && ++seen === nth, () => kill().then(() => outcome));
  },
});
/** The Slack call `method` whose message title matches. */
const onSlack = (name: string, method: string, title: RegExp, outcome: Outcome): KillPoint => ({
  name,
  quiet: false,
  arm: (kill) => w.slack.interceptNext(method, headed(title), () => kill().then(() => outcome)),
});

/**
 * Arms the point, sends `start` to the bot, waits for the kill (a point that does not come within
 * 30 s fails, naming what the bot and OSS saw last), then starts the bot again.
 */
async function killedAt(point: KillPoint, start: string): Promise<void> {
  let settle!: (problem: string | null) => void;
  const fired = new Promise<string | null>((resolve) => (settle = resolve));
  point.arm(async () => {
    let problem: string | null = null;
    if (point.quiet) {
      await waitFor(() => w.store().outbox.length === 0, 'the chat to be quiet').catch(() => {
        problem = `the chat was not quiet at ${point.name}: ${w.store().outbox.map((o) => `${o.channel.platform} "${o.reply.title ?? ''}" claimed by ${o.claimedBy ?? '-'}`).join('; ')}`;
      });
    }
    await w.kill();
    settle(problem);
    return 'run';
  });
  w.bot?.send(start);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => {
      const oss = w.oss.requests.slice(-10).map((r) => `${r.method} ${r.key} ${JSON.stringify(r.query)}`);
      resolve(`no kill at ${point.name} within 30 s:\n${w.bot?.lines.slice(-20).join('\n') ?? ''}\nlast OSS requests:\n${oss.join('\n')}`);
    }, 30_000);
  });
  const problem = await Promise.race([fired, late]).finally(() => clearTimeout(timer));
  // The world goes on with a bot for the next scenario, whatever this one found.
  if (!w.bot) await w.startBot();
  if (problem) throw new Error(problem);
}

/** Waits until nothing is left to announce (every outbox item delivered). */
async function delivered(what: string): Promise<void> {
  await waitFor(() => w.store().outbox.length === 0, `every announcement about ${what} to be delivered`, 30_000).catch((err: unknown) => {
    const left = w.store().outbox.map((o) => `${o.channel.platform} ${o.reply.title ?? ''} claimed by ${o.claimedBy ?? '-'} until ${o.claimedUntil ?? '-'}, ${o.attempts} attempts ${o.lastError ?? ''}`);
    const calls = w.slack.calls.map((c) => `${c.method} ${String(c.answer.ok)} ${titleOf(Array.isArray(c.args.blocks) ? c.args.blocks : undefined)}`);
    throw new Error(`${(err as Error).message}; bot pid ${w.bot?.child.pid ?? '-'}, left:\n${left.join('\n')}\nslack:\n${calls.join('\n')}\n${w.bot?.lines.slice(-10).join('\n') ?? ''}`);
  });
}

beforeAll(async () => {
  w = await startKillWorld(FRESH_TARGETS);
  await w.startBot();
}, 60_000);
afterAll(async () => {
  await w?.close();
});

/** Empty instances to restore into: one per restore scenario. */
const FRESH_TARGETS = 12;

describe('kill points of a backup', () => {
  const points: KillPoint[] = [
    // Planning: the repository is created once, by the first backup of the instance.
    onStatement('CREATE REPOSITORY (preflight)', () => 'prod-1', /^CREATE REPOSITORY/i, 'drop'),
    onStatement('SHOW DATABASES (inventory)', () => 'prod-1', /^SHOW DATABASES/i, 'run'),
    // Submission: before StarRocks has the statement, and after it ran but before the bot heard.
    onStatement('BACKUP SNAPSHOT of the first database, lost before it ran', () => 'prod-1', /^BACKUP SNAPSHOT/i, 'drop'),
    onStatement('BACKUP SNAPSHOT of the first database, ran unanswered', () => 'prod-1', /^BACKUP SNAPSHOT/i, 'run'),
    onStatement('BACKUP SNAPSHOT of the third database, ran unanswered', () => 'prod-1', /^BACKUP SNAPSHOT `?web`?\./i, 'run'),
    // Tracking and finishing.
    onStatement('the first SHOW BACKUP after submission', () => 'prod-1', /^SHOW BACKUP FROM/i, 'run'),
    onStatement('SHOW SNAPSHOT (snapshot times, at the end)', () => 'prod-1', /^SHOW SNAPSHOT/i, 'run'),
    onOss('the sizing listing of a finished snapshot', (r) => isListingOf(r, /\/__ss_[^/]*__web[^/]*\/$/) && !('delimiter' in r.query), 'run'),
    // Announcing.
    onSlack('posting the progress message (never reached Slack)', 'chat.postMessage', /^Backup bk-\S+ running$/, 'drop'),
    onSlack('editing in the completion (never reached Slack)', 'chat.update', /^Backup bk-\S+ finished$/, 'drop'),
    onSlack('editing in the completion (Slack took it, the bot never heard)', 'chat.update', /^Backup bk-\S+ finished$/, 'run'),
  ];

  it.each(points.map((p) => [p.name, p] as const))('killed at %s: the same jobs are followed to one finished set', async (_name, point) => {
    const before = w.store();
    const counted = new Map(prod().backupSubmissions);
    await killedAt(point, 'RUN prod-1');
    const id = await waitFor(() => w.store().backupSets.find((s) => !before.backupSets.some((b) => b.id === s.id))?.id, 'the new set');
    const set: BackupSet = await waitFor(() => {
      const s = w.store().backupSets.find((x) => x.id === id);
      return s && s.state !== 'RUNNING' ? s : null;
    }, `${id} to end`, 60_000);
    await delivered(id);

    // Exactly one set, finished; one BACKUP per database, no other submission.
    expect(w.store().backupSets.filter((s) => !before.backupSets.some((b) => b.id === s.id)).map((s) => s.id)).toEqual([id]);
    expect(set.state).toBe('FINISHED');
    expect(set.databases.map((d) => `${d.database}:${d.state}`).sort()).toEqual(['inventory:FINISHED', 'sales:FINISHED', 'web:FINISHED']);
    const fresh = [...prod().backupSubmissions].filter(([name, n]) => n !== counted.get(name));
    expect(fresh.map(([name, n]) => `${name}:${n}`).sort()).toEqual(set.databases.map((d) => `${d.snapshotName}:1`).sort());
    // Finish times are the jobs' own; the set's is its last job's.
    for (const d of set.databases) {
      const job = prod().jobs.job(d.database);
      expect(job?.label).toBe(d.snapshotName);
      expect(d.finishedAt).toBe(shownTime(job?.finishedTime));
    }
    expect(set.finishedAt).toBe(set.databases.map((d) => d.finishedAt ?? '').sort().at(-1));
    // OSS holds every snapshot, finished (its __info_ file), as many objects as the store says.
    for (const d of set.databases) {
      const keys = snapshotKeys(d.snapshotName);
      expect(keys.some((k) => /\/__info_/.test(k))).toBe(true);
      expect(keys.length).toBe(d.objectCount);
    }
    // One message, posted once and edited into the completion.
    expect(messagesAbout(w.slack, id)).toEqual([`Backup ${id} running → Backup ${id} finished`]);
  }, 120_000);
});

describe('kill points of a restore', () => {
  let n = 0;
  const target = (): string => `fresh-${n}`;
  const points: KillPoint[] = [
    // Getting the target ready: its read-only repository and the databases (3.3 needs them).
    onStatement('CREATE READ ONLY REPOSITORY, lost before it ran', target, /^CREATE READ ONLY REPOSITORY/i, 'drop'),
    onStatement('CREATE READ ONLY REPOSITORY, ran unanswered', target, /^CREATE READ ONLY REPOSITORY/i, 'run'),
    onStatement('CREATE DATABASE, lost before it ran', target, /^CREATE DATABASE/i, 'drop'),
    onStatement('CREATE DATABASE, ran unanswered', target, /^CREATE DATABASE/i, 'run'),
    // Submission.
    onStatement('RESTORE SNAPSHOT, lost before it ran', target, /^RESTORE SNAPSHOT/i, 'drop'),
    onStatement('RESTORE SNAPSHOT, ran unanswered', target, /^RESTORE SNAPSHOT/i, 'run'),
    // Tracking and the end.
    onStatement('the first SHOW RESTORE after submission', target, /^SHOW RESTORE FROM/i, 'run'),
    onStatement('DROP REPOSITORY at the end, ran unanswered', target, /^DROP REPOSITORY/i, 'run'),
    onStatement('DROP REPOSITORY at the end, lost before it ran', target, /^DROP REPOSITORY/i, 'drop'),
    // Announcing.
    onSlack('editing in the checklist (never reached Slack)', 'chat.update', /^Restore rs-\S+ finished$/, 'drop'),
  ];

  it.each(points.map((p) => [p.name, p] as const))('killed at %s: the same jobs are followed to one finished restore', async (_name, point) => {
    n += 1;
    if (n > FRESH_TARGETS) throw new Error(`more restore scenarios than the ${FRESH_TARGETS} fresh targets`);
    const cluster = w.starrocks.instance(target());
    const source = w.store().backupSets.find((s) => s.instanceId === 'prod-1' && s.state === 'FINISHED');
    if (!source) throw new Error('no finished backup to restore');
    const objects = source.databases.map((d) => snapshotKeys(d.snapshotName).length);
    const before = w.store();
    const counted = new Map(cluster.restoreSubmissions);
    await killedAt(point, `RESTORE ${source.id} ${target()}`);
    const id = await waitFor(() => w.store().restoreRequests.find((r) => !before.restoreRequests.some((b) => b.id === r.id))?.id, 'the new restore');
    const done: RestoreRequest = await waitFor(() => {
      const r = w.store().restoreRequests.find((x) => x.id === id);
      return r && (r.state === 'FINISHED' || r.state === 'FAILED') ? r : null;
    }, `${id} to end`, 60_000);
    await delivered(id);

    expect(w.store().restoreRequests.filter((r) => !before.restoreRequests.some((b) => b.id === r.id)).map((r) => r.id)).toEqual([id]);
    expect({ state: done.state, error: done.error }).toEqual({ state: 'FINISHED', error: null });
    expect(done.jobs.map((j) => `${j.database}:${j.state}`).sort()).toEqual(['inventory:FINISHED', 'sales:FINISHED', 'web:FINISHED']);
    // One RESTORE per database, and nothing else sent to the target.
    const fresh = [...cluster.restoreSubmissions].filter(([name, k]) => k !== counted.get(name));
    expect(fresh.map(([name, k]) => `${name}:${k}`).sort()).toEqual(done.jobs.map((j) => `${j.snapshotName}:1`).sort());
    for (const j of done.jobs) {
      const job = cluster.jobs.job(j.database);
      expect(job?.label).toBe(j.snapshotName);
      expect(j.finishedAt).toBe(shownTime(job?.finishedTime));
      expect(cluster.catalog.database(j.database)).toBeDefined();
    }
    expect(done.finishedAt).toBe(done.jobs.map((j) => j.finishedAt ?? '').sort().at(-1));
    // The read-only repository is gone again; the snapshot on OSS is untouched.
    expect(done.repositoryDropped).toBe(true);
    expect(cluster.repositories.get(done.repository)).toBeUndefined();
    expect(source.databases.map((d) => snapshotKeys(d.snapshotName).length)).toEqual(objects);
    expect(messagesAbout(w.slack, id)).toEqual([`Restore request ${id} needs approval → Restore request ${id} approved`, `Restore ${id} running → Restore ${id} finished`]);
  }, 120_000);
});

describe('kill points of a deletion', () => {
  let victim: BackupSet | null = null;
  const snapshots = (): string[] => victim?.databases.map((d) => d.snapshotName) ?? [];
  const isDelete = (r: InterceptedRequest): boolean => r.method === 'POST' && 'delete' in r.query;
  const points: KillPoint[] = [
    onOss('the first listing of a snapshot to delete', (r) => snapshots().some((s) => isListingOf(r, s)), 'run'),
    onOss('the first multi-delete, lost before OSS carried it out', isDelete, 'drop'),
    onOss('the first multi-delete, carried out unanswered', isDelete, 'run'),
    onOss('the last listing of the last snapshot (the check that nothing is left)', (r) => isListingOf(r, snapshots().at(-1) ?? '-'), 'run', 3),
    onSlack('announcing the deletion (never reached Slack)', 'chat.postMessage', /^Backup bk-\S+ deleted$/, 'drop'),
    onSlack('announcing that the deletion started (never reached Slack)', 'chat.postMessage', /^Deleting backup bk-\S+$/, 'drop'),
  ];

  it.each(points.map((p) => [p.name, p] as const))('killed at %s: the set ends DELETED with every object gone, the others intact', async (_name, point) => {
    const sets = w.store().backupSets.filter((s) => s.instanceId === 'prod-1' && s.state === 'FINISHED');
    // The oldest finished set goes; the others are listed before and after.
    victim = sets.at(-1) ?? null;
    if (!victim || sets.length < 2) throw new Error('not enough finished backups to delete one');
    const id = victim.id;
    const others = new Map(sets.slice(0, -1).flatMap((s) => s.databases.map((d) => [d.snapshotName, snapshotKeys(d.snapshotName).length] as const)));
    expect(snapshots().every((s) => snapshotKeys(s).length > 0)).toBe(true);
    await killedAt(point, `DELETE ${id}`);
    const done = await waitFor(() => {
      const s = w.store().backupSets.find((x) => x.id === id);
      return s && s.state !== 'DELETING' ? s : null;
    }, `${id} to be deleted`, 60_000).catch((err: unknown) => {
      const set = w.store().backupSets.find((x) => x.id === id);
      const task = w.store().tasks.find((t) => t.subject === id && t.kind === 'delete');
      throw new Error(`${(err as Error).message}: ${JSON.stringify(set?.deletionBlocked)} task ${task?.detail ?? '-'}\n${w.bot?.lines.slice(-15).join('\n') ?? ''}`);
    });
    await delivered(id);

    expect(done.state).toBe('DELETED');
    expect(snapshots().flatMap((s) => snapshotKeys(s))).toEqual([]);
    expect(new Map([...others.keys()].map((s) => [s, snapshotKeys(s).length]))).toEqual(others);
    expect(messagesAbout(w.slack, id).filter((t) => !t.startsWith(`Backup ${id} running`))).toEqual([`Deleting backup ${id}`, `Backup ${id} deleted`]);
  }, 120_000);
});
