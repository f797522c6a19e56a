/**
 * End to end, over sockets: a real Tessera server (SQLite file, system clock)
 * issues tokens, and the example accounts API (examples/accounts-api.ts,
 * importing `@tessera-oauth/verify` as a user would, resolved to the sources
 * here) accepts or refuses them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTessera } from '../../src/server/compose.ts';
import { validateConfig } from '../../src/config/config.ts';
import { systemClock } from '../../src/core/clock.ts';
import { startServer, type RunningServer } from '../../src/server/start-server.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { basic } from '../helpers/fixtures.ts';
import '../helpers/source-packages.ts';

// After the hook above: the example imports the published names.
const { buildAccountsApi, verifierFromEnv } = await import('../../examples/accounts-api.ts');

const dir = mkdtempSync(join(tmpdir(), 'tessera-example-'));
const ISSUER = 'https://auth.example.test';
let server: RunningServer;
const apis: FastifyInstance[] = [];
let apiA: string;
let apiB: string;
const secrets: Record<string, string> = {};

async function listen(env: Record<string, string>): Promise<string> {
  const api = buildAccountsApi(verifierFromEnv({ TESSERA_URL: server.url, ...env }));
  apis.push(api);
  return api.listen({ host: '127.0.0.1', port: 0 });
}

before(async () => {
  const store = openSqliteStore({ path: join(dir, 'tessera.db') });
  const { tenants, clients } = createTessera({ store, clock: systemClock }).admin;
  await tenants.create({ id: 'default', issuer: ISSUER }, { actor: 'test' });
  await tenants.create({ id: 'b', issuer: `${ISSUER}/t/b` }, { actor: 'test' });
  const create = async (tenantId: string, id: string, input: Record<string, unknown>) => {
    secrets[`${tenantId}/${id}`] = (await clients.create({ tenantId, id, scopes: ['accounts:read'], ...input }, { actor: 'test' })).clientSecret!;
  };
  await create('default', 'reporting', { tokenFormat: 'jwt', accounts: ['20000', '20001'] });
  await create('default', 'legacy', { accounts: ['20002'] });
  await create('default', 'accounts-api', { scopes: [] });
  await create('b', 'reporting', { tokenFormat: 'jwt', accounts: ['20000'] });
  server = await startServer(validateConfig({ port: 0, logLevel: 'silent', database: join(dir, 'tessera.db') }), { store });
  apiA = await listen({ TESSERA_ISSUER: ISSUER, TESSERA_CLIENT_ID: 'accounts-api', TESSERA_CLIENT_SECRET: secrets['default/accounts-api']! });
  apiB = await listen({ TESSERA_ISSUER: `${ISSUER}/t/b`, TESSERA_TENANT: 'b' });
});

after(async () => {
  for (const api of apis) await api.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function token(tenant: string, client: string): Promise<string> {
  const res = await fetch(`${server.url}/t/${tenant}/oauth/token`, {
    method: 'POST',
    headers: { authorization: basic(client, secrets[`${tenant}/${client}`]!), 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  assert.equal(res.status, 200);
  return (await res.json()).access_token;
}

const list = (api: string, accessToken: string | undefined, query = '') =>
  fetch(`${api}/v2/accounts${query}`, { headers: accessToken === undefined ? {} : { authorization: `Bearer ${accessToken}` } });

describe('the example accounts API behind a running Tessera', () => {
  it('lists the accounts a JWT carries, verified against the JWKS', async () => {
    const res = await list(apiA, await token('default', 'reporting'));
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.deepEqual(body.accounts.map((a: { number: string }) => a.number), ['20000', '20001']);
    assert.equal(body.client, 'reporting');
  });

  it('narrows to ?account= and pages with perPage', async () => {
    const jwt = await token('default', 'reporting');
    const one = await (await list(apiA, jwt, '?account=20001')).json();
    assert.deepEqual(one.accounts.map((a: { number: string }) => a.number), ['20001']);
    const paged = await (await list(apiA, jwt, '?perPage=1&page=2')).json();
    assert.deepEqual([paged.total, paged.accounts[0].number], [2, '20001']);
  });

  it('refuses an account the token does not carry with 403 insufficient_scope', async () => {
    const res = await list(apiA, await token('default', 'reporting'), '?account=20000,20002');
    assert.equal(res.status, 403);
    assert.equal((await res.json()).error, 'insufficient_scope');
  });

  it('accepts an opaque token through introspection', async () => {
    const res = await list(apiA, await token('default', 'legacy'));
    assert.equal(res.status, 200);
    assert.deepEqual((await res.json()).accounts.map((a: { number: string }) => a.number), ['20002']);
  });

  it('refuses a request without a token with 401 and a Bearer challenge', async () => {
    const res = await list(apiA, undefined);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="accounts"');
  });

  it("refuses tenant A's token at the API of tenant B, and the other way round", async () => {
    const a = await token('default', 'reporting');
    const b = await token('b', 'reporting');
    assert.equal((await list(apiB, b)).status, 200);
    assert.equal((await list(apiB, a)).status, 401);
    assert.equal((await list(apiA, b)).status, 401);
  });
});
