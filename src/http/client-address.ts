import type { IncomingMessage } from 'node:http';

/**
 * The client's address as Fastify's `request.ip` gives it: with a trusted
 * proxy, the first (client-most) non-empty `X-Forwarded-For` entry, as
 * proxy-addr (Fastify's) reads the header.
 */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string | undefined {
  if (trustProxy) {
    const forwarded = request.headers['x-forwarded-for'];
    if (typeof forwarded === 'string') {
      for (const entry of forwarded.split(',')) {
        const address = entry.trim();
        if (address !== '') return address;
      }
    }
  }
  return request.socket?.remoteAddress;
}
