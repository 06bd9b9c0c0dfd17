// POSTs JSON to a response_url with node:http(s) and keep-alive agents: several times
// cheaper than fetch per call, which matters when a burst of replies shares the event loop
// with the acks of the requests behind them.

import http from 'node:http';
import https from 'node:https';

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64 });

/** The HTTP status of the answer; throws on network failure or after `timeoutMs`. */
export function postJson(url: string, body: unknown, timeoutMs = 10_000): Promise<number> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  if (!secure && target.protocol !== 'http:') return Promise.reject(new Error(`not an http(s) URL: ${target.protocol}`));
  const payload = JSON.stringify(body);
  const request = secure ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: 'POST',
        agent: secure ? httpsAgent : httpAgent,
        headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from the response_url in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}
