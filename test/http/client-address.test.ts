import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { ClientAddresses, type ClientAddressOptions } from '../../src/http/client-address.ts';

function request(peer: string | undefined, headers: Record<string, string> = {}): IncomingMessage {
  return { socket: { remoteAddress: peer }, headers } as unknown as IncomingMessage;
}

const behind = (trustedProxies: string[], header: ClientAddressOptions['header'] = 'x-forwarded-for') => new ClientAddresses({ trustedProxies, header });

describe('client addresses behind trusted proxies', () => {
  const cases: { name: string; proxies: string[]; header?: ClientAddressOptions['header']; peer: string; headers?: Record<string, string>; expected: string }[] = [
    { name: 'takes the peer when no proxy is trusted, whatever the header says', proxies: [], peer: '203.0.113.5', headers: { 'x-forwarded-for': '198.51.100.1' }, expected: '203.0.113.5' },
    { name: 'ignores the header from a peer that is not a trusted proxy', proxies: ['10.0.0.0/8'], peer: '203.0.113.5', headers: { 'x-forwarded-for': '198.51.100.1' }, expected: '203.0.113.5' },
    { name: 'takes the forwarded address from a trusted proxy', proxies: ['10.0.0.0/8'], peer: '10.1.2.3', headers: { 'x-forwarded-for': '198.51.100.1' }, expected: '198.51.100.1' },
    { name: 'keeps the proxy when it forwarded nothing', proxies: ['10.0.0.0/8'], peer: '10.1.2.3', expected: '10.1.2.3' },
    { name: 'reads from the right: a spoofed entry left of the real client is never reached', proxies: ['10.0.0.0/8'], peer: '10.1.2.3', headers: { 'x-forwarded-for': '1.1.1.1, 198.51.100.1' }, expected: '198.51.100.1' },
    { name: 'walks through a chain of trusted proxies', proxies: ['10.0.0.0/8', '192.168.0.0/16'], peer: '10.1.2.3', headers: { 'x-forwarded-for': '1.1.1.1, 198.51.100.1, 192.168.1.1' }, expected: '198.51.100.1' },
    { name: 'stops at a hop the proxy could not name', proxies: ['10.0.0.0/8'], peer: '10.1.2.3', headers: { 'x-forwarded-for': 'unknown' }, expected: '10.1.2.3' },
    { name: 'drops a port from an entry', proxies: ['loopback'], peer: '127.0.0.1', headers: { 'x-forwarded-for': '198.51.100.1:4711' }, expected: '198.51.100.1' },
    { name: 'trusts an IPv4 peer on a dual-stack socket by its plain address', proxies: ['127.0.0.1'], peer: '::ffff:127.0.0.1', headers: { 'x-forwarded-for': '198.51.100.1' }, expected: '198.51.100.1' },
    { name: 'names an IPv4 client of a dual-stack socket without its ::ffff: prefix', proxies: [], peer: '::ffff:203.0.113.5', expected: '203.0.113.5' },
    { name: 'reads IPv6 entries', proxies: ['fc00::/7'], peer: 'fd00::1', headers: { 'x-forwarded-for': '2001:db8::7' }, expected: '2001:db8::7' },
    { name: 'reads RFC 7239 Forwarded when configured, quoted and bracketed IPv6 with a port included', proxies: ['private'], header: 'forwarded', peer: '10.0.0.1', headers: { forwarded: 'for=1.1.1.1, for="[2001:db8:cafe::17]:4711";proto=https;by=10.0.0.1' }, expected: '2001:db8:cafe::17' },
    { name: 'ignores X-Forwarded-For when Forwarded is the configured header', proxies: ['private'], header: 'forwarded', peer: '10.0.0.1', headers: { 'x-forwarded-for': '198.51.100.1' }, expected: '10.0.0.1' },
    { name: 'ignores Forwarded when X-Forwarded-For is the configured header', proxies: ['private'], peer: '10.0.0.1', headers: { forwarded: 'for=198.51.100.1' }, expected: '10.0.0.1' },
    { name: 'stops at an obfuscated Forwarded node', proxies: ['private'], header: 'forwarded', peer: '10.0.0.1', headers: { forwarded: 'for=_hidden' }, expected: '10.0.0.1' },
    { name: 'counts a Forwarded element without for= as an unnamed hop', proxies: ['private'], header: 'forwarded', peer: '10.0.0.1', headers: { forwarded: 'for=198.51.100.1, proto=https' }, expected: '10.0.0.1' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(behind(c.proxies, c.header).of(request(c.peer, c.headers)), c.expected);
    });
  }

  it('is undefined when the socket is gone', () => {
    assert.equal(behind(['loopback']).of(request(undefined)), undefined);
  });

  it('refuses an entry that is no address or range', () => {
    assert.throws(() => behind(['10.0.0.0/33']), /invalid prefix length/);
    assert.throws(() => behind(['proxy.example']), /is not an IP address/);
  });
});
