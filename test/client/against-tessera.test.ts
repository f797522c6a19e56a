/**
 * The SDK against a real Tessera (in-process server on a socket): the
 * strict default dialect and each seed preset reach a token, and a wrong
 * secret surfaces as a typed error with the server's description.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTokenSource, dialectFromMetadata, discover, presets, TokenEndpointError } from '../../src/client/index.ts';
import { validateConfig } from '../../src/config/config.ts';
import { startServer, type RunningServer } from '../../src/server/start-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-sdk-'));
const seedsConfig = JSON.parse(readFileSync(new URL('../../examples/seeds.config.json', import.meta.url), 'utf8'));
const CHANGE = { actor: 'test:sdk' };
let server: RunningServer;
let generated: string;

before(async () => {
  server = await startServer(validateConfig({ ...seedsConfig, port: 0, logLevel: 'silent', database: join(dir, 'sdk.db') }));
  const { clients, tenants } = server.tessera.admin;
  generated = (await clients.create({ tenantId: 'default', id: 'sdk-client', scopes: ['read'] }, CHANGE)).clientSecret!;
  await clients.create({ tenantId: 'default', id: 'username', secret: 'password' }, CHANGE);
  await tenants.create({ id: 'example.com', issuer: 'https://example.com' }, CHANGE);
  await clients.create({ tenantId: 'example.com', id: 'client-id', secret: 'qkDwDJlDfig2IpeuUZYKH1Wb8q1V0ju6sILxQQqhJ', tokenFormat: 'jwt' }, CHANGE);
});

after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('tessera/client against a running Tessera', () => {
  it('gets a token with the strict RFC 6749 dialect and caches it', async () => {
    const source = createTokenSource({ tokenEndpoint: `${server.url}/oauth/token`, preset: presets.tessera, clientId: 'sdk-client', clientSecret: generated });
    const first = await source.getToken({ scope: 'read' });
    assert.match(first.accessToken, /^tat_/);
    assert.equal(first.expiresIn, 3600);
    assert.equal((await source.getToken({ scope: 'read' })).accessToken, first.accessToken);
  });

  it("discovers Tessera's token endpoint and auth method from its RFC 8414 metadata, then gets a token", async () => {
    const issuer = (await server.tessera.store.tenants.getTenant('default'))!.issuer;
    // The issuer is the public URL (localhost); discovery asks the socket the server listens on.
    const metadata = await discover(server.url.replace('127.0.0.1', 'localhost'));
    assert.equal(metadata.issuer, issuer);
    assert.equal(new URL(metadata.tokenEndpoint).pathname, '/oauth/token');
    const source = createTokenSource({
      tokenEndpoint: metadata.tokenEndpoint, dialect: dialectFromMetadata(metadata), clientId: 'sdk-client', clientSecret: generated,
    });
    assert.match((await source.getToken()).accessToken, /^tat_/);
  });

  it('speaks seed 000 (Basic, raw) at /v2/token/', async () => {
    const source = createTokenSource({ tokenEndpoint: `${server.url}/v2/token/`, preset: presets.basicForm, clientId: 'username', clientSecret: 'password' });
    const token = await source.getToken();
    assert.equal(token.tokenType.toLowerCase(), 'bearer');
  });

  it('speaks seed 001 (form body with tenant) at /configapi/v2/oauth/token', async () => {
    const source = createTokenSource({
      tokenEndpoint: `${server.url}/configapi/v2/oauth/token`, preset: presets.formWithTenant,
      clientId: 'client-id', clientSecret: 'qkDwDJlDfig2IpeuUZYKH1Wb8q1V0ju6sILxQQqhJ', params: { tenant: 'example.com' },
    });
    assert.match((await source.getToken()).accessToken, /^eyJ/);
  });

  it('speaks seed 004 (JSON body) at /oauth/token', async () => {
    const source = createTokenSource({ tokenEndpoint: `${server.url}/oauth/token`, preset: presets.jsonBody, clientId: 'sdk-client', clientSecret: generated });
    assert.match((await source.getToken()).accessToken, /^tat_/);
  });

  it("throws a TokenEndpointError carrying the server's code and description, without the secret", async () => {
    const source = createTokenSource({ tokenEndpoint: `${server.url}/oauth/token`, preset: presets.tessera, clientId: 'sdk-client', clientSecret: 'wrong-secret-value' });
    await assert.rejects(source.getToken(), (error: unknown) => {
      assert.ok(error instanceof TokenEndpointError);
      assert.equal(error.error, 'invalid_client');
      // Strict RFC 6749 at /oauth/token: one description for every refused credential (seed 002's wording lives on its own path).
      assert.equal(error.errorDescription, 'Client authentication failed');
      assert.equal(error.status, 401);
      assert.ok(!String(error).includes('wrong-secret-value') && !JSON.stringify(error).includes('wrong-secret-value'));
      return true;
    });
  });
});
