/**
 * A token outlives neither its client nor its user, and never grants more
 * than its client may have now: a demoted admin's token stops administering,
 * a disabled user's token introspects inactive, and a login whose user is
 * disabled or re-passworded while its password is being hashed issues
 * nothing. Over real sockets.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { addClient, addUser, basic, createTestTessera, TEST_CHANGE, type TestTessera } from '../helpers/fixtures.ts';
import { injectableApp } from './helpers.ts';
import { AUDITED } from '../../src/store/contract.ts';

let t: TestTessera;
let app: FastifyInstance;
let origin: string;
let rs: string;
/** A password hash made before any test holds the argon2 slot. */
let otherHash: string;

before(async () => {
  t = await createTestTessera();
  app = await injectableApp(t);
  origin = await app.listen({ port: 0, host: '127.0.0.1' });
  rs = basic('rs', await addClient(t, { id: 'rs' }));
  otherHash = (await t.store.users.getUser('default', (await addUser(t, { username: 'other', password: 'another password' })).id))!.passwordHash;
  await addClient(t, { id: 'app', clientType: 'public', grantTypes: ['password', 'refresh_token'], scopes: ['read', 'write'] });
});
after(() => app.close());

const form = (body: Record<string, string>, authorization?: string) => ({
  method: 'POST', body: new URLSearchParams(body).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization === undefined ? {} : { authorization }) },
});

async function token(body: Record<string, string>, authorization?: string): Promise<Response> {
  return fetch(`${origin}/oauth/token`, form(body, authorization));
}

async function introspect(tokenValue: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${origin}/oauth/introspect`, form({ token: tokenValue }, rs));
  assert.equal(res.status, 200);
  return (await res.json()) as Record<string, unknown>;
}

describe('a demoted admin', () => {
  for (const tokenFormat of ['opaque', 'jwt'] as const) {
    it(`loses the admin API at once when its scopes are taken away (${tokenFormat} token)`, async () => {
      const id = `ops-${tokenFormat}`;
      const secret = await addClient(t, { id, scopes: ['admin'], tokenFormat });
      const res = await token({ grant_type: 'client_credentials', scope: 'admin' }, basic(id, secret));
      const adminToken = ((await res.json()) as { access_token: string }).access_token;
      const before = await fetch(`${origin}/admin/v1/tenants`, { headers: { authorization: `Bearer ${adminToken}` } });
      assert.equal(before.status, 200);

      await t.clients.update('default', id, { scopes: [] }, TEST_CHANGE);
      await t.clients.rotateSecret('default', id, {}, TEST_CHANGE);
      const after = await fetch(`${origin}/admin/v1/tenants`, { headers: { authorization: `Bearer ${adminToken}` } });
      assert.equal(after.status, 403, await after.text());
      // Introspection reports what the token grants now: nothing.
      const answer = await introspect(adminToken);
      assert.equal(answer.active, true);
      assert.equal(answer.scope, undefined);
    });
  }

  it('narrows a token to the scopes its client keeps', async () => {
    const secret = await addClient(t, { id: 'narrowed', scopes: ['read', 'write'] });
    const issued = ((await (await token({ grant_type: 'client_credentials' }, basic('narrowed', secret))).json()) as { access_token: string }).access_token;
    await t.clients.update('default', 'narrowed', { scopes: ['read'] }, TEST_CHANGE);
    assert.equal((await introspect(issued)).scope, 'read');
  });

  it('loses its tokens when disabled or deleted', async () => {
    const secret = await addClient(t, { id: 'gone', scopes: ['admin'] });
    const issued = ((await (await token({ grant_type: 'client_credentials' }, basic('gone', secret))).json()) as { access_token: string }).access_token;
    await t.clients.update('default', 'gone', { enabled: false }, TEST_CHANGE);
    assert.equal((await introspect(issued)).active, false);
    assert.equal((await fetch(`${origin}/admin/v1/tenants`, { headers: { authorization: `Bearer ${issued}` } })).status, 401);
    await t.clients.delete('default', 'gone', TEST_CHANGE);
    assert.equal((await introspect(issued)).active, false);
  });
});

describe('a user’s tokens', () => {
  it('introspect inactive once the user is disabled or deleted, even where no revocation reached them', async () => {
    const user = await addUser(t, { username: 'carol', password: 'carol password' });
    const res = await token({ grant_type: 'password', username: 'carol', password: 'carol password', client_id: 'app' });
    assert.equal(res.status, 200);
    const { access_token: access } = (await res.json()) as { access_token: string };
    // As if the token had been issued just after the disabling revoked the user's tokens.
    const stored = (await t.store.users.getUser('default', user.id))!;
    await t.store.users.updateUser({ ...stored, enabled: false }, AUDITED);
    assert.equal((await introspect(access)).active, false);
    await t.store.users.deleteUser('default', user.id, AUDITED);
    assert.equal((await introspect(access)).active, false);
  });

  for (const [what, change] of [
    ['disabled', (id: string) => t.users.update('default', id, { enabled: false }, TEST_CHANGE)],
    // The new hash is written as the service would once its own argon2 run ends (the held slot would hold that run too).
    ['given a new password', async (id: string) => {
      const stored = (await t.store.users.getUser('default', id))!;
      await t.store.users.updateUser({ ...stored, passwordHash: otherHash }, AUDITED);
    }],
    ['deleted', (id: string) => t.users.delete('default', id, TEST_CHANGE)],
  ] as const) {
    it(`are not issued to a login in flight when the user is ${what} during the password check`, async () => {
      const username = `dave-${what.replace(/ /g, '-')}`;
      const user = await addUser(t, { username, password: 'dave password' });
      const limiter = t.tessera.argon2.limiter;
      limiter.configure({ concurrency: 1, maxQueued: 10 });
      let release!: () => void;
      const holding = limiter.run(() => new Promise<void>((resolve) => (release = resolve)));
      const login = token({ grant_type: 'password', username, password: 'dave password', client_id: 'app' });
      const deadline = Date.now() + 10_000;
      while (limiter.stats().queued === 0) {
        if (Date.now() > deadline) throw new Error('the login never queued for argon2');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await change(user.id);
      release();
      await holding;
      const res = await login;
      assert.equal(res.status, 400, await res.clone().text());
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_grant');
    });
  }
});
