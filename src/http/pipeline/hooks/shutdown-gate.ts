/** Once shutdown has begun, new requests get 503 and `Connection: close`, on every route. */
import { OAuthError } from '../../../core/errors.ts';
import type { RequestHook } from '../request-pipeline.ts';

export interface ShutdownGate extends RequestHook {
  /** Refuse every request from now on. */
  close(): void;
}

export function shutdownGateHook(): ShutdownGate {
  let closing = false;
  return {
    name: 'shutdown-gate',
    close() {
      closing = true;
    },
    onRequest() {
      if (closing) {
        throw new OAuthError('temporarily_unavailable', 'The server is shutting down; retry', { status: 503, headers: { connection: 'close' } });
      }
    },
  };
}
