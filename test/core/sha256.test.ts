import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { sha256 } from '../../src/core/crypto/random.ts';

describe('sha256 (the storage key of hashed secrets and tokens)', () => {
  it('is SHA-256 in base64url without padding (FIPS 180-2 test vector "abc")', () => {
    assert.equal(sha256('abc'), Buffer.from('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'hex').toString('base64url'));
  });

  it('hashes the UTF-8 bytes of the string, as stored hashes were made', () => {
    for (const value of ['tat_0000000000000abc', 'Grüße, 世界 🔑', '']) {
      assert.equal(sha256(value), createHash('sha256').update(value, 'utf8').digest('base64url'));
    }
  });
});
