/**
 * A running server losing PostgreSQL: requests answer 503 with Retry-After
 * (never 500, never a crash) while it is gone, and succeed again once it is
 * back, with no restart. The database is taken away by cutting a TCP proxy
 * between server and PostgreSQL, and by terminating the server's sessions.
 */
import assert from 'node:assert/strict';
import { TEST_KEY_ENCRYPTION_KEY } from '../helpers/spawn-tessera.ts';
import { after, before, describe, it } from 'node:test';
import { validateConfig } from '../../src/config/config.ts';
import { startServer, type RunningServer } from '../../src/server/start-server.ts';
import { adminQuery, createTestSchema, POSTGRES_URL, postgresSkip, schemaUrl, type TestSchema } from '../helpers/postgres.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';
import { basic } from '../helpers/fixtures.ts';

const skip = postgresSkip('the database outage tests');

describe('serving through a database outage', { skip }, () => {
  let schema: TestSchema;
  let proxy: TcpProxy;
  let server: RunningServer;
  let secret: string;

  before(async () => {
    schema = await createTestSchema();
    const direct = new URL(POSTGRES_URL!);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const viaProxy = new URL(schemaUrl(POSTGRES_URL!, schema.name));
    viaProxy.port = String(proxy.port);
    server = await startServer(validateConfig({ port: 0, database: viaProxy.toString(), logLevel: 'silent', purgeIntervalMs: 0, keyEncryptionKey: TEST_KEY_ENCRYPTION_KEY }));
    ({ clientSecret: secret } = (await server.tessera.admin.clients.create({ tenantId: 'default', id: 'svc' }, { actor: 'test' })) as { clientSecret: string });
  });

  after(async () => {
    await server?.close();
    await proxy?.close();
    await schema?.drop();
  });

  const issue = () =>
    fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic('svc', secret) },
      body: 'grant_type=client_credentials',
    });

  it('issues tokens while the database is there', async () => {
    assert.equal((await issue()).status, 200);
  });

  it('answers 503 temporarily_unavailable with Retry-After while it is gone, and /healthz says so', async () => {
    await proxy.cut();
    const res = await issue();
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '5');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal((await res.json()).error, 'temporarily_unavailable');
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 503);
    assert.equal(health.headers.get('retry-after'), '5');
  });

  it('recovers by itself when the database comes back', async () => {
    await proxy.restore();
    assert.equal((await issue()).status, 200);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  });

  it('answers 200 or 503, never 500, when its sessions are terminated, then 200 again', async () => {
    await Promise.all([issue(), issue(), issue()]); // several pooled connections to lose
    const { rows } = await adminQuery(
      'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
      [schema.name],
    );
    assert.ok(rows[0].n >= 1, 'the server had sessions to terminate');
    const statuses: number[] = [];
    for (let i = 0; i < 20 && statuses.at(-1) !== 200; i++) statuses.push((await issue()).status);
    assert.ok(statuses.every((s) => s === 200 || s === 503), `statuses: ${statuses.join(', ')}`);
    assert.equal(statuses.at(-1), 200);
  });
});
