/** The signing bound's conversion of an ECDSA signature from DER to JWS's R‖S, checked against node:crypto's own verifier. */
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { derToJose } from '../../bench/workers/sign-raw.ts';

describe('bench signing bound', () => {
  it('turns DER ECDSA signatures into the 64-byte R‖S a JWS verifier accepts', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    // Enough signatures that some have an R or S with a high bit (a leading 0x00 in DER) or a short one.
    for (let i = 0; i < 200; i++) {
      const data = Buffer.from(`header.payload.${i}`);
      const jose = derToJose(sign('sha256', data, privateKey));
      assert.equal(jose.length, 64);
      assert.ok(verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, jose), `signature ${i}`);
    }
  });

  it('refuses what is not a DER signature', () => {
    assert.throws(() => derToJose(Buffer.from([0x31, 0x02, 0x02, 0x00])), /not a DER/);
  });
});
