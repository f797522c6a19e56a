/** Who may call the admin API (RFC 6750 errors), and tenant isolation. */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { before, describe, it } from 'node:test';
import { tokenStorageKey } from '../../../src/core/tokens/storage-key.ts';
import { TEST_CHANGE } from '../../helpers/fixtures.ts';
import { adminHarness, type AdminHarness } from './helpers.ts';

let h: AdminHarness;
before(async () => {
  h = await adminHarness();
  await h.t.tenants.create({ id: 'a.example', issuer: 'https://a.example' }, TEST_CHANGE);
  await h.t.tenants.create({ id: 'b.example', issuer: 'https://b.example' }, TEST_CHANGE);
});

describe('admin API access', () => {
  it('answers a request without a token with 401 and a bare Bearer challenge', async () => {
    const res = await h.call('GET', '/admin/v1/tenants', { token: null });
    assert.equal(res.statusCode, 401);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="tessera-admin"');
    assert.equal(res.json().error, 'invalid_token');
  });

  it('answers another authentication scheme as it answers no token: 401 and a bare Bearer challenge (RFC 6750 §3.1)', async () => {
    const res = await h.call('GET', '/admin/v1/tenants', { token: null, headers: { authorization: 'Basic YWRtaW46eA==' } });
    assert.equal(res.statusCode, 401);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="tessera-admin"');
  });

  const malformed: [string, Record<string, string>, RegExp][] = [
    ['a token with a space inside', { authorization: 'Bearer abc def' }, /malformed/],
    ['an empty Bearer', { authorization: 'Bearer ' }, /no token after Bearer/],
    ['a token in the query string too', { authorization: 'Bearer abc' }, /more than one access token|query string/],
  ];
  for (const [name, headers, description] of malformed) {
    it(`answers ${name} with 400 invalid_request and a challenge naming the error`, async () => {
      const url = name.includes('query') ? '/admin/v1/tenants?access_token=abc' : '/admin/v1/tenants';
      const res = await h.call('GET', url, { token: null, headers });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().error, 'invalid_request');
      assert.match(res.json().error_description, description);
      assert.match(String(res.headers['www-authenticate']), /^Bearer realm="tessera-admin", error="invalid_request", error_description="[^"]+"$/);
    });
  }

  it('answers 401 before validating the body: an unauthenticated caller with a bad body learns nothing of the schema', async () => {
    const res = await h.call('POST', '/admin/v1/tenants', { token: null, body: { nonsense: true } });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error, 'invalid_token');
  });

  it('refuses two Authorization headers with 400 rather than taking the first', async () => {
    const own = await adminHarness();
    const origin = await own.app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = new URL(origin);
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1');
        let text = '';
        socket.on('data', (chunk) => (text += chunk));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
        socket.end(`GET /admin/v1/tenants HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${own.rootToken}\r\nAuthorization: Bearer other\r\nConnection: close\r\n\r\n`);
      });
      assert.match(answer, /^HTTP\/1\.1 400 /);
      assert.match(answer, /more than one Authorization header/);
    } finally {
      await own.app.close();
    }
  });

  it('accepts the Bearer scheme in any case', async () => {
    const res = await h.call('GET', '/admin/v1/tenants', { token: null, headers: { authorization: `bEaReR ${h.rootToken}` } });
    assert.equal(res.statusCode, 200);
  });

  it('answers an unknown, revoked or expired token with 401 invalid_token', async () => {
    const unknown = await h.call('GET', '/admin/v1/tenants', { token: 'tat_notatokenthatexists' });
    assert.equal(unknown.statusCode, 401);
    assert.match(String(unknown.headers['www-authenticate']), /error="invalid_token"/);

    const revoked = await h.tokenFor('revoked-admin', ['admin']);
    await h.t.store.tokens.revokeToken(tokenStorageKey(revoked), h.t.time.now);
    assert.equal((await h.call('GET', '/admin/v1/tenants', { token: revoked })).statusCode, 401);

    const expiring = await h.tokenFor('expiring-admin', ['admin']);
    h.t.time.advance(3600_000);
    try {
      assert.equal((await h.call('GET', '/admin/v1/tenants', { token: expiring })).statusCode, 401);
    } finally {
      h.t.time.advance(-3600_000);
    }
  });

  it('answers a token without an admin scope with 403 insufficient_scope naming the scope', async () => {
    const token = await h.tokenFor('reader', ['read']);
    const res = await h.call('GET', '/admin/v1/tenants', { token });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error, 'insufficient_scope');
    assert.match(String(res.headers['www-authenticate']), /scope="admin".*error="insufficient_scope"/);
  });

  it('accepts a JWT admin token', async () => {
    const created = await h.t.clients.create({ tenantId: 'default', id: 'jwt-admin', scopes: ['admin'], tokenFormat: 'jwt' }, TEST_CHANGE);
    const res = await h.app.inject({
      method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&client_id=jwt-admin&client_secret=${created.clientSecret}`,
    });
    const jwt = res.json().access_token as string;
    assert.match(jwt, /^eyJ/);
    assert.equal((await h.call('GET', '/admin/v1/tenants', { token: jwt })).statusCode, 200);
    const tampered = `${jwt.slice(0, -4)}AAAA`;
    assert.equal((await h.call('GET', '/admin/v1/tenants', { token: tampered })).statusCode, 401);
  });

  describe('a tenant-scoped administrator', () => {
    let aAdmin: string;
    let delegated: string;
    before(async () => {
      aAdmin = await h.tokenFor('a-admin', ['admin'], 'a.example');
      delegated = await h.tokenFor('delegate', ['admin:b.example']);
    });
    it('manages its own tenant', async () => {
      assert.equal((await h.call('GET', '/admin/v1/tenants/a.example/clients', { token: aAdmin })).statusCode, 200);
      const created = await h.call('POST', '/admin/v1/tenants/a.example/clients', { token: aAdmin, body: { id: 'worker' } });
      assert.equal(created.statusCode, 201);
    });
    it('cannot see or touch another tenant', async () => {
      for (const [method, url, body] of [
        ['GET', '/admin/v1/tenants/b.example'],
        ['GET', '/admin/v1/tenants/b.example/clients'],
        ['POST', '/admin/v1/tenants/b.example/clients', { id: 'intruder' }],
        ['PATCH', '/admin/v1/tenants/default', { accessTokenLifetime: 5 }],
        ['DELETE', '/admin/v1/tenants/default/clients/admin'],
      ] as const) {
        const res = await h.call(method, url, { token: aAdmin, body });
        assert.equal(res.statusCode, 403, `${method} ${url}`);
        assert.equal(res.json().error, 'insufficient_scope');
      }
      assert.equal(await h.t.store.clients.getClient('b.example', 'intruder'), undefined);
    });
    it('lists only the tenants it administers, and cannot create tenants', async () => {
      const list = await h.call('GET', '/admin/v1/tenants', { token: aAdmin });
      assert.deepEqual(list.json().items.map((t: { id: string }) => t.id), ['a.example']);
      assert.equal((await h.call('POST', '/admin/v1/tenants', { token: aAdmin, body: { id: 'c.example', issuer: 'https://c.example' } })).statusCode, 403);
    });
    it('can be delegated from the default tenant with scope admin:<tenant>', async () => {
      assert.equal((await h.call('GET', '/admin/v1/tenants/b.example', { token: delegated })).statusCode, 200);
      assert.equal((await h.call('GET', '/admin/v1/tenants/a.example', { token: delegated })).statusCode, 403);
    });
    it('does not gain other tenants by asking for admin:<tenant> from its own tenant', async () => {
      const sneaky = await h.tokenFor('sneaky', ['admin:default'], 'a.example');
      assert.equal((await h.call('GET', '/admin/v1/tenants/default', { token: sneaky })).statusCode, 403);
    });
  });
});
