/**
 * Seed 002 (a low-code platform's REST API): POST, a form body with
 * `grant_type=client_credentials`, credentials as `Basic` + Base64 of
 * `client_id:client_secret`; an RS256 JWT with `kid: "k1"` from issuer
 * `Deyel` back, and `{"error_description":"Invalid client_id","error":"Invalid_request"}`
 * when the client is unknown. The seed shows no request bytes (its Postman
 * screenshots are missing), so the request is the one its prose describes,
 * sent by curl. Set up as docs/dialects.md says; the token and the error body
 * are compared with the ones the seed prints.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { createBearerVerifier } from '../../src/verify/index.ts';
import { curl } from '../helpers/curl.ts';
import { assertSameShape, docSetup, documentedJson, jsonType, seedText, serveSeed, type SeedServer } from './setup.ts';

const SEED = seedText('002');
let seed: SeedServer;
let clientId: string;
let clientSecret: string;

before(async () => {
  seed = await serveSeed('002');
  // The client the docs create, and the secret they pipe in.
  const create = docSetup().seeds['002']!.find((c) => c.args[0] === 'clients' && c.args[1] === 'create')!;
  [clientId, clientSecret] = [create.args[2]!, create.stdin!];
});
after(() => seed?.stop());

const between = (from: string, to: string) => SEED.slice(SEED.indexOf(from), SEED.indexOf(to, SEED.indexOf(from)));
const documentedSuccess = documentedJson(/\{[\s\S]*?\}/.exec(between('Successful response', 'Failed response'))![0]);
const documentedFailure = documentedJson(/\{[\s\S]*?\}/.exec(between('Failed response', 'Send us'))![0]);
const seedToken = String(documentedSuccess.access_token);
const part = (jwt: string, i: number) => JSON.parse(Buffer.from(jwt.split('.')[i]!, 'base64url').toString()) as Record<string, unknown>;

/** "POST verb", "application/x-www-form-urlencoded", "grant_type" = "client_credentials", `Basic` + Base64 of the credentials. */
const request = (id: string, secret: string) =>
  curl([
    '-X', 'POST', `${seed.url}/api/oauth/token`,
    '-H', 'Content-Type: application/x-www-form-urlencoded',
    '-H', `Authorization: Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
    '--data', 'grant_type=client_credentials',
  ]);

describe('seed 002: Basic client_id:client_secret, form body', () => {
  let token: string;

  it('answers with the seed’s members, order, types and values: Bearer, 86400', async () => {
    const res = await request(clientId, clientSecret);
    assert.equal(res.status, 200, res.body);
    const body = JSON.parse(res.body);
    assertSameShape(body, documentedSuccess, 'token response');
    assert.equal(body.token_type, documentedSuccess.token_type);
    assert.equal(body.expires_in, documentedSuccess.expires_in);
    token = body.access_token;
  });

  it('signs with the seed’s header members: kid "k1", alg RS256, no typ', () => {
    // Member order aside (docs/dialects.md says why): the same members with the same values.
    assert.deepEqual(decodeProtectedHeader(token), part(seedToken, 0));
    assert.deepEqual(part(seedToken, 0), { kid: 'k1', alg: 'RS256' });
  });

  it('carries the seed’s claims with their types, and their values where they are not per-session', () => {
    const ours = decodeJwt(token) as Record<string, unknown>;
    const theirs = part(seedToken, 1);
    // Numbers of the vendor's own database session, different in every token: Tessera has none (docs/dialects.md).
    const perSession = ['nuSecHidden', 'idDataBaseSession'];
    for (const [claim, value] of Object.entries(theirs)) {
      if (perSession.includes(claim)) {
        assert.equal(ours[claim], undefined, claim);
        continue;
      }
      assert.equal(jsonType(ours[claim]), jsonType(value), `the type of ${claim}`);
      if (!['exp', 'iat', 'jti'].includes(claim)) assert.deepEqual(ours[claim], value, claim);
    }
    assert.equal((ours.exp as number) - (ours.iat as number), (theirs.exp as number) - (theirs.iat as number), 'one day');
    assert.match(String(ours.jti), new RegExp(`^[A-Za-z0-9_-]{${String(theirs.jti).length}}$`), 'a jti of the seed’s length and alphabet');
  });

  it('publishes the key as k1 in the tenant’s JWKS, and the token verifies there, and with tessera/verify told what the tenant issues', async () => {
    const jwks = JSON.parse((await curl([`${seed.url}/t/deyel/.well-known/jwks.json`])).body);
    assert.deepEqual(jwks.keys.map((k: { kid: string }) => k.kid), ['k1']);
    await jwtVerify(token, createLocalJWKSet(jwks), { issuer: 'Deyel', algorithms: ['RS256'] });
    const verifier = createBearerVerifier({
      issuer: 'https://deyel.example', tokenIssuer: 'Deyel', typ: null, tenant: 'deyel', jwksUri: `${seed.url}/t/deyel/.well-known/jwks.json`,
    });
    const result = await verifier.verify({ headers: { authorization: `Bearer ${token}` } });
    assert.ok(result.ok, result.ok ? '' : result.error.detail);
  });

  it('answers an unknown client with the seed’s error body, byte for byte', async () => {
    const res = await request('not-a-client', clientSecret);
    assert.equal(res.body, JSON.stringify(documentedFailure));
    assert.deepEqual(Object.keys(JSON.parse(res.body)), ['error_description', 'error']);
    // The seed shows no status: Tessera keeps RFC 6749's 401 and its challenge.
    assert.equal(res.status, 401);
    assert.match(res.headers['www-authenticate']!, /^Basic /);
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  it('answers a wrong secret with the same body', async () => {
    const res = await request(clientId, 'wrong-secret');
    assert.equal(res.body, JSON.stringify(documentedFailure));
  });
});
