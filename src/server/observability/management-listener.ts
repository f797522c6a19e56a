/**
 * The management listener: Prometheus metrics and health on a port of their
 * own, apart from the public one (as Keycloak's management interface and
 * Hydra's admin port), so the scrape and the probes are reachable where the
 * operator's monitoring is, and never from the internet by accident.
 *
 * - `GET /metrics`: the exposition text; with a token configured, only for
 *   `Authorization: Bearer <token>` (compared in constant time);
 * - `GET /health/live`, `GET /health/ready`: as on the public port.
 *
 * @see https://prometheus.io/docs/instrumenting/exposition_formats/
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readiness } from '../../http/app-services.ts';
import { LIVE_ANSWER, readinessAnswer, type HealthAnswer } from '../../http/routes/health.ts';

export interface ManagementOptions {
  host: string;
  port: number;
  /** The exposition text of every series. */
  metrics: () => Promise<{ contentType: string; text: string }>;
  ready: () => Promise<Readiness>;
  /** A bearer token `/metrics` requires; none: open. */
  token?: string | undefined;
  /** Told about a failed scrape (the answer is a 500). */
  onError?: (error: unknown) => void;
}

export interface ManagementListener {
  /** `http://host:port` actually bound. */
  url: string;
  close(): Promise<void>;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

function send(response: ServerResponse, answer: HealthAnswer): void {
  response.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
  response.end(answer.body);
}

function problem(status: number, title: string, headers: Record<string, string> = {}): HealthAnswer {
  return { status, headers: { 'content-type': 'application/problem+json; charset=utf-8', 'cache-control': 'no-store', ...headers }, body: JSON.stringify({ type: 'about:blank', title, status }) };
}

export async function startManagementListener(options: ManagementOptions): Promise<ManagementListener> {
  const expected = options.token === undefined ? undefined : digest(`Bearer ${options.token}`);
  const authorized = (header: string | undefined) => expected === undefined || (header !== undefined && timingSafeEqual(digest(header), expected));
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?', 1)[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, problem(405, 'Method Not Allowed', { allow: 'GET, HEAD' }));
    if (path === '/health/live') return send(response, LIVE_ANSWER);
    if (path === '/health/ready') {
      options.ready().then((readiness) => send(response, readinessAnswer(readiness)), () => send(response, readinessAnswer({ ready: false, checks: { store: 'unknown' } })));
      return;
    }
    if (path === '/metrics') {
      if (!authorized(request.headers.authorization)) return send(response, problem(401, 'Unauthorized', { 'www-authenticate': 'Bearer realm="metrics"' }));
      options.metrics().then(
        ({ contentType, text }) => send(response, { status: 200, headers: { 'content-type': contentType, 'cache-control': 'no-store' }, body: text }),
        (error: unknown) => {
          options.onError?.(error);
          send(response, problem(500, 'Internal Server Error'));
        },
      );
      return;
    }
    send(response, problem(404, 'Not Found'));
  });
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
