import type { IncomingMessage } from 'node:http';
import { OAuthError } from '../core/errors.ts';

/**
 * Reads a request body that Fastify leaves unparsed (GET bodies, seed 003),
 * refusing more than `limit` bytes with 413 as soon as the limit is passed.
 */
export async function readRawBody(raw: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(raw.headers['content-length'] ?? 0);
  if (declared > limit) throw bodyTooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of raw) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      raw.destroy();
      throw bodyTooLarge(limit);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function bodyTooLarge(limit: number): OAuthError {
  return new OAuthError('invalid_request', `The request body is larger than ${limit} bytes`, { status: 413 });
}
