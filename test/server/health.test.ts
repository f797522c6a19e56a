/**
 * Liveness and readiness of a real `tessera serve` process, on the public
 * port and on the management listener alike: ready while the store answers
 * with the schema this build expects and the keys are loaded; not ready,
 * naming the failing part, while PostgreSQL is away (a TCP proxy between the
 * server and the database is cut) or the schema is not this build's; ready
 * again by itself when that ends. Liveness stays 200 throughout.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { createReadiness } from '../../src/server/readiness.ts';
import { scrape, typeOf, value } from '../helpers/prometheus.ts';
import { createTestSchema, POSTGRES_URL, postgresSkip, schemaUrl, type TestSchema } from '../helpers/postgres.ts';
import { startServe, type TesseraProcess } from '../helpers/spawn-tessera.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-health-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function probe(url: string): Promise<{ status: number; body: Record<string, unknown>; retryAfter: string | null }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, retryAfter: response.headers.get('retry-after') };
}

/** Probes until `status` is answered (a pool needs a moment to reconnect), at most ~10 s. */
async function until(url: string, status: number) {
  for (let i = 0; ; i++) {
    const answer = await probe(url);
    if (answer.status === status || i === 50) return answer;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const managementOf = (server: TesseraProcess) => String(server.lines.find((l) => l.msg === 'listening')!.managementUrl);

describe('readiness through a PostgreSQL outage', { skip: postgresSkip('the readiness outage test') }, () => {
  let schema: TestSchema;
  let proxy: TcpProxy;
  let server: TesseraProcess & { url: string };

  before(async () => {
    schema = await createTestSchema();
    const direct = new URL(POSTGRES_URL!);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const viaProxy = new URL(schemaUrl(POSTGRES_URL!, schema.name));
    viaProxy.port = String(proxy.port);
    server = await startServe(['--db', viaProxy.toString(), '--metrics-port', '0']);
  });
  after(async () => {
    await server?.stop();
    await proxy?.close();
    await schema?.drop();
  });

  it('is ready, then not ready naming the store while the database is gone, then ready again', async () => {
    const places = [server.url, managementOf(server)];
    for (const base of places) {
      assert.deepEqual(await probe(`${base}/health/ready`), { status: 200, retryAfter: null, body: { status: 'ready', checks: { store: 'ok', migrations: 'ok', keys: 'ok' } } });
    }
    await proxy.cut();
    for (const base of places) {
      const down = await probe(`${base}/health/ready`);
      assert.equal(down.status, 503);
      assert.equal(down.retryAfter, '5');
      assert.deepEqual(down.body.failing, ['store', 'migrations']);
      assert.deepEqual(down.body.checks, { store: 'unreachable', migrations: 'unknown', keys: 'ok' });
      assert.equal((await probe(`${base}/health/live`)).status, 200, 'the process is alive all the same');
    }
    await proxy.restore();
    for (const base of places) assert.equal((await until(`${base}/health/ready`, 200)).status, 200);
  });

  it('shows the PostgreSQL pool, and counts store calls that found the database unavailable', async () => {
    const management = managementOf(server);
    const before = await scrape(`${management}/metrics`);
    assert.ok(value(before, 'tessera_postgres_pool_connections', { state: 'total' }) >= 1);
    assert.equal(typeOf(before, 'tessera_postgres_pool_connections'), 'gauge');
    await proxy.cut();
    try {
      // The metadata route reads the tenant from the store (the cached read re-checks the database).
      await fetch(`${server.url}/.well-known/oauth-authorization-server`);
      await fetch(`${server.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic eDp5' }, body: 'grant_type=client_credentials' });
    } finally {
      await proxy.restore();
    }
    const after = await scrape(`${management}/metrics`);
    assert.ok(value(after, 'tessera_store_errors_total', { kind: 'unavailable' }) > value(before, 'tessera_store_errors_total', { kind: 'unavailable' }));
    // Every query is timed by statement.
    assert.ok(value(after, 'tessera_postgres_query_duration_seconds') > 0);
  });
});

describe('readiness and the schema version', () => {
  let server: TesseraProcess & { url: string };
  let db: DatabaseSync;

  before(async () => {
    const file = join(dir, 'schema.db');
    server = await startServe(['--db', file]);
    db = new DatabaseSync(file);
  });
  after(async () => {
    db?.close();
    await server?.stop();
  });

  it('is not ready while the database records a schema this build does not have, and ready once it is this build\'s again', async () => {
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from a newer release', 0)").run();
    const ahead = await probe(`${server.url}/health/ready`);
    assert.equal(ahead.status, 503);
    assert.deepEqual(ahead.body.failing, ['migrations']);
    assert.match(String((ahead.body.checks as Record<string, string>).migrations), /^schema version 999, this build needs \d+$/);
    db.prepare('DELETE FROM schema_migrations WHERE version = 999').run();
    assert.equal((await probe(`${server.url}/health/ready`)).status, 200);
    assert.equal((await probe(`${server.url}/healthz`)).status, 200, '/healthz stays');
  });
});

describe('readiness before the keys are loaded', () => {
  it('names the keys until start-up has loaded them', async () => {
    const readiness = createReadiness({ ping: async () => {}, schemaStatus: async () => ({ version: 8, latest: 8 }) });
    assert.deepEqual(await readiness.check(), { ready: false, checks: { store: 'ok', migrations: 'ok', keys: 'not loaded yet' } });
    readiness.keysLoaded();
    assert.deepEqual(await readiness.check(), { ready: true, checks: { store: 'ok', migrations: 'ok', keys: 'ok' } });
  });
});
