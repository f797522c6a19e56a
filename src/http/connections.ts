/**
 * What the HTTP server does with connections before and after requests, so
 * that every request gets an answer or a close within the configured
 * timeouts, and an answer is never lost to a reset:
 *
 * - a client that half-closes after sending (shutdown of its write side)
 *   still gets its answer, and the connection ends after it;
 * - a connection closed by the server after an answer (`Connection: close`:
 *   a 413, a 431, a parse error) is closed gently: the answer is written, a
 *   FIN sent, and what the client still sends is read and dropped for a
 *   bounded time before the socket is destroyed. Destroying it with unread
 *   input makes the kernel send a reset, and a client that receives the reset
 *   before it read the answer loses the answer;
 * - `CONNECT` gets 405 with `Allow`;
 * - an `Upgrade` is ignored (RFC 9110 §7.8 lets a server do so): the request
 *   is served as the HTTP/1.1 request it also is, so an endpoint answers it as
 *   any other, and a malformed body after it is bounded by the request timeout
 *   like any other;
 * - timeouts are checked every second, so `requestTimeoutMs` and
 *   `headersTimeoutMs` end a connection at most a second late.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** How long a gently closed connection's remaining input is read and dropped before the socket is destroyed. */
export const DRAIN_MS = 3000;
/** How often Node checks requests against requestTimeout and headersTimeout (its default is 30 s, which would let a 30 s timeout last nearly a minute). */
export const CONNECTIONS_CHECKING_INTERVAL_MS = 1000;

/** The methods some route of Tessera serves, for the `Allow` of a refused `CONNECT`. */
const ALLOWED = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';

const closing = new WeakSet<Duplex>();
const noop = () => {};

/**
 * Ends `socket` after what has been written, then reads and drops its input
 * until the client closes too or {@link DRAIN_MS} passes, then destroys it.
 */
export function closeGently(socket: Duplex): void {
  if (socket.destroyed || closing.has(socket)) return;
  closing.add(socket);
  socket.on('error', noop);
  socket.end();
  socket.on('data', noop);
  socket.resume();
  const timer = setTimeout(() => socket.destroy(), DRAIN_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/** Writes a complete HTTP/1.1 answer with an RFC 6749 §5.2 body straight to `socket`, with `Connection: close`. */
function writeRaw(socket: Duplex, status: number, reason: string, description: string, extra = ''): void {
  const body = JSON.stringify({ error: 'invalid_request', error_description: description });
  socket.write(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncache-control: no-store\r\n${extra}connection: close\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'The request headers are too large'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'Content Too Large', 'The chunk extensions are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'The request was not received in time'],
};

/**
 * Answers a request Node's parser refused (malformed, headers too large) or
 * that timed out, then closes the connection: gently, unless it timed out
 * (a client too slow to send its request gets no more time to drain).
 * Fastify's `clientErrorHandler`, in place of its default, which destroys the
 * socket at once.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || closing.has(socket)) return;
  const [status, reason, description] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'Bad Request', 'The request is not valid HTTP/1.1'];
  const inProgress = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && inProgress?.headersSent !== true) writeRaw(socket, status, reason, description);
  if (status === 408) {
    closing.add(socket);
    socket.end();
    socket.once('finish', () => socket.destroy());
  } else {
    closeGently(socket);
  }
}

/** Server options for `http.createServer` / `https.createServer` with these timeouts. */
export function serverOptions(timeouts: { requestTimeoutMs: number; headersTimeoutMs: number; keepAliveTimeoutMs: number }) {
  return {
    requestTimeout: timeouts.requestTimeoutMs,
    headersTimeout: timeouts.headersTimeoutMs,
    keepAliveTimeout: timeouts.keepAliveTimeoutMs,
    connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS,
    // Every Upgrade is declined: the request is served as plain HTTP/1.1 (Node 24.9+).
    shouldUpgradeCallback: () => false,
  };
}

/** Installs the half-close, gentle-close and CONNECT handling on `server` (`secure`: an https.Server, whose requests ride TLS sockets). */
export function manageConnections(server: Server, secure: boolean): void {
  // Node's default ends the connection as soon as the client half-closes, dropping an answer still being prepared.
  (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  // Node closes a connection after an answer with `Connection: close` through destroySoon; make that gentle.
  server.on(secure ? 'secureConnection' : 'connection', (socket: Socket) => {
    socket.destroySoon = () => closeGently(socket);
  });
  server.on('connect', (_request, socket: Duplex) => {
    socket.on('error', noop);
    writeRaw(socket, 405, 'Method Not Allowed', 'CONNECT is not supported', `allow: ${ALLOWED}\r\n`);
    closeGently(socket);
  });
}
