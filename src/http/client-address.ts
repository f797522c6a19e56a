/**
 * Who a request comes from: the socket's peer, or, when that peer is a proxy
 * the operator listed in `trustedProxies`, the address that proxy forwarded.
 *
 * The forwarding header is read from the right, the way proxies append to
 * it: each entry written by a trusted proxy is believed, and the first
 * address that is not a trusted proxy is the client. Entries further left
 * were written by the client itself (anyone can send the header), so they are
 * never reached unless a trusted proxy vouched for the hop before them. Only
 * one header is read, the one the proxies are configured to write, because a
 * client could send the other one unchallenged.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7239 Forwarded
 * @see https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/X-Forwarded-For
 */
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import { addressRangeProblem, NAMED_RANGES, unmapAddress } from '../core/addresses.ts';

export type ForwardedHeader = 'x-forwarded-for' | 'forwarded';

export interface ClientAddressOptions {
  /** Addresses and CIDR ranges of the proxies in front of Tessera (`10.0.0.0/8`, `::1`, `loopback`, `private`). */
  trustedProxies: readonly string[];
  /** The header those proxies append the client address to. */
  header: ForwardedHeader;
}

function trustList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries.flatMap((e) => NAMED_RANGES[e] ?? [e])) {
    const problem = addressRangeProblem(entry);
    if (problem !== undefined) throw new RangeError(problem);
    const [address, prefix] = entry.split('/') as [string, string | undefined];
    const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}

/** The address of one `X-Forwarded-For` entry or `Forwarded` `for=` value, or undefined when it is none (a port is dropped). */
function entryAddress(value: string): string | undefined {
  let v = value.trim();
  if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1);
  if (v.startsWith('[')) {
    // `[2001:db8::1]` or `[2001:db8::1]:4711`
    const end = v.indexOf(']');
    v = end === -1 ? '' : v.slice(1, end);
  } else if (v.indexOf(':') !== -1 && v.indexOf(':') === v.lastIndexOf(':')) {
    v = v.slice(0, v.indexOf(':')); // `192.0.2.1:4711`
  }
  return isIP(v) === 0 ? undefined : unmapAddress(v);
}

/** The `for=` values of a `Forwarded` header, left to right (RFC 7239 §4). */
function forwardedFor(header: string): string[] {
  const found: string[] = [];
  for (const element of header.split(',')) {
    let value: string | undefined;
    for (const pair of element.split(';')) {
      const eq = pair.indexOf('=');
      if (eq !== -1 && pair.slice(0, eq).trim().toLowerCase() === 'for') value = pair.slice(eq + 1);
    }
    // An element without `for` still counts as a hop whose client is unknown.
    found.push(value ?? '');
  }
  return found;
}

export class ClientAddresses {
  readonly #trusted: BlockList | undefined;
  readonly #header: ForwardedHeader;

  /** @throws RangeError for an entry that is neither an address, a CIDR range nor a named range */
  constructor(options: ClientAddressOptions) {
    this.#trusted = options.trustedProxies.length === 0 ? undefined : trustList(options.trustedProxies);
    this.#header = options.header;
  }

  /** Whether `address` is one of the trusted proxies. */
  trusts(address: string): boolean {
    if (this.#trusted === undefined) return false;
    const plain = unmapAddress(address);
    const family = isIP(plain);
    return family !== 0 && this.#trusted.check(plain, family === 4 ? 'ipv4' : 'ipv6');
  }

  /** The client address of `request` (undefined only when its socket is gone); bound, so it can be handed on. */
  readonly of = (request: IncomingMessage): string | undefined => {
    const peer = request.socket?.remoteAddress;
    if (peer === undefined) return undefined;
    let client = unmapAddress(peer);
    if (this.#trusted === undefined || !this.trusts(client)) return client;
    const header = request.headers[this.#header];
    if (typeof header !== 'string') return client;
    const entries = this.#header === 'forwarded' ? forwardedFor(header) : header.split(',');
    for (let i = entries.length - 1; i >= 0; i--) {
      const address = entryAddress(entries[i]!);
      // A hop the proxy could not name (`unknown`, an obfuscated node, garbage): the proxy is the last address known.
      if (address === undefined) return client;
      client = address;
      if (!this.trusts(client)) return client;
    }
    return client;
  };
}
