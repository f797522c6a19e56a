/**
 * The verifier against tokens issued by a running Tessera (injected, no
 * sockets): JWTs checked locally against the JWKS, opaque tokens by
 * introspection, and every way a token can be wrong.
 */
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { generateKeyPair } from 'jose';
import { before, beforeEach, describe, it } from 'node:test';
import { KeyService } from '../../src/admin/keys.ts';
import { createBearerVerifier, type BearerVerifier, type BearerVerifierOptions } from '../../src/verify/index.ts';
import { addClient, addUser, basic, createTestTessera, type TestTessera } from '../helpers/fixtures.ts';
import { FORM, injectableApp, issueToken } from '../http/helpers.ts';
import { forgeJwt, injectFetch, type RecordingFetch } from './helpers.ts';

const ISSUER = 'https://auth.example.test';
const ISSUER_B = 'https://auth.example.test/t/b';

let t: TestTessera;
let app: FastifyInstance;
let jwtSvc: string;
let opaqueSvc: string;
let rsSecret: string;
let tenantBJwt: string;
let tenantBOpaque: string;

before(async () => {
  t = await createTestTessera();
  app = await injectableApp(t);
  jwtSvc = basic('jwt-svc', await addClient(t, { id: 'jwt-svc', tokenFormat: 'jwt', scopes: ['read'], accounts: ['20000', '20001'] }));
  opaqueSvc = basic('svc', await addClient(t, { id: 'svc', scopes: ['read', 'write'], accounts: ['20000'] }));
  rsSecret = await addClient(t, { id: 'rs' });
  await t.tenants.create({ id: 'b', issuer: ISSUER_B }, { actor: 'test' });
  const bJwt = (await t.clients.create({ tenantId: 'b', id: 'jwt-svc', tokenFormat: 'jwt', scopes: ['read'] }, { actor: 'test' })).clientSecret!;
  const bOpaque = (await t.clients.create({ tenantId: 'b', id: 'svc', scopes: ['read'] }, { actor: 'test' })).clientSecret!;
  tenantBJwt = await issueToken(app, basic('jwt-svc', bJwt), 'grant_type=client_credentials', '/t/b/oauth/token');
  tenantBOpaque = await issueToken(app, basic('svc', bOpaque), 'grant_type=client_credentials', '/t/b/oauth/token');
});

let recorder: RecordingFetch;
function verifierFor(overrides: Partial<BearerVerifierOptions> = {}): BearerVerifier {
  recorder = injectFetch(app);
  return createBearerVerifier({
    issuer: ISSUER,
    tenant: 'default',
    introspection: { clientId: 'rs', clientSecret: rsSecret },
    realm: 'accounts',
    fetch: recorder.fetch,
    clock: t.time.clock,
    ...overrides,
  });
}
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const jwksFetches = () => recorder.paths.filter((p) => p.endsWith('/jwks.json')).length;
const now = () => Math.floor(t.time.now / 1000);
const validClaims = () => ({ iss: ISSUER, aud: ISSUER, sub: 'svc', client_id: 'svc', tenant: 'default', jti: 'j1', iat: now(), exp: now() + 600 });

describe('JWT access tokens, verified locally', () => {
  it('accepts a token Tessera issued and says who it speaks for', async () => {
    const token = await issueToken(app, jwtSvc);
    const result = await verifierFor().verify(bearer(token));
    assert.ok(result.ok, JSON.stringify(result));
    const { claims, ...principal } = result.principal;
    assert.deepEqual(principal, {
      tokenFormat: 'jwt', clientId: 'jwt-svc', subject: 'jwt-svc', username: undefined, scope: ['read'], accounts: ['20000', '20001'],
      tenant: 'default', issuer: ISSUER, expiresAt: t.time.now + 3600_000,
    });
    assert.equal(claims.client_id, 'jwt-svc');
  });

  const refused: { name: string; token: () => Promise<string>; description: RegExp }[] = [
    { name: 'alg: none', description: /ALG_NOT_ALLOWED/, token: async () => {
      const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      return `${part({ alg: 'none', typ: 'at+jwt' })}.${part(validClaims())}.`;
    } },
    { name: 'alg: none with a signature part', description: /ALG_NOT_ALLOWED/, token: async () => {
      const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      return `${part({ alg: 'none', typ: 'at+jwt' })}.${part(validClaims())}.c2ln`;
    } },
    { name: 'an unknown kid', description: /NO_MATCHING_KEY/, token: async () => {
      const { privateKey } = await generateKeyPair('ES256');
      return forgeJwt(t.tessera.store, 'default', validClaims(), {}, { key: privateKey, kid: 'unknown-kid', alg: 'ES256' });
    } },
    { name: 'HS256 keyed with the public JWK (algorithm confusion)', description: /ALG_NOT_ALLOWED/, token: async () => {
      const [jwk] = await t.tessera.keys.publicKeys((await t.store.tenants.getTenant('default'))!);
      return forgeJwt(t.tessera.store, 'default', validClaims(), {}, { key: new TextEncoder().encode(JSON.stringify(jwk)), kid: jwk!.kid!, alg: 'HS256' });
    } },
    { name: 'a wrong typ (JWT)', description: /"typ"/, token: () => forgeJwt(t.tessera.store, 'default', validClaims(), { typ: 'JWT' }) },
    { name: 'no typ', description: /"typ"/, token: () => forgeJwt(t.tessera.store, 'default', validClaims(), { typ: undefined }) },
    { name: 'a foreign issuer', description: /"iss"/, token: () => forgeJwt(t.tessera.store, 'default', { ...validClaims(), iss: 'https://evil.example' }) },
    { name: 'another tenant in the tenant claim', description: /another tenant/, token: () => forgeJwt(t.tessera.store, 'default', { ...validClaims(), tenant: 'b' }) },
    { name: 'another audience', description: /"aud"/, token: () => forgeJwt(t.tessera.store, 'default', { ...validClaims(), aud: 'https://other-api.example' }) },
    { name: 'an expiry in the past', description: /expired/, token: () => forgeJwt(t.tessera.store, 'default', { ...validClaims(), iat: now() - 700, exp: now() - 100 }) },
    { name: 'nbf in the future', description: /not yet valid/, token: () => forgeJwt(t.tessera.store, 'default', { ...validClaims(), nbf: now() + 600, exp: now() + 1200 }) },
    { name: 'iat in the future', description: /not yet valid/, token: () => forgeJwt(t.tessera.store, 'default', { ...validClaims(), iat: now() + 600, exp: now() + 1200 }) },
    { name: 'no jti', description: /"jti"/, token: () => forgeJwt(t.tessera.store, 'default', { ...validClaims(), jti: undefined }) },
    { name: 'no client_id', description: /"client_id"/, token: () => forgeJwt(t.tessera.store, 'default', { ...validClaims(), client_id: undefined }) },
    { name: 'a tampered payload', description: /SIGNATURE_VERIFICATION_FAILED/, token: async () => {
      const [h, , s] = (await issueToken(app, jwtSvc)).split('.');
      return `${h}.${Buffer.from(JSON.stringify({ ...validClaims(), scope: 'admin' })).toString('base64url')}.${s}`;
    } },
    { name: "tenant B's token, at an API configured for tenant A", description: /NO_MATCHING_KEY/, token: async () => tenantBJwt },
  ];
  for (const c of refused) {
    it(`refuses a JWT with ${c.name}: 401 invalid_token`, async () => {
      const result = await verifierFor().verify(bearer(await c.token()));
      assert.ok(!result.ok, 'accepted');
      assert.equal(result.error.code, 'invalid_token', result.error.detail);
      assert.equal(result.error.status, 401);
      assert.match(`${result.error.description} (${result.error.detail})`, c.description);
      assert.match(result.error.response('accounts').headers['www-authenticate']!, /^Bearer realm="accounts", error="invalid_token", error_description="/);
    });
  }

  it('binds a verifier configured without a tenant to the first tenant it verifies, and refuses any other after', async () => {
    const verifier = verifierFor({ tenant: undefined });
    const own = await verifier.verify(bearer(await issueToken(app, jwtSvc)));
    assert.ok(own.ok, JSON.stringify(own));
    // Signed with the issuer's own key but naming another tenant: what a JWKS serving two tenants' keys would let through.
    const foreign = await verifier.verify(bearer(await forgeJwt(t.tessera.store, 'default', { ...validClaims(), tenant: 'b' })));
    assert.ok(!foreign.ok, 'a token of another tenant was accepted');
    assert.match(String(foreign.error.detail), /another tenant/);
    const again = await verifier.verify(bearer(await forgeJwt(t.tessera.store, 'default', validClaims())));
    assert.ok(again.ok, JSON.stringify(again));
  });

  it('refuses an introspection answer that names no issuer', async () => {
    const verifier = createBearerVerifier({
      issuer: ISSUER, tenant: 'default', introspection: { clientId: 'rs', clientSecret: 'x' }, clock: t.time.clock,
      fetch: (async () => Response.json({ active: true, token_type: 'Bearer', exp: now() + 60, client_id: 'svc', sub: 'svc', tenant: 'default' })) as typeof fetch,
    });
    const result = await verifier.verify(bearer('tat_opaque'));
    assert.ok(!result.ok, 'accepted');
    assert.match(String(result.error.detail), /another issuer/);
  });

  it("accepts tenant B's token at an API configured for tenant B", async () => {
    const result = await verifierFor({ issuer: ISSUER_B, tenant: 'b', audience: ISSUER_B }).verify(bearer(tenantBJwt));
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.principal.tenant, 'b');
  });

  it('accepts a token expired by less than the clock tolerance, and not beyond', async () => {
    const token = await forgeJwt(t.tessera.store, 'default', { ...validClaims(), iat: now() - 600, exp: now() - 3 });
    assert.equal((await verifierFor().verify(bearer(token))).ok, true);
    assert.equal((await verifierFor({ clockToleranceSeconds: 0 }).verify(bearer(token))).ok, false);
  });

  it('fetches the JWKS once, refetches for an unknown kid, and not again within the cool-down', async () => {
    const verifier = verifierFor();
    const good = await issueToken(app, jwtSvc);
    for (let i = 0; i < 3; i++) assert.ok((await verifier.verify(bearer(good))).ok);
    assert.equal(jwksFetches(), 1, 'cached');
    const { privateKey } = await generateKeyPair('ES256');
    for (const kid of ['made-up-1', 'made-up-2', 'made-up-3']) {
      const forged = await forgeJwt(t.tessera.store, 'default', validClaims(), {}, { key: privateKey, kid, alg: 'ES256' });
      assert.equal((await verifier.verify(bearer(forged))).ok, false);
    }
    // jose refetches at most once per cool-down after the first load, and the first load is within it.
    assert.equal(jwksFetches(), 1, 'unknown kids within the cool-down cause no fetch');
    const eager = verifierFor({ jwksCooldownSeconds: 0 });
    assert.ok((await eager.verify(bearer(good))).ok);
    const forged = await forgeJwt(t.tessera.store, 'default', validClaims(), {}, { key: privateKey, kid: 'made-up', alg: 'ES256' });
    assert.equal((await eager.verify(bearer(forged))).ok, false);
    assert.equal(jwksFetches(), 2, 'an unknown kid past the cool-down refetches once');
  });

  it('accepts tokens of a key rotated in after its JWKS was cached, by refetching for the new kid', async () => {
    const rotated = await createTestTessera();
    const rotatedApp = await injectableApp(rotated);
    const auth = basic('jwt', await addClient(rotated, { id: 'jwt', tokenFormat: 'jwt' }));
    const fetcher = injectFetch(rotatedApp);
    const verifier = createBearerVerifier({ issuer: ISSUER, fetch: fetcher.fetch, clock: rotated.time.clock, jwksCooldownSeconds: 0 });
    assert.ok((await verifier.verify(bearer(await issueToken(rotatedApp, auth)))).ok);
    await new KeyService(rotated.store, rotated.time.clock).rotate('default', { prePublicationSeconds: 0 }, { actor: 'test' });
    rotated.tessera.keys.forget('default');
    const fresh = await issueToken(rotatedApp, auth);
    assert.ok((await verifier.verify(bearer(fresh))).ok);
    assert.equal(fetcher.paths.length, 2);
  });

  it('answers 503 temporarily_unavailable when the JWKS cannot be fetched', async () => {
    const verifier = createBearerVerifier({ issuer: ISSUER, fetch: async () => { throw new TypeError('fetch failed'); }, clock: t.time.clock });
    const result = await verifier.verify(bearer(await issueToken(app, jwtSvc)));
    assert.ok(!result.ok);
    assert.equal(result.error.code, 'temporarily_unavailable');
    assert.equal(result.error.status, 503);
  });
});

describe('opaque access tokens, verified by introspection', () => {
  beforeEach(() => verifierFor());

  it('accepts a token Tessera issued and says who it speaks for', async () => {
    const token = await issueToken(app, opaqueSvc);
    const result = await verifierFor().verify(bearer(token));
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(
      [result.principal.tokenFormat, result.principal.clientId, result.principal.scope, result.principal.accounts, result.principal.tenant],
      ['opaque', 'svc', ['read', 'write'], ['20000'], 'default'],
    );
  });

  it('asks once for repeated and concurrent uses of one token', async () => {
    const verifier = verifierFor();
    const token = await issueToken(app, opaqueSvc);
    const results = await Promise.all([1, 2, 3].map(() => verifier.verify(bearer(token))));
    assert.ok(results.every((r) => r.ok));
    assert.ok((await verifier.verify(bearer(token))).ok);
    assert.deepEqual(recorder.paths, ['/oauth/introspect']);
  });

  it('refuses a revoked token once the short cache has let go of it', async () => {
    const verifier = verifierFor({ introspection: { clientId: 'rs', clientSecret: rsSecret, cacheTtlSeconds: 30 } });
    const token = await issueToken(app, opaqueSvc);
    assert.ok((await verifier.verify(bearer(token))).ok);
    const revoked = await app.inject({ method: 'POST', url: '/oauth/revoke', headers: { ...FORM, authorization: opaqueSvc }, payload: `token=${token}` });
    assert.equal(revoked.statusCode, 200);
    assert.ok((await verifier.verify(bearer(token))).ok, 'within the cache lifetime the answer is reused');
    t.time.advance(30_000);
    const result = await verifier.verify(bearer(token));
    assert.ok(!result.ok);
    assert.equal(result.error.code, 'invalid_token');
    assert.equal((await verifierFor().verify(bearer(token))).ok, false, 'a fresh verifier refuses at once');
  });

  const refused: [string, () => Promise<string>][] = [
    ['an unknown token', async () => 'tat_unknownunknownunknownunknownunknown1234'],
    ["tenant B's opaque token, at an API configured for tenant A", async () => tenantBOpaque],
  ];
  for (const [name, token] of refused) {
    it(`refuses ${name} with 401 invalid_token`, async () => {
      const result = await verifierFor().verify(bearer(await token()));
      assert.ok(!result.ok);
      assert.equal(result.error.code, 'invalid_token');
    });
  }

  it('refuses a refresh token presented as an access token', async () => {
    const { timeOrderedToken, tokenStorageKey } = await import('../../src/core/tokens/storage-key.ts');
    const token = timeOrderedToken('trt_', t.time.now);
    const { id: userId } = await addUser(t, { username: 'refresh-owner', password: 'owner password' });
    await t.store.tokens.saveToken({
      hash: tokenStorageKey(token), kind: 'refresh', tenantId: 'default', clientId: 'svc', subject: userId, scope: ['read'], accounts: [],
      issuedAt: t.time.now, expiresAt: t.time.now + 3600_000, revokedAt: null, familyId: 'f', username: 'alice',
    });
    const result = await verifierFor().verify(bearer(token));
    assert.ok(!result.ok);
    assert.equal(result.error.code, 'invalid_token');
    assert.match(String(result.error.detail), /token_type/);
  });

  it('refuses opaque tokens when no introspection is configured', async () => {
    const result = await verifierFor({ introspection: undefined }).verify(bearer(await issueToken(app, opaqueSvc)));
    assert.ok(!result.ok);
    assert.equal(result.error.code, 'invalid_token');
  });

  it('answers 503, not 401, when introspection fails: unreachable, or refusing the resource server', async () => {
    const token = await issueToken(app, opaqueSvc);
    const broken = [
      verifierFor({ fetch: async () => { throw new TypeError('fetch failed'); } }),
      verifierFor({ introspection: { clientId: 'rs', clientSecret: 'wrong-secret' } }),
    ];
    for (const verifier of broken) {
      const result = await verifier.verify(bearer(token));
      assert.ok(!result.ok);
      assert.equal(result.error.code, 'temporarily_unavailable', result.error.detail);
    }
  });
});

describe('verifier configuration', () => {
  const bad: [string, Partial<BearerVerifierOptions>][] = [
    ['alg none', { algorithms: ['none'] }],
    ['an HMAC algorithm', { algorithms: ['ES256', 'HS256'] }],
    ['no algorithm', { algorithms: [] }],
    ['an issuer that is no URL', { issuer: 'auth.example.test' }],
    ['introspection without a secret', { introspection: { clientId: 'rs', clientSecret: '' } }],
    ['a negative cache lifetime', { introspection: { clientId: 'rs', clientSecret: 'x', cacheTtlSeconds: -1 } }],
  ];
  for (const [name, options] of bad) {
    it(`refuses ${name} at construction`, () => assert.throws(() => createBearerVerifier({ issuer: ISSUER, ...options }), TypeError));
  }
});
