import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomBase64url, RandomPool, randomToken } from '../../src/core/crypto/random.ts';

/** A fill function writing a known, never-repeating stream (a running 32-bit counter), and every buffer it wrote. */
function countingFill(): { fill: (buffer: Buffer) => void; fills: Buffer[] } {
  let next = 0;
  const fills: Buffer[] = [];
  return {
    fills,
    fill(buffer) {
      for (let i = 0; i < buffer.length; i += 4) buffer.writeUInt32BE(next++, i);
      fills.push(Buffer.from(buffer));
    },
  };
}

const bytes = (text: string) => Buffer.from(text, 'base64url');

describe('random pool', () => {
  it('hands out consecutive slices of each fill, refilling only when one is used up', () => {
    const source = countingFill();
    const pool = new RandomPool(64, source.fill);
    const drawn = [pool.base64url(32), pool.base64url(32), pool.base64url(32)];
    assert.equal(source.fills.length, 2);
    assert.deepEqual(bytes(drawn[0]!), source.fills[0]!.subarray(0, 32));
    assert.deepEqual(bytes(drawn[1]!), source.fills[0]!.subarray(32, 64));
    assert.deepEqual(bytes(drawn[2]!), source.fills[1]!.subarray(0, 32));
  });

  it('discards a remainder too small for the next draw instead of reusing it', () => {
    const source = countingFill();
    const pool = new RandomPool(64, source.fill);
    pool.base64url(16);
    pool.base64url(32); // 48 of 64 used
    const third = pool.base64url(32); // does not fit in the last 16: a new fill
    assert.equal(source.fills.length, 2);
    assert.deepEqual(bytes(third), source.fills[1]!.subarray(0, 32));
    const fourth = pool.base64url(32);
    assert.deepEqual(bytes(fourth), source.fills[1]!.subarray(32, 64));
    assert.equal(source.fills.length, 2);
  });

  it('never hands out the same bytes twice across many refills of the real pool', () => {
    // 4 KiB serve 128 tokens: 1,000 tokens cross the refill boundary seven times.
    const tokens = Array.from({ length: 1000 }, () => randomToken('tat_'));
    assert.equal(new Set(tokens).size, tokens.length);
    for (const token of tokens) assert.match(token, /^tat_[A-Za-z0-9_-]{43}$/);
    const secrets = new Set(tokens.map((t) => t.slice(4)));
    assert.equal(secrets.size, tokens.length);
    const ids = Array.from({ length: 600 }, () => randomBase64url(16));
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(ids.every((id) => bytes(id).length === 16));
  });

  it('refuses draws it cannot serve from one fill', () => {
    const pool = new RandomPool(64);
    assert.throws(() => pool.base64url(65), RangeError);
    assert.throws(() => pool.base64url(0), RangeError);
    assert.throws(() => pool.base64url(1.5), RangeError);
    assert.equal(bytes(pool.base64url(64)).length, 64);
  });
});
