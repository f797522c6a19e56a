/**
 * How a tenant's JWTs look (seeds 001 and 002): a plain-string `iss`, the
 * header `typ` and `kid` naming, and claim mappers, set through the admin API
 * as an operator would; tokens that verify against the published JWKS, through
 * Tessera's own introspection and through `tessera/verify` configured for what
 * the tenant issues, and are refused where the configuration does not match.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { createBearerVerifier } from '../../src/verify/index.ts';
import { basic } from '../helpers/fixtures.ts';
import { adminHarness, type AdminHarness } from './admin/helpers.ts';
import { FORM, issueToken } from './helpers.ts';
import { injectFetch } from '../verify/helpers.ts';

let h: AdminHarness;
let deyel: string;
let deyelSecret: string;

before(async () => {
  h = await adminHarness();
  const tenant = await h.call('POST', '/admin/v1/tenants', {
    body: {
      id: 'deyel', issuer: 'https://deyel.test', signingAlg: 'RS256', accessTokenLifetime: 86400,
      jwt: { issuer: 'Deyel', typ: 'none', keyIds: 'generation', claims: [{ claim: 'company', value: 'CST' }, { claim: 'grant_type', value: 'client_credentials' }] },
    },
  });
  assert.equal(tenant.statusCode, 201, tenant.body);
  const client = await h.call('POST', '/admin/v1/tenants/deyel/clients', {
    body: {
      id: 'rest-api-thing', tokenFormat: 'jwt',
      attributes: { orgUnit: '0000000001', login: 'DEYELBOT', permissions: { lsPermissions: [{ idApplication: 'DEYEL' }] } },
      claims: [
        { claim: 'cdOrgUnit', clientAttribute: 'orgUnit' },
        { claim: 'permissions', clientAttribute: 'permissions' },
        { claim: 'sub', clientAttribute: 'login' },
      ],
    },
  });
  assert.equal(client.statusCode, 201, client.body);
  deyelSecret = client.json().clientSecret;
  deyel = await issueToken(h.app, basic('rest-api-thing', deyelSecret), 'grant_type=client_credentials&tenant=deyel');
});

describe('a tenant that issues seed 002’s tokens', () => {
  it('signs with kid k1 and no typ, iss "Deyel", the mapped sub and claims', () => {
    assert.deepEqual(decodeProtectedHeader(deyel), { alg: 'RS256', kid: 'k1' });
    const claims = decodeJwt(deyel);
    assert.equal(claims.iss, 'Deyel');
    assert.equal(claims.sub, 'DEYELBOT');
    assert.equal(claims.exp! - claims.iat!, 86400);
    assert.deepEqual(
      { company: claims.company, grant_type: claims.grant_type, cdOrgUnit: claims.cdOrgUnit, permissions: claims.permissions },
      { company: 'CST', grant_type: 'client_credentials', cdOrgUnit: '0000000001', permissions: { lsPermissions: [{ idApplication: 'DEYEL' }] } },
    );
    assert.equal(claims.client_id, 'rest-api-thing', 'RFC 9068 claims stay');
  });

  it('publishes its key as k1, and the token verifies against the JWKS', async () => {
    const jwks = (await h.app.inject({ method: 'GET', url: '/t/deyel/.well-known/jwks.json' })).json();
    assert.deepEqual(jwks.keys.map((k: { kid: string }) => k.kid), ['k1']);
    const { payload } = await jwtVerify(deyel, createLocalJWKSet(jwks), { issuer: 'Deyel', audience: 'https://deyel.test', currentDate: new Date(h.t.time.now) });
    assert.equal(payload.sub, 'DEYELBOT');
  });

  it('keeps the URL issuer in RFC 8414 metadata', async () => {
    const metadata = (await h.app.inject({ method: 'GET', url: '/t/deyel/.well-known/oauth-authorization-server' })).json();
    assert.equal(metadata.issuer, 'https://deyel.test');
  });

  it('reports the token active by introspection, with the string issuer and the mapped subject', async () => {
    const res = await h.app.inject({
      method: 'POST', url: '/oauth/introspect', headers: { ...FORM, authorization: basic('rest-api-thing', deyelSecret) },
      payload: `token=${deyel}&tenant=deyel`,
    });
    assert.deepEqual([res.json().active, res.json().iss, res.json().sub], [true, 'Deyel', 'DEYELBOT']);
  });

  it('is accepted by tessera/verify told what the tenant issues, and refused by one expecting RFC 9068 defaults', async () => {
    const { fetch } = injectFetch(h.app);
    const clock = h.t.time.clock;
    const told = createBearerVerifier({ issuer: 'https://deyel.test/t/deyel', tokenIssuer: 'Deyel', typ: null, audience: 'https://deyel.test', tenant: 'deyel', fetch, clock });
    const ok = await told.verify({ headers: { authorization: `Bearer ${deyel}` } });
    assert.equal(ok.ok, true, ok.ok ? '' : ok.error.detail);
    if (ok.ok) assert.deepEqual([ok.principal.subject, ok.principal.issuer, ok.principal.claims.company], ['DEYELBOT', 'Deyel', 'CST']);
    for (const options of [{ typ: undefined }, { typ: 'JWT' }, { tokenIssuer: undefined }]) {
      const strict = createBearerVerifier({ issuer: 'https://deyel.test/t/deyel', tokenIssuer: 'Deyel', typ: null, audience: 'https://deyel.test', fetch, clock, ...options });
      assert.equal((await strict.verify({ headers: { authorization: `Bearer ${deyel}` } })).ok, false, JSON.stringify(options));
    }
  });

  it('refuses a mapper of a reserved claim, a sub that is no string and an issuer that is no StringOrURI, naming the field', async () => {
    const cases: [string, unknown, string][] = [
      ['/admin/v1/tenants/deyel/clients/rest-api-thing', { claims: [{ claim: 'aud', value: 'x' }] }, 'claims[0].claim'],
      ['/admin/v1/tenants/deyel/clients/rest-api-thing', { claims: [{ claim: 'sub', value: 7 }] }, 'claims[0].value'],
      ['/admin/v1/tenants/deyel/clients/rest-api-thing', { claims: [{ claim: 'x', value: 1, clientAttribute: 'y' }] }, 'claims.0'],
      ['/admin/v1/tenants/deyel', { jwt: { issuer: 'not a:uri' } }, 'jwt.issuer'],
      ['/admin/v1/tenants/deyel', { jwt: { claims: [{ claim: 'tenant', value: 'other' }] } }, 'jwt.claims[0].claim'],
    ];
    for (const [url, body, field] of cases) {
      const res = await h.call('PATCH', url, { body });
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
      assert.equal(res.json().field, field, JSON.stringify(body));
    }
  });
});

describe('a tenant whose typ or issuer changes', () => {
  it('keeps verifying at+jwt tokens issued before a switch to JWT, and refuses a JWT-typed token once the tenant writes none', async () => {
    const secret = (await h.t.clients.create({ tenantId: 'default', id: 'typ-svc', tokenFormat: 'jwt' }, { actor: 'test' })).clientSecret!;
    const before = await issueToken(h.app, basic('typ-svc', secret));
    assert.equal(decodeProtectedHeader(before).typ, 'at+jwt');
    await h.call('PATCH', '/admin/v1/tenants/default', { body: { jwt: { typ: 'JWT' } } });
    const after = await issueToken(h.app, basic('typ-svc', secret));
    assert.equal(decodeProtectedHeader(after).typ, 'JWT', 'seed 001’s header');
    const active = async (token: string) => (await h.app.inject({ method: 'POST', url: '/oauth/introspect', headers: { ...FORM, authorization: basic('typ-svc', secret) }, payload: `token=${token}` })).json().active;
    assert.deepEqual([await active(before), await active(after)], [true, true]);
    await h.call('PATCH', '/admin/v1/tenants/default', { body: { jwt: { typ: 'none' } } });
    assert.deepEqual([await active(before), await active(after)], [true, false], 'a typ the tenant no longer writes (other than at+jwt) no longer verifies');
    await h.call('PATCH', '/admin/v1/tenants/default', { body: { jwt: { typ: 'at+jwt' } } });
    const read = await h.call('GET', '/admin/v1/tenants/default');
    assert.deepEqual(read.json().jwt, { issuer: null, typ: 'at+jwt', keyIds: 'thumbprint', claims: [] }, 'a change merges over the stored members');
  });
});

describe('a user’s attributes in the user’s token', () => {
  it('are copied by a user-attribute mapper into a password-grant JWT', async () => {
    await h.t.clients.create({ tenantId: 'default', id: 'app', clientType: 'public', grantTypes: ['password'], tokenFormat: 'jwt', claims: [{ claim: 'employee', userAttribute: 'employeeId' }] }, { actor: 'test' });
    const user = await h.call('POST', '/admin/v1/tenants/default/users', { body: { username: 'Jane', password: 'a long password', attributes: { employeeId: 'E-1001' } } });
    assert.equal(user.statusCode, 201, user.body);
    assert.deepEqual(user.json().attributes, { employeeId: 'E-1001' });
    const res = await h.app.inject({ method: 'POST', url: '/oauth/token', headers: FORM, payload: 'grant_type=password&client_id=app&username=jane&password=a+long+password' });
    assert.equal(res.statusCode, 200, res.body);
    const claims = decodeJwt(res.json().access_token);
    assert.deepEqual([claims.employee, claims.username, claims.sub], ['E-1001', 'Jane', user.json().id]);
  });
});
