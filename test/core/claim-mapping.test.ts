/**
 * Claim mappers (after Keycloak's protocol mappers): what a tenant's and a
 * client's mappers add to a token, from values, client attributes and user
 * attributes, and what they can never change.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Client, Tenant } from '../../src/core/model.ts';
import { accessTokenPayload } from '../../src/protocol/jwt-access-token.ts';
import { mapClaims, RESERVED_CLAIMS } from '../../src/core/tokens/claim-mapping.ts';
import { client as clientOf, tenant as tenantOf } from '../../src/store/contract.ts';

const tenant = (claims: Tenant['jwt']['claims']): Tenant => ({ ...tenantOf('t1'), jwt: { ...tenantOf('t1').jwt, claims } });
const client = (over: Partial<Client>): Client => clientOf('t1', 'DEYELBOT', over);

describe('claim mapping', () => {
  it('adds a tenant’s and a client’s claims, the client winning for the same claim', () => {
    const mapped = mapClaims(
      tenant([{ claim: 'company', value: 'CST' }, { claim: 'grant_type', value: 'client_credentials' }]),
      client({ claims: [{ claim: 'company', value: 'ACME' }, { claim: 'flags', value: { a: [1, true] } }] }),
      undefined,
    );
    assert.deepEqual(mapped, { subject: undefined, claims: { company: 'ACME', grant_type: 'client_credentials', flags: { a: [1, true] } } });
  });

  it('copies client and user attributes, and adds nothing for an attribute that is absent', () => {
    const mapped = mapClaims(
      tenant([{ claim: 'email', userAttribute: 'email' }]),
      client({ attributes: { orgUnit: '0000000001' }, claims: [{ claim: 'cdOrgUnit', clientAttribute: 'orgUnit' }, { claim: 'missing', clientAttribute: 'nope' }] }),
      { attributes: { email: 'jane@example.com' } },
    );
    assert.deepEqual(mapped.claims, { email: 'jane@example.com', cdOrgUnit: '0000000001' });
    assert.deepEqual(mapClaims(tenant([{ claim: 'email', userAttribute: 'email' }]), client({}), undefined).claims, {}, 'a client grant has no user');
  });

  it('names the subject from a mapper only with a non-empty string', () => {
    assert.equal(mapClaims(tenant([]), client({ claims: [{ claim: 'sub', value: 'DEYELBOT' }] }), undefined).subject, 'DEYELBOT');
    const numeric = mapClaims(tenant([]), client({ attributes: { login: 42 }, claims: [{ claim: 'sub', clientAttribute: 'login' }] }), undefined);
    assert.deepEqual(numeric, { subject: undefined, claims: {} });
  });

  it('never lets a mapper replace a reserved claim, even one stored before the check existed', () => {
    const mapped = mapClaims(tenant(RESERVED_CLAIMS.map((claim) => ({ claim, value: 'forged' }))), client({}), undefined);
    assert.deepEqual(mapped.claims, {});
    const payload = accessTokenPayload(
      { issuer: 'https://t1.test', expiresAt: 2_000_000, audience: ['a'], subject: 's', clientId: 'c', issuedAt: 1_000_000, jwtId: 'j', tenant: 't1', scope: [], accounts: [], username: undefined },
      { iss: 'x', exp: 9, tenant: 'other', sub: 'x', company: 'CST' },
    );
    assert.deepEqual(payload, { iss: 'https://t1.test', exp: 2000, aud: 'a', sub: 's', client_id: 'c', iat: 1000, jti: 'j', tenant: 't1', company: 'CST' });
  });
});
