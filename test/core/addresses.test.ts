import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressKey, addressRangeProblem, unmapAddress } from '../../src/core/addresses.ts';

describe('address keys for per-address limits', () => {
  const cases: [string | undefined, string][] = [
    ['192.0.2.1', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:DB8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
    [undefined, 'unknown'],
  ];
  for (const [address, key] of cases) {
    it(`keys ${address} as ${key}`, () => assert.equal(addressKey(address), key));
  }
  it('gives every address of one /64 the same key, and another /64 another', () => {
    assert.equal(addressKey('2001:db8:aa:bb:1::1'), addressKey('2001:db8:aa:bb:ffff:ffff:ffff:ffff'));
    assert.notEqual(addressKey('2001:db8:aa:bb::1'), addressKey('2001:db8:aa:bc::1'));
  });
  it('unmaps only IPv4-mapped addresses', () => {
    assert.equal(unmapAddress('::ffff:10.0.0.1'), '10.0.0.1');
    assert.equal(unmapAddress('::1'), '::1');
  });
  it('checks proxy ranges', () => {
    assert.equal(addressRangeProblem('10.0.0.0/8'), undefined);
    assert.equal(addressRangeProblem('::1'), undefined);
    assert.equal(addressRangeProblem('loopback'), undefined);
    assert.match(addressRangeProblem('10.0.0.0/8/1')!, /not an IP address/);
    assert.match(addressRangeProblem('::/129')!, /invalid prefix/);
  });
});
