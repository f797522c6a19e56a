import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomToken, sha256 } from '../../src/core/crypto/random.ts';
import { MAX_TOKEN_TIME, timeOrderedToken, tokenStorageKey } from '../../src/core/tokens/storage-key.ts';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const hex12 = (ms: number) => ms.toString(16).padStart(12, '0');

/** Code-unit order: SQLite's BINARY collation and PostgreSQL's "C". */
const sorted = (keys: string[]) => [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

describe('time-ordered opaque tokens', () => {
  it('carry their issuance time in 12 hex digits between the prefix and 256 random bits', () => {
    const token = timeOrderedToken('tat_', NOW);
    assert.match(token, /^tat_[0-9a-f]{12}[A-Za-z0-9_-]{43}$/);
    assert.equal(token.slice(4, 16), hex12(NOW));
    assert.equal(Buffer.from(token.slice(16), 'base64url').length, 32);
    assert.match(timeOrderedToken('trt_', NOW), /^trt_[0-9a-f]{12}[A-Za-z0-9_-]{43}$/);
    assert.notEqual(timeOrderedToken('tat_', NOW), token, 'the same instant never gives the same token');
  });

  it('are stored under their time digits and the SHA-256 of the whole token', () => {
    const token = timeOrderedToken('tat_', NOW);
    const key = tokenStorageKey(token);
    assert.equal(key, hex12(NOW) + sha256(token));
    assert.equal(key.length, 55);
    assert.ok(!key.includes(token.slice(16)), 'the secret part is not in the key');
  });

  it('give keys that sort in issuance order, across millisecond boundaries', () => {
    const times = [NOW, NOW, NOW + 1, NOW + 1, NOW + 2, NOW + 999, NOW + 1000, NOW + 60_000, NOW + 86_400_000];
    const keys = times.map((ms) => tokenStorageKey(timeOrderedToken('tat_', ms)));
    // Within one ms the order is random; compare only the time digits there, and the full order across ms.
    assert.deepEqual(sorted(keys).map((k) => k.slice(0, 12)), times.map(hex12));
    for (let i = 1; i < times.length; i++) {
      if (times[i] !== times[i - 1]) assert.ok(keys[i - 1]! < keys[i]!, `${times[i - 1]} before ${times[i]}`);
    }
  });

  it('give keys that sort in issuance order across the whole 48-bit range, digit carries included', () => {
    const times = [0, 1, 9, 10, 15, 16, 255, 256, 0xfff, 0x1000, 2 ** 32 - 1, 2 ** 32, NOW, 2 ** 44 - 1, 2 ** 44, MAX_TOKEN_TIME - 1, MAX_TOKEN_TIME];
    const keys = times.map((ms) => tokenStorageKey(timeOrderedToken('trt_', ms)));
    assert.deepEqual(sorted(keys), keys);
    assert.equal(MAX_TOKEN_TIME, 0xffffffffffff);
  });

  it('clamp an issuance time outside the 48-bit range instead of failing to issue', () => {
    assert.equal(timeOrderedToken('tat_', -5).slice(4, 16), '000000000000');
    assert.equal(timeOrderedToken('tat_', MAX_TOKEN_TIME + 10).slice(4, 16), 'ffffffffffff');
    assert.equal(timeOrderedToken('tat_', Number.NaN).slice(4, 16), '000000000000');
    assert.equal(timeOrderedToken('tat_', NOW + 0.7).slice(4, 16), hex12(NOW));
  });
});

describe('storage keys of tokens of the earlier format and of anything else', () => {
  it('keep the plain SHA-256 for earlier opaque tokens and for JWTs, so tokens already issued stay valid', () => {
    for (const token of [randomToken('tat_'), randomToken('trt_'), 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln']) {
      assert.equal(tokenStorageKey(token), sha256(token), token);
    }
  });

  it('never throws for malformed tokens, and never gives them a key of the time-ordered kind', () => {
    const genuine = timeOrderedToken('tat_', NOW);
    const malformed = [
      '',
      'tat_',
      'trt_',
      genuine.slice(0, -1), // one short
      `${genuine}A`, // one long
      `tat_zzzzzzzzzzzz${genuine.slice(16)}`, // time part not hex
      `tat_${genuine.slice(4, 16).toUpperCase().replace(/[0-9]/g, 'A')}${genuine.slice(16)}`, // upper-case hex
      `tat_${genuine.slice(4, 15)}-${genuine.slice(16)}`, // base64url, not hex
      `tcs_${genuine.slice(4)}`, // another prefix
      `${genuine.slice(0, 20)}!${genuine.slice(21)}`, // not base64url
      `${genuine.slice(0, 20)}é${genuine.slice(21)}`,
      'x'.repeat(100_000),
    ];
    for (const token of malformed) {
      const key = tokenStorageKey(token);
      assert.equal(key, sha256(token), JSON.stringify(token.slice(0, 40)));
      assert.equal(key.length, 43);
    }
  });

  it('gives a token whose time was changed a key of its own, which finds nothing', () => {
    const genuine = timeOrderedToken('tat_', NOW);
    const forged = `tat_${hex12(NOW + 1)}${genuine.slice(16)}`;
    const key = tokenStorageKey(forged);
    assert.notEqual(key, tokenStorageKey(genuine));
    assert.notEqual(key.slice(12), tokenStorageKey(genuine).slice(12), 'the hash covers the time too');
  });
});
