/**
 * Rate limits over HTTP, on both request paths: live requests to the token
 * endpoint go through the direct dispatcher, `inject()` and every other route
 * through Fastify; both run the one pipeline hook. Buckets are in memory
 * under the test's frozen clock, so counts and headers are exact.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { RATE_LIMIT_RULES, type RateSetting, type RuleName } from '../../src/core/rate-limit/rules.ts';
import { buildApp } from '../../src/http/app.ts';
import { tokenRoutes } from '../../src/http/form-endpoints.ts';
import { rateLimitHook } from '../../src/http/pipeline/hooks/rate-limit.ts';
import { addClient, addUser, basic, createTestTessera, TEST_CHANGE, type TestTessera } from '../helpers/fixtures.ts';
import { FORM } from './helpers.ts';

const ALL_OFF = Object.fromEntries(Object.keys(RATE_LIMIT_RULES).map((r) => [r, 'off'])) as Record<RuleName, RateSetting>;

async function limitedApp(rules: Partial<Record<RuleName, RateSetting>>, clientAddresses?: Parameters<typeof buildApp>[0]['clientAddresses']): Promise<{ t: TestTessera; app: FastifyInstance }> {
  const t = await createTestTessera({ rateLimits: { rules: { ...ALL_OFF, ...rules } } });
  const app = await buildApp({
    services: t.tessera.services,
    tokenRoutes: tokenRoutes([]),
    bodyLimitBytes: 16_384,
    logLevel: 'silent',
    clientAddresses,
    hooks: [rateLimitHook({ limiter: t.tessera.rateLimiter, rules: t.tessera.rateLimitRules })],
  });
  return { t, app };
}

const tokenRequest = (authorization: string) => ({ method: 'POST' as const, url: '/oauth/token', headers: { ...FORM, authorization }, payload: 'grant_type=client_credentials' });

describe('rate limits on the token endpoint, per client', () => {
  let t: TestTessera;
  let app: FastifyInstance;
  let url: string;
  let secret: string;
  before(async () => {
    ({ t, app } = await limitedApp({ token: { limit: 3, window: 60 } }));
    secret = await addClient(t, { id: 'svc' });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(() => app.close());

  const live = (authorization: string) =>
    fetch(`${url}/oauth/token`, { method: 'POST', headers: { ...FORM, authorization }, body: 'grant_type=client_credentials' });

  it('answers a burst over the limit on the direct path with exactly the limit of 200s, then 429 with RFC 6749 JSON and the RateLimit fields', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, () => live(basic('svc', secret))));
    const statuses = answers.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 429, 429, 429, 429, 429]);
    const refused = answers.find((r) => r.status === 429)!;
    assert.equal(refused.headers.get('retry-after'), '20');
    assert.equal(refused.headers.get('ratelimit-policy'), '"token";q=3;w=60');
    assert.equal(refused.headers.get('ratelimit'), '"token";r=0;t=20');
    assert.equal(refused.headers.get('cache-control'), 'no-store');
    assert.match(refused.headers.get('content-type')!, /^application\/json/);
    assert.deepEqual(await refused.json(), { error: 'temporarily_unavailable', error_description: 'Too many requests (token); retry after 20 s' });
    assert.equal(t.tessera.rateLimiter.stats().limited.token, 5);
  });

  it('lets one more through per interval, on Fastify’s path as well', async () => {
    t.time.advance(19_000);
    assert.equal((await app.inject(tokenRequest(basic('svc', secret)))).statusCode, 429, 'not yet');
    t.time.advance(1_000);
    assert.equal((await app.inject(tokenRequest(basic('svc', secret)))).statusCode, 200);
    const again = await app.inject(tokenRequest(basic('svc', secret)));
    assert.equal(again.statusCode, 429);
    assert.equal(again.headers.ratelimit, '"token";r=0;t=20');
  });

  it('counts only authenticated requests: a wrong secret does not spend the client’s quota', async () => {
    const other = await addClient(t, { id: 'other' });
    for (let i = 0; i < 5; i++) assert.equal((await app.inject(tokenRequest(basic('other', 'wrong-secret')))).statusCode, 401);
    for (let i = 0; i < 3; i++) assert.equal((await app.inject(tokenRequest(basic('other', other)))).statusCode, 200);
    assert.equal((await app.inject(tokenRequest(basic('other', other)))).statusCode, 429);
  });
});

describe('rate limits per address', () => {
  it('answer the admin API with an RFC 9457 quota-exceeded problem naming the rule', async () => {
    const { app } = await limitedApp({ 'admin-address': { limit: 2, window: 10 } });
    const calls = [];
    for (let i = 0; i < 3; i++) calls.push(await app.inject({ method: 'GET', url: '/admin/v1/tenants' }));
    assert.deepEqual(calls.map((c) => c.statusCode), [401, 401, 429], 'unauthenticated calls count: the limit comes before authentication');
    const refused = calls[2]!;
    assert.match(refused.headers['content-type'] as string, /^application\/problem\+json/);
    assert.equal(refused.headers['retry-after'], '5');
    assert.equal(refused.headers['ratelimit-policy'], '"admin-address";q=2;w=10');
    assert.deepEqual(refused.json(), {
      type: 'https://iana.org/assignments/http-problem-types#quota-exceeded',
      title: 'Too Many Requests',
      status: 429,
      detail: 'Too many requests (admin-address); retry after 5 s',
      'violated-policies': ['admin-address'],
    });
    await app.close();
  });

  it('cover the discovery documents, and leave /healthz alone', async () => {
    const { app } = await limitedApp({ 'discovery-address': { limit: 2, window: 60 } });
    const jwks = [];
    for (let i = 0; i < 3; i++) jwks.push((await app.inject({ method: 'GET', url: i === 1 ? '/.well-known/oauth-authorization-server' : '/.well-known/jwks.json' })).statusCode);
    assert.deepEqual(jwks, [200, 200, 429]);
    for (let i = 0; i < 5; i++) assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    await app.close();
  });

  it('key requests from behind a trusted proxy by the forwarded address, and ignore the header from anyone else', async () => {
    const { app } = await limitedApp({ 'discovery-address': { limit: 1, window: 60 } }, { trustedProxies: ['127.0.0.1'], header: 'x-forwarded-for' });
    const get = (xff: string, remoteAddress = '127.0.0.1') => app.inject({ method: 'GET', url: '/.well-known/jwks.json', remoteAddress, headers: { 'x-forwarded-for': xff } }).then((r) => r.statusCode);
    assert.equal(await get('198.51.100.1'), 200);
    assert.equal(await get('198.51.100.2'), 200, 'another client behind the proxy has its own bucket');
    assert.equal(await get('198.51.100.1'), 429);
    assert.equal(await get('198.51.100.9', '203.0.113.5'), 200, 'an untrusted peer is keyed by itself');
    assert.equal(await get('198.51.100.10', '203.0.113.5'), 429, 'and cannot escape its bucket by naming other addresses');
    await app.close();
  });
});

describe('rate limits on logins and failed credentials', () => {
  it('refuse a user name’s logins beyond its limit before any argon2 work', async () => {
    const { t, app } = await limitedApp({ login: { limit: 2, window: 60 } });
    await addClient(t, { id: 'app', clientType: 'public', grantTypes: ['password'] });
    await addUser(t, { username: 'alice', password: 'correct horse' });
    const login = (password: string, username = 'alice') =>
      app.inject({ method: 'POST', url: '/oauth/token', headers: FORM, payload: new URLSearchParams({ grant_type: 'password', client_id: 'app', username, password }).toString() });
    assert.equal((await login('wrong password')).statusCode, 400);
    assert.equal((await login('correct horse')).statusCode, 200);
    const hashed = t.tessera.argon2.limiter.stats().completed;
    const refused = await login('correct horse', 'ALICE');
    assert.equal(refused.statusCode, 429, 'user names are counted normalised');
    assert.equal(refused.headers['ratelimit-policy'], '"login";q=2;w=60');
    assert.equal(t.tessera.argon2.limiter.stats().completed, hashed, 'no password was hashed for the refused login');
    assert.equal((await login('x', 'bob')).statusCode, 400, 'another user name has its own quota');
    await app.close();
  });

  it('stop checking chosen secrets from an address that failed too often, before any argon2 work, while generated secrets still work', async () => {
    const { t, app } = await limitedApp({ failures: { limit: 2, window: 60 } });
    await addClient(t, { id: 'person', secret: 'a chosen secret' });
    const generated = await addClient(t, { id: 'machine' });
    assert.equal((await app.inject(tokenRequest(basic('person', 'guess one')))).statusCode, 401);
    assert.equal((await app.inject(tokenRequest(basic('person', 'guess two')))).statusCode, 401);
    const hashed = t.tessera.argon2.limiter.stats().completed;
    const refused = await app.inject(tokenRequest(basic('person', 'a chosen secret')));
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.headers.ratelimit, '"failures";r=0;t=30');
    assert.equal(t.tessera.argon2.limiter.stats().completed, hashed, 'no argon2 for a refused address');
    assert.equal((await app.inject(tokenRequest(basic('machine', generated)))).statusCode, 200, 'a generated secret costs no argon2 and is not gated');
    t.time.advance(30_000);
    assert.equal((await app.inject(tokenRequest(basic('person', 'a chosen secret')))).statusCode, 200, 'one failure’s worth later, the right secret gets through');
    await app.close();
  });
});

describe('per-tenant and per-client rates', () => {
  it('take a client’s own rate over its tenant’s, and its tenant’s over the server’s', async () => {
    const { t, app } = await limitedApp({ token: { limit: 5, window: 60 } });
    await t.tenants.create({ id: 'other', issuer: 'https://other.test' }, TEST_CHANGE);
    const secrets = {
      plain: await addClient(t, { id: 'plain' }),
      strict: await addClient(t, { id: 'strict', rateLimit: { token: { limit: 1, window: 60 } } }),
      free: await addClient(t, { id: 'free', rateLimit: { token: 'off' } }),
      elsewhere: await addClient(t, { id: 'elsewhere', tenantId: 'other' }),
    };
    await t.tenants.update('default', { rateLimit: { token: { limit: 2, window: 60 } } }, TEST_CHANGE);
    const granted = async (id: keyof typeof secrets, tenant = 'default') => {
      let ok = 0;
      for (let i = 0; i < 8; i++) {
        const res = await app.inject({ ...tokenRequest(basic(id, secrets[id])), payload: `grant_type=client_credentials&tenant=${tenant}` });
        if (res.statusCode === 200) ok++;
      }
      return ok;
    };
    assert.deepEqual(
      { plain: await granted('plain'), strict: await granted('strict'), free: await granted('free'), elsewhere: await granted('elsewhere', 'other') },
      { plain: 2, strict: 1, free: 8, elsewhere: 5 },
    );
    await t.clients.update('default', 'strict', { rateLimit: { token: null } }, TEST_CHANGE);
    t.time.advance(60_000);
    assert.equal(await granted('strict'), 2, 'without its own override the client has its tenant’s rate again');
    await app.close();
  });

  it('limit introspection per client, and the admin API per administrator', async () => {
    const { t, app } = await limitedApp({ introspection: { limit: 2, window: 60 }, admin: { limit: 1, window: 60 } });
    const secret = await addClient(t, { id: 'root', scopes: ['admin'] });
    const token = (await app.inject(tokenRequest(basic('root', secret)))).json().access_token as string;
    const introspect = () => app.inject({ method: 'POST', url: '/oauth/introspect', headers: { ...FORM, authorization: basic('root', secret) }, payload: `token=${token}` });
    assert.deepEqual([(await introspect()).statusCode, (await introspect()).statusCode, (await introspect()).statusCode], [200, 200, 429]);
    const admin = () => app.inject({ method: 'GET', url: '/admin/v1/tenants', headers: { authorization: `Bearer ${token}` } });
    assert.equal((await admin()).statusCode, 200);
    const refused = await admin();
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.headers['ratelimit-policy'], '"admin";q=1;w=60');
    await app.close();
  });
});

describe('rate limits for operators (admin API)', () => {
  it('shows the rules and this process’s refusals, one bucket’s state, and resets it', async () => {
    const { t, app } = await limitedApp({ token: { limit: 2, window: 60 } });
    const secret = await addClient(t, { id: 'root', scopes: ['admin'] });
    const token = (await app.inject(tokenRequest(basic('root', secret)))).json().access_token as string;
    assert.equal((await app.inject(tokenRequest(basic('root', secret)))).statusCode, 200);
    assert.equal((await app.inject(tokenRequest(basic('root', secret)))).statusCode, 429);
    const admin = (method: 'GET' | 'DELETE', url: string) => app.inject({ method, url: `/admin/v1${url}`, headers: { authorization: `Bearer ${token}` } });

    const overview = (await admin('GET', '/rate-limits')).json();
    assert.deepEqual(overview.rules.token, { limit: 2, window: 60 });
    assert.equal(overview.limited.token, 1);
    assert.deepEqual(overview.store, { kind: 'memory', available: true, failOpen: true });
    assert.equal(t.tessera.services.abuseProtection().rateLimits.limited.token, 1, 'the counters the metrics endpoint reads');
    assert.equal(t.tessera.services.abuseProtection().argon2.shed, 0);

    const bucket = await admin('GET', '/rate-limits/token/default%2Froot');
    assert.deepEqual(bucket.json(), { rule: 'token', subject: 'default/root', rate: { limit: 2, window: 60 }, remaining: 0, resetSeconds: 30, limited: true });
    const reset = await admin('DELETE', '/rate-limits/token/default%2Froot');
    assert.deepEqual(reset.json(), { rule: 'token', subject: 'default/root', rate: { limit: 2, window: 60 }, remaining: 2, resetSeconds: 0, limited: false });
    assert.equal((await app.inject(tokenRequest(basic('root', secret)))).statusCode, 200);
    const audited = await t.store.audit.pageAudit('default', { limit: 10, offset: 0 });
    assert.ok(audited.items.some((e) => e.action === 'rate-limit.reset' && e.target === 'token:default/root'));

    assert.equal((await admin('GET', '/rate-limits/failures/2001:db8:1:2::7')).json().subject, '2001:db8:1:2::/64', 'an IPv6 address stands for its /64');
    assert.equal((await admin('GET', '/rate-limits/nothing/x')).statusCode, 404);
    assert.equal((await admin('GET', '/rate-limits/login/no-tenant-slash')).statusCode, 400);
    await app.close();
  });

  it('writes the reset’s audit entry before resetting: a reset whose entry cannot be written does not happen', async () => {
    const { t, app } = await limitedApp({ token: { limit: 1, window: 60 } });
    const secret = await addClient(t, { id: 'root', scopes: ['admin'] });
    const token = (await app.inject(tokenRequest(basic('root', secret)))).json().access_token as string;
    assert.equal((await app.inject(tokenRequest(basic('root', secret)))).statusCode, 429);
    const reset = () => app.inject({ method: 'DELETE', url: '/admin/v1/rate-limits/token/default%2Froot', headers: { authorization: `Bearer ${token}` } });
    const append = t.store.audit.appendAudit;
    t.store.audit.appendAudit = async () => {
      throw new Error('the audit log refuses entries');
    };
    const refused = await reset();
    assert.equal(refused.statusCode, 500, refused.body);
    assert.match(String(refused.headers['content-type']), /^application\/problem\+json/);
    assert.equal((await app.inject(tokenRequest(basic('root', secret)))).statusCode, 429, 'the bucket was not reset');
    t.store.audit.appendAudit = append;
    assert.equal((await reset()).json().limited, false);
    assert.equal((await app.inject(tokenRequest(basic('root', secret)))).statusCode, 200);
    assert.deepEqual((await t.store.audit.pageAudit('default', { limit: 10, offset: 0 }, { action: 'rate-limit.reset' })).total, 1);
    await app.close();
  });
});
