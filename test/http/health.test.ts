// GET /healthz and GET /metrics over real HTTP, in front of the whole bot.

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { healthRoutes, startHttpRoutes } from '../../adapters/http/health';
import { startHarness } from '../support/harness';
import type { Harness } from '../support/harness';
import { endedSet, startBackup } from '../support/backups';
import { startSandboxSimulators } from '../../sim/sandbox';
import { startHarness as startSlackHarness } from '../slack/harness';

let h: Harness;
let server: Server;

afterEach(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await h.close();
});

async function get(path: string, method = 'GET'): Promise<{ status: number; body: string; length: string | null }> {
  const { port } = server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method });
  return { status: res.status, body: await res.text(), length: res.headers.get('content-length') };
}

describe('health and metrics', () => {
  it('answers 503 before the scheduler runs and 200 with a JSON body once it does', async () => {
    h = await startHarness({ start: false });
    server = await startHttpRoutes(0, healthRoutes(() => h.bot.health(), () => h.bot.metrics.render()));
    const before = await get('/healthz');
    expect(before.status).toBe(503);
    expect(JSON.parse(before.body)).toMatchObject({ ok: false, store: 'up', scheduler: 'down' });
    await h.say('oper1', 'settings prod-1 on days=mon');
    await h.start();
    const after = await get('/healthz');
    expect(after.status).toBe(200);
    expect(JSON.parse(after.body)).toMatchObject({ ok: true, store: 'up', scheduler: 'up', scheduledInstances: 1 });
  });

  it('serves Prometheus text with backup sets, bytes, the outbox and scheduled instances', async () => {
    h = await startHarness();
    server = await startHttpRoutes(0, healthRoutes(() => h.bot.health(), () => h.bot.metrics.render()));
    await h.say('oper1', 'settings prod-1 on days=mon');
    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('# TYPE backup_bot_outbox_depth gauge');
    expect(metrics.body).toMatch(/^backup_bot_outbox_depth \d+$/m);
    expect(metrics.body).toMatch(/^backup_bot_scheduled_instances 0$/m);
    expect((await get('/nope')).status).toBe(404);
  });
});

describe('what an on-call engineer alerts on', () => {
  it('counts runs by result, times them, and shows last good backup time, bytes and every set state', async () => {
    const sims = await startSandboxSimulators({ stepMs: 10 });
    try {
      h = await startHarness({ sims: sims.description });
      server = await startHttpRoutes(0, healthRoutes(() => h.bot.health(), () => h.bot.metrics.render()));
      const set = await endedSet(h, await startBackup(h, 'prod-1'));
      expect(set.state).toBe('FINISHED');
      await h.settle();
      const { body } = await get('/metrics');
      const value = (line: RegExp): number => Number(line.exec(body)?.[1] ?? NaN);
      expect(value(/^backup_bot_backup_runs_total\{result="FINISHED"\} (\d+)$/m)).toBe(1);
      expect(value(/^backup_bot_backup_runs_total\{result="FAILED"\} (\d+)$/m)).toBe(0);
      expect(value(/^backup_bot_backup_duration_seconds_count\{result="FINISHED"\} (\d+)$/m)).toBe(1);
      expect(value(/^backup_bot_last_good_backup_timestamp_seconds\{instance="prod-1"\} (\S+)$/m)).toBe(Date.parse(set.finishedAt ?? '') / 1000);
      expect(value(/^backup_bot_last_good_backup_timestamp_seconds\{instance="staging-1"\} (\S+)$/m)).toBe(0);
      expect(value(/^backup_bot_backup_bytes\{instance="prod-1"\} (\d+)$/m)).toBe(set.sizeBytes);
      for (const state of ['RUNNING', 'FINISHED', 'PARTIAL', 'FAILED', 'EXPIRING', 'DELETING', 'EXPIRED', 'DELETED', 'MISSING']) {
        expect(value(new RegExp(`^backup_bot_backup_sets\\{state="${state}"\\} (\\d+)$`, 'm'))).toBe(state === 'FINISHED' ? 1 : 0);
      }
      expect(value(/^backup_bot_leader (\d+)$/m)).toBe(1);
      expect(body).toContain('# TYPE backup_bot_controller_errors_total counter');
      expect(body).toContain('# TYPE backup_bot_chat_api_errors_total counter');
      // The structured log says when backups start and end.
      const events = h.log.map((r) => (r.fields as { event?: string; setId?: string }));
      expect(events.filter((e) => e.setId === set.id).map((e) => e.event).filter(Boolean)).toEqual(['backup.started', 'backup.finished']);
    } finally {
      await sims.close();
    }
  });
});

describe('/healthz for a load balancer and an on-call engineer', () => {
  it('answers HEAD with the status of GET and no body, also before the scheduler runs', async () => {
    h = await startHarness({ start: false });
    server = await startHttpRoutes(0, healthRoutes(() => h.bot.health(), () => h.bot.metrics.render()));
    const before = await get('/healthz', 'HEAD');
    expect(before).toMatchObject({ status: 503, body: '' });
    await h.start();
    const head = await get('/healthz', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(Number(head.length)).toBeGreaterThan(0);
    expect((await get('/metrics', 'HEAD')).status).toBe(404);
  });

  it("names each instance's last contact, and stays 200 while a cluster does not answer", async () => {
    const sims = await startSandboxSimulators({ stepMs: 10 });
    try {
      h = await startHarness({
        sims: sims.description,
        config: (c) => ({ ...c, instances: c.instances.map((i) => (i.id === 'lake-1' ? { ...i, frontends: [{ host: '127.0.0.1', port: 9 }] } : i)) }),
      });
      server = await startHttpRoutes(0, healthRoutes(() => h.bot.health(), () => h.bot.metrics.render()));
      const untouched = JSON.parse((await get('/healthz')).body) as { instances: Record<string, unknown> };
      expect(Object.keys(untouched.instances)).toEqual(['prod-1', 'staging-1', 'lake-1', 'prod-sh']);
      expect(untouched.instances['prod-1']).toEqual({ lastContactAt: null, lastContactFailed: false, lastSuccessAt: null, lastFailureAt: null, lastFailure: null });

      await h.say('viewer1', 'instances');
      const after = await get('/healthz');
      expect(after.status).toBe(200);
      const body = JSON.parse(after.body) as { ok: boolean; instances: Record<string, { lastContactAt: string | null; lastContactFailed: boolean; lastSuccessAt: string | null; lastFailureAt: string | null; lastFailure: string | null }> };
      expect(body.ok).toBe(true);
      expect(body.instances['prod-1']).toMatchObject({ lastContactFailed: false, lastFailureAt: null, lastFailure: null });
      expect(body.instances['prod-1']?.lastContactAt).toBe(body.instances['prod-1']?.lastSuccessAt);
      expect(body.instances['lake-1']).toMatchObject({ lastContactFailed: true, lastSuccessAt: null, lastFailure: 'unreachable' });
      expect(body.instances['lake-1']?.lastContactAt).toBe(body.instances['lake-1']?.lastFailureAt);
      // The kind of failure, never its message (which names hosts and ports).
      expect(after.body).not.toContain('127.0.0.1');
    } finally {
      await sims.close();
    }
  });

  it('is served by the Slack receiver too, GET and HEAD, on the port of /slack/events', async () => {
    h = await startHarness();
    const slack = await startSlackHarness({ surface: { routes: healthRoutes(() => h.bot.health(), () => h.bot.metrics.render()) } });
    try {
      const base = `http://127.0.0.1:${slack.surface.port}`;
      const got = await fetch(`${base}/healthz`);
      expect(got.status).toBe(200);
      expect(JSON.parse(await got.text())).toMatchObject({ ok: true, instances: { 'prod-1': { lastContactAt: null } } });
      const head = await fetch(`${base}/healthz`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
    } finally {
      await slack.stop();
      server = await startHttpRoutes(0, []);
    }
  });
});
