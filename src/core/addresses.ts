/**
 * Client addresses: how they are normalised, which ranges an operator may
 * name when listing trusted proxies, and their keys for per-address limits.
 *
 * Keys: an IPv4 address is its own key; an IPv6 address is keyed by its /64 prefix, because one
 * subscriber is routinely given a whole /64 (RFC 6177) and could otherwise
 * take a fresh address, and a fresh limit, for every request.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6177
 * @see https://www.rfc-editor.org/rfc/rfc4291#section-2.5.5.2 IPv4-mapped IPv6 addresses
 */
import { isIP, isIPv4, isIPv6 } from 'node:net';

/** Named ranges an operator may list among trusted proxies instead of spelling them out. */
export const NAMED_RANGES: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  // RFC 1918 and RFC 4193 unique local addresses: where load balancers inside a network sit.
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
};

/** Why `entry` is not an address, a CIDR range or a named range, or undefined when it is one. */
export function addressRangeProblem(entry: string): string | undefined {
  if (Object.hasOwn(NAMED_RANGES, entry)) return undefined;
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return `'${entry}' is not an IP address, a CIDR range or one of ${Object.keys(NAMED_RANGES).join(', ')}`;
  if (prefix !== undefined) {
    const bits = Number(prefix);
    if (!/^\d{1,3}$/.test(prefix) || bits > (family === 4 ? 32 : 128)) return `'${entry}' has an invalid prefix length`;
  }
  return undefined;
}

/** `::ffff:192.0.2.1` (an IPv4 peer on a dual-stack socket) → `192.0.2.1`; anything else unchanged. */
export function unmapAddress(address: string): string {
  if (address.length > 7 && address.charCodeAt(0) === 58 /* : */ && /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address)) return address.slice(7);
  return address;
}

/** The eight 16-bit groups of an IPv6 address, as numbers. */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  // An embedded IPv4 tail (`::ffff:1.2.3.4`, `64:ff9b::1.2.3.4`) becomes two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4 !== null) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  return [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right].map((g) => Number.parseInt(g, 16));
}

/**
 * The key of `address` for per-address limits: the IPv4 address itself, the
 * /64 prefix of an IPv6 address (`2001:db8:1:2::/64`), `unknown` when there is
 * none (a request whose socket is already gone).
 */
export function addressKey(address: string | undefined): string {
  if (address === undefined || address === '') return 'unknown';
  const plain = unmapAddress(address);
  if (isIPv4(plain)) return plain;
  if (!isIPv6(plain)) return plain;
  const groups = ipv6Groups(plain).slice(0, 4).map((g) => g.toString(16));
  return `${groups.join(':')}::/64`;
}
