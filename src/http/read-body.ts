import type { IncomingMessage } from 'node:http';
import { OAuthError } from '../core/errors.ts';

/**
 * Reads a request body (whatever the method: seed 003 sends its form with
 * GET), refusing more than `limit` bytes with 413 as soon as the limit is
 * passed, declared or not. Listeners rather than async iteration: this runs
 * on every token request, and the iterator's promise per chunk costs more
 * than the rest of the read.
 */
export function readRequestBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = request.headers['content-length'];
    if (declared !== undefined && Number(declared) > limit) {
      reject(bodyTooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        settle();
        // Read and drop the rest: the 413 goes out with `Connection: close`, and the connection is
        // closed gently (connections.ts), so the client reads the answer instead of a reset.
        request.resume();
        reject(bodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      settle();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      settle();
      reject(new OAuthError('invalid_request', 'The request body could not be read', { detail: error.message }));
    };
    // A connection closed before the body ended (client gone, request timeout).
    const onClose = () => onError(new Error('connection closed before the request body ended'));
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}

export function bodyTooLarge(limit: number): OAuthError {
  return new OAuthError('invalid_request', `The request body is larger than ${limit} bytes`, {
    status: 413,
    headers: { connection: 'close' },
  });
}
