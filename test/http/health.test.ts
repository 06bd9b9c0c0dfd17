// GET /healthz and GET /metrics over real HTTP, in front of the whole bot.

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { healthRoutes, startHttpRoutes } from '../../adapters/http/health';
import { startHarness } from '../support/harness';
import type { Harness } from '../support/harness';

let h: Harness;
let server: Server;

afterEach(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await h.close();
});

async function get(path: string): Promise<{ status: number; body: string }> {
  const { port } = server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text() };
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
