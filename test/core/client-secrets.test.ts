import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  generateClientSecret,
  hashChosenSecret,
  hashGeneratedSecret,
  SecretVerifier,
} from '../../src/core/client-auth/client-secrets.ts';
import { Argon2id, MAX_ARGON2_INPUT_BYTES } from '../../src/core/crypto/argon2id.ts';

const NOW = 1_000_000;
const argon2 = new Argon2id();

describe('client secrets', () => {
  it('generates 256-bit secrets with a recognisable prefix, never the same twice', () => {
    const a = generateClientSecret();
    assert.match(a, /^tcs_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, generateClientSecret());
  });

  it('stores generated secrets as SHA-256 and operator-chosen ones as argon2id, never in clear', async () => {
    const generated = generateClientSecret();
    const g = hashGeneratedSecret(generated);
    assert.match(g, /^sha256\$[A-Za-z0-9_-]{43}$/);
    assert.ok(!g.includes(generated));
    const chosen = await hashChosenSecret(argon2, 'password');
    assert.match(chosen, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  });

  it('verifies the right secret and refuses a wrong one, for both hash kinds', async () => {
    const verifier = new SecretVerifier(argon2);
    const generated = generateClientSecret();
    const secrets = [
      { hash: hashGeneratedSecret(generated), createdAt: 0, expiresAt: null },
      { hash: await hashChosenSecret(argon2, 'correct horse'), createdAt: 0, expiresAt: null },
    ];
    assert.equal(await verifier.verify(secrets, generated, NOW), true);
    assert.equal(await verifier.verify(secrets, 'correct horse', NOW), true);
    assert.equal(await verifier.verify(secrets, 'correct horsE', NOW), false);
    assert.equal(await verifier.verify(secrets, `${generated}x`, NOW), false);
  });

  it('ignores a secret past its expiry (rotation overlap ended)', async () => {
    const verifier = new SecretVerifier(argon2);
    const secret = generateClientSecret();
    const stored = [{ hash: hashGeneratedSecret(secret), createdAt: 0, expiresAt: NOW }];
    assert.equal(await verifier.verify(stored, secret, NOW - 1), true);
    assert.equal(await verifier.verify(stored, secret, NOW), false);
  });

  it('asks admission once before checking a guess, hashes a refused one against the stand-in, and never asks for a trusted secret', async () => {
    const verifier = new SecretVerifier(argon2, { rememberMs: 60_000 });
    const generated = generateClientSecret();
    const secrets = [
      { hash: hashGeneratedSecret(generated), createdAt: 0, expiresAt: null },
      { hash: await hashChosenSecret(argon2, 'correct horse'), createdAt: 0, expiresAt: null },
      { hash: await hashChosenSecret(argon2, 'battery staple'), createdAt: 0, expiresAt: null },
    ];
    const asked: string[] = [];
    const admit = (answer: boolean) => async () => { asked.push('admit'); return answer; };
    const beforeArgon2 = () => { asked.push('before'); };
    const refused = await verifier.check(secrets, 'correct horse', NOW, { beforeArgon2, admit: admit(false) });
    assert.deepEqual({ matched: refused.matched, trusted: refused.trusted, hashed: refused.hashed }, { matched: false, trusted: false, hashed: true });
    assert.deepEqual(asked, ['before', 'admit'], 'the rate gate first, then the reservation, once for both chosen secrets');
    asked.length = 0;
    const admitted = await verifier.check(secrets, 'correct horse', NOW, { beforeArgon2, admit: admit(true) });
    assert.deepEqual({ matched: admitted.matched, trusted: admitted.trusted }, { matched: true, trusted: false });
    admitted.remember();
    asked.length = 0;
    for (const presented of [generated, 'correct horse']) {
      const trusted = await verifier.check(secrets, presented, NOW + 1, { beforeArgon2, admit: admit(false) });
      assert.deepEqual({ matched: trusted.matched, trusted: trusted.trusted }, { matched: true, trusted: true });
    }
    assert.equal(asked.includes('admit'), false, 'a secret no guesser can produce is not a guess');
  });

  it('remembers an argon2id success only while the stored hash is unchanged', async () => {
    const verifier = new SecretVerifier(argon2, { rememberMs: 60_000 });
    const first = [{ hash: await hashChosenSecret(argon2, 'password1'), createdAt: 0, expiresAt: null }];
    assert.equal(await verifier.verify(first, 'password1', NOW), true);
    const started = performance.now();
    assert.equal(await verifier.verify(first, 'password1', NOW + 1), true);
    assert.ok(performance.now() - started < 5, 'a remembered success skips argon2');
    // The secret was rotated: the same presented secret against a new hash must be checked afresh and fail.
    const rotated = [{ hash: await hashChosenSecret(argon2, 'password2'), createdAt: 0, expiresAt: null }];
    assert.equal(await verifier.verify(rotated, 'password1', NOW + 2), false);
  });

  it('refuses argon2 inputs beyond the length bound instead of hashing them', async () => {
    await assert.rejects(argon2.hash('x'.repeat(MAX_ARGON2_INPUT_BYTES + 1)), RangeError);
    const hash = await argon2.hash('short-secret');
    assert.equal(await argon2.verify('x'.repeat(MAX_ARGON2_INPUT_BYTES + 1), hash), false);
  });

  it('treats a malformed stored hash as no match rather than an error', async () => {
    assert.equal(await argon2.verify('x', '$argon2id$garbage'), false);
    assert.equal(await new SecretVerifier(argon2).verify([{ hash: 'md5$abc', createdAt: 0, expiresAt: null }], 'x', NOW), false);
  });
});
