/**
 * The verifier remembers JWTs that verified (by hash, for `jwtCacheSeconds`,
 * never past `exp`), so an API does not check the same signature on every
 * request. Whether a signature was checked again is observed through the
 * JWKS: once a key has left it, only a remembered token can still pass.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createBearerVerifier, type BearerVerifierOptions } from '../../src/verify/index.ts';

const ISSUER = 'https://auth.example.test';
const START = Date.UTC(2026, 0, 1, 12, 0, 0);

interface Signer {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function signer(kid: string): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

/** An issuer whose JWKS the test edits, and a clock it moves. */
async function setup(overrides: Partial<BearerVerifierOptions> = {}) {
  const k1 = await signer('k1');
  const k2 = await signer('k2');
  const published: JWK[] = [k1.jwk];
  let now = START;
  const verifier = createBearerVerifier({
    issuer: ISSUER,
    // Refetch the JWKS for every unknown kid: the test removes keys and needs the verifier to see it.
    jwksCooldownSeconds: 0,
    fetch: (async () => new Response(JSON.stringify({ keys: published }), { headers: { 'content-type': 'application/json' } })) as typeof fetch,
    clock: () => now,
    ...overrides,
  });
  const token = (s: Signer, claims: Record<string, unknown> = {}) => {
    const iat = Math.floor(now / 1000);
    return new SignJWT({ client_id: 'svc', tenant: 'default', scope: 'read', ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: s.kid })
      .setIssuer(ISSUER).setAudience(ISSUER).setSubject('svc').setJti(`j-${Math.random()}`)
      .setIssuedAt(iat).setExpirationTime(typeof claims.exp === 'number' ? claims.exp : iat + 600)
      .sign(s.privateKey);
  };
  const verify = (jwt: string) => verifier.verify({ headers: { authorization: `Bearer ${jwt}` } });
  /** Replaces k1 by k2 in the JWKS, and makes the verifier fetch it (a token with the new kid). */
  const retireK1 = async () => {
    published.splice(0, published.length, k2.jwk);
    assert.ok((await verify(await token(k2))).ok, 'the verifier fetched the new JWKS');
  };
  const publish = (extra: Signer) => void published.push(extra.jwk);
  return { k1, verify, token, retireK1, publish, advance: (ms: number) => void (now += ms) };
}

describe('tessera/verify: verified JWTs are remembered', () => {
  it("accepts a token it verified within jwtCacheSeconds, even after its key left the JWKS, and checks it again afterwards", async () => {
    const s = await setup({ jwtCacheSeconds: 30 });
    const jwt = await s.token(s.k1);
    assert.ok((await s.verify(jwt)).ok);
    await s.retireK1();
    assert.ok((await s.verify(jwt)).ok, 'remembered: the signature was not checked again');
    s.advance(30_001);
    const again = await s.verify(jwt);
    assert.ok(!again.ok, 'after the cache lifetime the signature is checked, and its key is gone');
    assert.equal(again.error.code, 'invalid_token');
  });

  it('remembers nothing with jwtCacheSeconds: 0', async () => {
    const s = await setup({ jwtCacheSeconds: 0 });
    const jwt = await s.token(s.k1);
    assert.ok((await s.verify(jwt)).ok);
    await s.retireK1();
    assert.equal((await s.verify(jwt)).ok, false);
  });

  it('never accepts a remembered token past its exp (and the clock tolerance)', async () => {
    const s = await setup({ jwtCacheSeconds: 300, clockToleranceSeconds: 5 });
    const jwt = await s.token(s.k1, { exp: Math.floor(START / 1000) + 10 });
    assert.ok((await s.verify(jwt)).ok);
    s.advance(14_000);
    assert.ok((await s.verify(jwt)).ok, 'within exp + tolerance');
    s.advance(2_000);
    const late = await s.verify(jwt);
    assert.ok(!late.ok);
    assert.equal(late.error.description, 'The access token expired');
  });

  it('does not remember refusals: a token refused for an unknown key passes once the key is published', async () => {
    const s = await setup();
    const early = await signer('k-next');
    const jwt = await s.token(early);
    assert.equal((await s.verify(jwt)).ok, false, 'its key is not in the JWKS yet');
    s.publish(early);
    assert.ok((await s.verify(jwt)).ok, 'checked again, not answered from a remembered refusal');
  });

  it('keeps at most maxJwtCacheEntries tokens, dropping the oldest', async () => {
    // Two: the first, then the second, then the new key's token retireK1 verifies, which pushes the first out.
    const s = await setup({ maxJwtCacheEntries: 2 });
    const first = await s.token(s.k1);
    const second = await s.token(s.k1);
    assert.ok((await s.verify(first)).ok);
    assert.ok((await s.verify(second)).ok);
    await s.retireK1();
    assert.equal((await s.verify(first)).ok, false, 'the first was dropped for a newer one');
    assert.ok((await s.verify(second)).ok);
  });

  it('gives each caller its own principal', async () => {
    const s = await setup();
    const jwt = await s.token(s.k1);
    const first = await s.verify(jwt);
    assert.ok(first.ok);
    first.principal.scope.push('admin');
    first.principal.accounts.push('99999');
    const second = await s.verify(jwt);
    assert.ok(second.ok);
    assert.deepEqual(second.principal.scope, ['read']);
    assert.deepEqual(second.principal.accounts, []);
  });

  it('refuses a bad cache setting at construction', () => {
    assert.throws(() => createBearerVerifier({ issuer: ISSUER, jwtCacheSeconds: 301 }), TypeError);
    assert.throws(() => createBearerVerifier({ issuer: ISSUER, jwtCacheSeconds: -1 }), TypeError);
    assert.throws(() => createBearerVerifier({ issuer: ISSUER, maxJwtCacheEntries: 0 }), TypeError);
  });
});
