// GET (and HEAD) /healthz and GET /metrics, either on their own server or as routes of the Slack
// receiver. A HEAD gets the status and headers of the GET, without the body (a load balancer's
// probe).

import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface HealthStatus {
  ok: boolean;
  [part: string]: unknown;
}

export interface Route {
  method: 'GET' | 'HEAD';
  path: string;
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  // Node sends no body for a HEAD request, whatever is passed here.
  res.end(text);
}

export function healthRoutes(health: () => Promise<HealthStatus>, metrics: () => Promise<string>): Route[] {
  const healthz = (_req: IncomingMessage, res: ServerResponse): void => {
    health()
      .then((status) => sendJson(res, status.ok ? 200 : 503, status))
      .catch((err: unknown) => sendJson(res, 503, { ok: false, error: err instanceof Error ? err.message : String(err) }));
  };
  return [
    { method: 'GET', path: '/healthz', handler: healthz },
    { method: 'HEAD', path: '/healthz', handler: healthz },
    {
      method: 'GET',
      path: '/metrics',
      handler: (_req, res) => {
        metrics()
          .then((text) => {
            res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
            res.end(text);
          })
          .catch(() => {
            res.writeHead(500);
            res.end();
          });
      },
    },
  ];
}

/** Serves the routes on their own port (when no Slack receiver owns the port). */
export function startHttpRoutes(port: number, routes: Route[]): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const route = routes.find((r) => r.method === req.method && r.path === path);
    if (route) return route.handler(req, res);
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'not found' }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}
