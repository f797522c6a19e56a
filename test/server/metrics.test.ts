/**
 * Prometheus metrics as an operator scrapes them: a real `tessera serve`
 * process with a management listener, requests over real sockets, and the
 * exposition text read by Prometheus's own Python client's parser. Counts are
 * checked against the requests the test made.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { basic } from '../helpers/fixtures.ts';
import { scrape, typeOf, value } from '../helpers/prometheus.ts';
import { spawnTessera, startServe, START_TIMEOUT_MS, type LogLine, type TesseraProcess } from '../helpers/spawn-tessera.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-metrics-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function createClient(db: string, id: string, format: 'opaque' | 'jwt'): Promise<string> {
  const created = await runCli(['clients', 'create', id, '--db', db, '--grants', 'client_credentials', '--format', format]);
  assert.equal(created.code, 0, created.stderr);
  return (JSON.parse(created.stdout) as { clientSecret: string }).clientSecret;
}

const form = (url: string, path: string, authorization: string, body: string) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization }, body });

describe('Prometheus metrics on the management listener', () => {
  let server: TesseraProcess & { url: string };
  let management: string;
  let opaqueSecret: string;
  let jwtSecret: string;
  let appSecret: string;

  before(async () => {
    const db = join(dir, 'metrics.db');
    assert.equal((await runCli(['init', '--db', db])).code, 0);
    opaqueSecret = await createClient(db, 'svc', 'opaque');
    jwtSecret = await createClient(db, 'signer', 'jwt');
    appSecret = (JSON.parse((await runCli(['clients', 'create', 'app', '--db', db, '--grants', 'password'])).stdout) as { clientSecret: string }).clientSecret;
    assert.equal((await runCli(['users', 'create', 'alice', '--db', db, '--password-env', 'PASSWORD'], { env: { PASSWORD: 'correct horse battery staple' } })).code, 0);
    server = await startServe(['--db', db, '--metrics-port', '0'], { TESSERA_METRICS_TOKEN: 'scrape-secret' });
    management = String(server.lines.find((l) => l.msg === 'listening')!.managementUrl);
  });
  after(() => server?.stop());

  it('counts tokens by tenant, grant and format, errors by code, introspections and revocations by outcome', async () => {
    const tokens: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await form(server.url, '/oauth/token', basic('svc', opaqueSecret), 'grant_type=client_credentials');
      assert.equal(res.status, 200);
      tokens.push(((await res.json()) as { access_token: string }).access_token);
    }
    assert.equal((await form(server.url, '/oauth/token', basic('signer', jwtSecret), 'grant_type=client_credentials')).status, 200);
    assert.equal((await form(server.url, '/oauth/token', basic('svc', 'wrong'), 'grant_type=client_credentials')).status, 401);
    assert.equal((await form(server.url, '/oauth/token', basic('svc', opaqueSecret), 'grant_type=password')).status, 400);
    const introspect = (token: string) => form(server.url, '/oauth/introspect', basic('svc', opaqueSecret), `token=${encodeURIComponent(token)}`);
    assert.equal(((await (await introspect(tokens[0]!)).json()) as { active: boolean }).active, true);
    assert.equal(((await (await introspect('no-such-token')).json()) as { active: boolean }).active, false);
    assert.equal((await form(server.url, '/oauth/revoke', basic('svc', opaqueSecret), `token=${tokens[1]}`)).status, 200);
    assert.equal((await form(server.url, '/oauth/revoke', basic('svc', 'wrong'), `token=${tokens[2]}`)).status, 401);

    const m = await scrape(`${management}/metrics`, { authorization: 'Bearer scrape-secret' });
    assert.equal(value(m, 'tessera_tokens_issued_total', { tenant: 'default', grant: 'client_credentials', format: 'opaque' }), 3);
    assert.equal(value(m, 'tessera_tokens_issued_total', { tenant: 'default', grant: 'client_credentials', format: 'jwt' }), 1);
    assert.equal(value(m, 'tessera_token_errors_total', { error: 'invalid_client' }), 1);
    assert.equal(value(m, 'tessera_token_errors_total', { error: 'unauthorized_client' }), 1);
    assert.equal(value(m, 'tessera_introspections_total', { outcome: 'active' }), 1);
    assert.equal(value(m, 'tessera_introspections_total', { outcome: 'inactive' }), 1);
    assert.equal(value(m, 'tessera_revocations_total', { outcome: 'revoked' }), 1);
    assert.equal(value(m, 'tessera_revocations_total', { outcome: 'invalid_client' }), 1);
    // The latency histogram counts the direct path's requests, by route and status.
    assert.equal(typeOf(m, 'tessera_http_request_duration_seconds'), 'histogram');
    assert.equal(value(m, 'tessera_http_request_duration_seconds', { route: 'token', status: '200' }), 4);
    assert.equal(value(m, 'tessera_http_request_duration_seconds', { route: 'token', status: '401' }), 1);
    assert.equal(value(m, 'tessera_http_request_duration_seconds', { route: 'introspection', status: '200' }), 2);
  });

  it('covers Fastify routes, the store, argon2, keys, the WAL, the process, and declares the rate-limit series', async () => {
    assert.equal((await fetch(`${server.url}/.well-known/oauth-authorization-server`)).status, 200);
    for (let i = 0; i < 16; i++) assert.equal((await form(server.url, '/oauth/token', basic('svc', opaqueSecret), 'grant_type=client_credentials')).status, 200);
    const m = await scrape(`${management}/metrics`, { authorization: 'Bearer scrape-secret' });
    assert.equal(value(m, 'tessera_http_request_duration_seconds', { route: 'metadata', status: '200' }), 1);
    // One call in 16 of each operation is timed; these requests made more than 16 client reads.
    assert.equal(typeOf(m, 'tessera_store_operation_duration_seconds'), 'histogram');
    assert.ok(value(m, 'tessera_store_operation_duration_seconds', { operation: 'clients.getClient' }) >= 1);
    assert.equal(typeOf(m, 'tessera_argon2_queue_depth'), 'gauge');
    assert.equal(value(m, 'tessera_argon2_queue_depth'), 0);
    const age = value(m, 'tessera_signing_key_age_seconds', { tenant: 'default' });
    assert.ok(age >= 0 && age < 3600, `key age ${age}`);
    assert.equal(typeOf(m, 'tessera_sqlite_wal_bytes'), 'gauge');
    assert.ok(value(m, 'process_resident_memory_bytes') > 0);
    assert.equal(typeOf(m, 'tessera_rate_limited_requests_total'), 'counter');
  });

  it('answers /metrics only to the configured bearer token; health stays open', async () => {
    const refused = await fetch(`${management}/metrics`);
    assert.equal(refused.status, 401);
    assert.match(refused.headers.get('www-authenticate') ?? '', /^Bearer /);
    assert.equal((await fetch(`${management}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
    assert.equal((await fetch(`${management}/health/live`)).status, 200);
    const ready = await fetch(`${management}/health/ready`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready', checks: { store: 'ok', migrations: 'ok', keys: 'ok' } });
  });

  it('counts a lock started by wrong passwords, and argon2\'s waits', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await form(server.url, '/oauth/token', basic('app', appSecret), 'grant_type=password&username=alice&password=wrong');
      assert.equal(res.status, 400);
    }
    const m = await scrape(`${management}/metrics`, { authorization: 'Bearer scrape-secret' });
    assert.equal(value(m, 'tessera_lockouts_total', { tenant: 'default' }), 1, 'the fifth failure locks (default policy)');
    assert.equal(value(m, 'tessera_token_errors_total', { error: 'invalid_grant' }), 5);
    assert.ok(value(m, 'tessera_argon2_wait_seconds') >= 5, 'every password check passed the argon2 limiter');
  });

  it('serves no metrics on the public port', async () => {
    assert.equal((await fetch(`${server.url}/metrics`)).status, 404);
  });
});

describe('metrics of a --workers group', { timeout: 4 * START_TIMEOUT_MS }, () => {
  it('gives the whole group in one scrape of the primary', async () => {
    const db = join(dir, 'cluster.db');
    assert.equal((await runCli(['init', '--db', db])).code, 0);
    const secret = await createClient(db, 'svc', 'opaque');
    const primary = spawnTessera(['serve', '--workers', '2', '--port', '0', '--metrics-port', '0', '--db', db]);
    try {
      const started = await primary.waitForLine((l) => l.msg === 'cluster primary started');
      const management = String(started.managementUrl);
      const listening = (l: LogLine) => l.msg === 'listening';
      await primary.waitForLine(() => primary.lines.filter(listening).length === 2);
      const url = String(primary.lines.find(listening)!.url);
      // New connections each, so the kernel spreads them over both workers.
      const issued = 12;
      for (let i = 0; i < issued; i++) {
        const res = await fetch(`${url}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic('svc', secret), connection: 'close' },
          body: 'grant_type=client_credentials',
        });
        assert.equal(res.status, 200);
      }
      const servedBy = new Set(primary.lines.filter((l) => l.msg === 'request' && l.path === '/oauth/token').map((l) => l.pid));
      assert.equal(servedBy.size, 2, 'both workers served tokens (the primary hands connections round-robin)');
      const m = await scrape(`${management}/metrics`);
      assert.equal(value(m, 'tessera_tokens_issued_total', { tenant: 'default', grant: 'client_credentials', format: 'opaque' }), issued);
      assert.ok(value(m, 'process_resident_memory_bytes') > 0);
      const ready = await fetch(`${management}/health/ready`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: 'ready', checks: { workers: 'ok' } });
    } finally {
      await primary.stop('SIGTERM');
    }
  });
});
