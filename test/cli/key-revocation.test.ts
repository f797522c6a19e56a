/**
 * Withdrawing a compromised signing key, through the real commands: a
 * `tessera serve` process keeps running while `tessera keys revoke` (another
 * process) or the admin API revokes the key its JWTs are signed with. From the
 * next request on, the key is gone from the server's JWKS and its tokens
 * introspect as inactive; new tokens are signed by a new key.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { json, runCli, startCliServer, type CliServer } from '../helpers/cli.ts';
import { createTestSchema, postgresSkip } from '../helpers/postgres.ts';
import { TEST_KEY_ENCRYPTION_KEY } from '../helpers/spawn-tessera.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-key-revocation-'));
const db = join(dir, 'revoke.db');
let server: CliServer;
let admin: { id: string; secret: string };
let service: { id: string; secret: string };

const basic = (c: { id: string; secret: string }) => `Basic ${Buffer.from(`${encodeURIComponent(c.id)}:${encodeURIComponent(c.secret)}`).toString('base64')}`;

async function token(client: { id: string; secret: string }, tenantPath = ''): Promise<string> {
  const response = await fetch(`${server.url}${tenantPath}/oauth/token`, {
    method: 'POST',
    headers: { authorization: basic(client), 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  assert.equal(response.status, 200, await response.clone().text());
  return ((await response.json()) as { access_token: string }).access_token;
}

async function active(accessToken: string): Promise<boolean> {
  const response = await fetch(`${server.url}/oauth/introspect`, {
    method: 'POST',
    headers: { authorization: basic(admin), 'content-type': 'application/x-www-form-urlencoded' },
    body: `token=${encodeURIComponent(accessToken)}`,
  });
  assert.equal(response.status, 200);
  return ((await response.json()) as { active: boolean }).active;
}

const kidOf = (jwt: string) => (JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
const jwksKids = async () => ((await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);

before(async () => {
  const init = json<{ clientId: string; clientSecret: string }>(await runCli(['init', '--db', db]));
  admin = { id: init.clientId, secret: init.clientSecret };
  const created = json<{ clientSecret: string }>(await runCli(['clients', 'create', 'svc', '--format', 'jwt', '--grants', 'client_credentials', '--db', db]));
  service = { id: 'svc', secret: created.clientSecret };
  server = await startCliServer(['--db', db]);
});

after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('key revocation', () => {
  it('tessera keys revoke, run beside a serving process, withdraws the key from its JWKS and its tokens at once', async () => {
    const jwt = await token(service);
    const kid = kidOf(jwt);
    assert.equal(await active(jwt), true);
    assert.ok((await jwksKids()).includes(kid));

    const revoked = await runCli(['keys', 'revoke', kid, '--db', db]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(json<{ revoked: { kid: string } }>(revoked).revoked.kid, kid);

    assert.equal(await active(jwt), false, 'the running server no longer accepts the revoked key');
    assert.ok(!(await jwksKids()).includes(kid), 'nor publishes it');
    const next = await token(service);
    assert.notEqual(kidOf(next), kid);
    assert.equal(await active(next), true);
    assert.ok((await jwksKids()).includes(kidOf(next)));
  });

  it('refuses to revoke an unknown key, with exit code 1', async () => {
    const missing = await runCli(['keys', 'revoke', 'no-such-kid', '--db', db]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no signing key 'no-such-kid'/);
    assert.equal((await runCli(['keys', 'revoke', '--db', db])).code, 2);
  });

  it('POST /admin/v1/tenants/{tenantId}/keys/{kid}/revoke does the same for an administrator of the tenant', async () => {
    const bearer = await token(admin);
    const jwt = await token(service);
    const kid = kidOf(jwt);
    const revoke = (tenant: string, key: string, authorization = `Bearer ${bearer}`) =>
      fetch(`${server.url}/admin/v1/tenants/${tenant}/keys/${encodeURIComponent(key)}/revoke`, { method: 'POST', headers: { authorization } });

    const unknown = await revoke('default', 'no-such-kid');
    assert.equal(unknown.status, 404);
    assert.match(unknown.headers.get('content-type') ?? '', /application\/problem\+json/);

    // A client of the tenant without admin scope may not.
    const refused = await revoke('default', kid, `Bearer ${jwt}`);
    assert.equal(refused.status, 403);
    assert.equal(await active(jwt), true);

    const response = await revoke('default', kid);
    assert.equal(response.status, 200, await response.clone().text());
    assert.equal(((await response.json()) as { revoked: { kid: string } }).revoked.kid, kid);
    assert.equal(await active(jwt), false);
    assert.ok(!(await jwksKids()).includes(kid));
  });
});

describe('key revocation on PostgreSQL', { skip: postgresSkip('key revocation on PostgreSQL') }, () => {
  it('tessera keys revoke withdraws the key from a serving instance at its next request', async () => {
    const schema = await createTestSchema();
    const env = { TESSERA_KEY_ENCRYPTION_KEY: TEST_KEY_ENCRYPTION_KEY };
    let pgServer: CliServer | undefined;
    try {
      const init = json<{ clientId: string; clientSecret: string }>(await runCli(['init', '--db', schema.url], { env }));
      const pgAdmin = { id: init.clientId, secret: init.clientSecret };
      const created = json<{ clientSecret: string }>(await runCli(['clients', 'create', 'svc', '--format', 'jwt', '--grants', 'client_credentials', '--db', schema.url], { env }));
      pgServer = await startCliServer(['--db', schema.url], { env });
      const url = pgServer.url;
      const issue = async () => {
        const response = await fetch(`${url}/oauth/token`, { method: 'POST', headers: { authorization: basic({ id: 'svc', secret: created.clientSecret }), 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
        return ((await response.json()) as { access_token: string }).access_token;
      };
      const introspect = async (token: string) => {
        const response = await fetch(`${url}/oauth/introspect`, { method: 'POST', headers: { authorization: basic(pgAdmin), 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${encodeURIComponent(token)}` });
        return ((await response.json()) as { active: boolean }).active;
      };
      const jwt = await issue();
      assert.equal(await introspect(jwt), true);
      const revoked = await runCli(['keys', 'revoke', kidOf(jwt), '--db', schema.url], { env });
      assert.equal(revoked.code, 0, revoked.stderr);
      assert.equal(await introspect(jwt), false);
      assert.notEqual(kidOf(await issue()), kidOf(jwt));
    } finally {
      await pgServer?.stop();
      await schema.drop();
    }
  });
});
