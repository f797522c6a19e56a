import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { derToP1363 } from '../../src/core/tokens/jwt.ts';

const der = (r: number[], s: number[]) => Buffer.from([0x30, 4 + r.length + s.length, 0x02, r.length, ...r, 0x02, s.length, ...s]);

describe('ECDSA signature encoding (RFC 7518 §3.4)', () => {
  it('drops the sign byte DER adds to an integer with its top bit set', () => {
    const r = [0x00, 0x80, ...new Array(31).fill(1)];
    const s = new Array(32).fill(2);
    const out = derToP1363(der(r, s), 32);
    assert.equal(out.length, 64);
    assert.deepEqual([...out.subarray(0, 32)], r.slice(1));
    assert.deepEqual([...out.subarray(32)], s);
  });

  it('left-pads an integer DER wrote shorter than the curve size', () => {
    const out = derToP1363(der([0x05], [0x7f, 0x01]), 32);
    assert.deepEqual([...out.subarray(0, 32)], [...new Array(31).fill(0), 0x05]);
    assert.deepEqual([...out.subarray(32)], [...new Array(30).fill(0), 0x7f, 0x01]);
  });

  it('produces signatures node:crypto verifies as IEEE P1363', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (let i = 0; i < 200; i++) {
      const data = Buffer.from(`message ${i}`);
      const signature = derToP1363(sign('sha256', data, privateKey), 32);
      assert.equal(signature.length, 64);
      assert.ok(verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature));
    }
  });
});
