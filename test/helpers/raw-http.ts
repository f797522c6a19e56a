/**
 * One HTTP/1.1 exchange over a bare TCP socket, for what HTTP clients hide:
 * whether an answer came at all, whether the connection was reset or
 * closed, and when. Bytes go out exactly as given.
 */
import net from 'node:net';

export interface RawExchange {
  /** Everything received, as latin1 (bytes one to one). */
  received: string;
  /** The status of the first response, or undefined when none arrived. */
  status: number | undefined;
  /** The connection was reset (ECONNRESET, EPIPE) rather than closed. */
  reset: boolean;
  /** Nothing ended the connection within `timeoutMs`; the test destroyed it. */
  timedOut: boolean;
  /** Milliseconds from connecting until the connection ended (or the timeout). */
  ms: number;
  /** The socket error's code, if any. */
  error?: string;
}

export interface RawOptions {
  /** Half-close (send FIN) once everything is written. */
  halfClose?: boolean;
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Resolve as soon as a full response head has arrived, without waiting for the close. */
  untilHead?: boolean;
  /** Write the payload in pieces, this many bytes at a time, waiting for each to drain. */
  chunkBytes?: number;
}

/** Sends `payload` to `url`'s host and port and reads until the server closes, resets or the timeout passes. */
export function rawExchange(url: string, payload: string | Buffer | readonly (string | Buffer)[], options: RawOptions = {}): Promise<RawExchange> {
  const { hostname, port } = new URL(url);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const start = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname === 'localhost' ? '127.0.0.1' : hostname.replace(/^\[|\]$/g, ''));
    const chunks: Buffer[] = [];
    let settled = false;
    let reset = false;
    let errorCode: string | undefined;
    const finish = (timedOut: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const received = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(received);
      resolve({ received, status: match ? Number(match[1]) : undefined, reset, timedOut, ms: performance.now() - start, ...(errorCode ? { error: errorCode } : {}) });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      if (options.untilHead && Buffer.concat(chunks).includes('\r\n\r\n')) finish(false);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      errorCode = error.code;
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') reset = true;
      finish(false);
    });
    socket.on('close', () => finish(false));
    socket.on('end', () => finish(false));
    socket.on('connect', async () => {
      const parts = typeof payload === 'string' || Buffer.isBuffer(payload) ? [payload] : payload;
      try {
        for (const part of parts) {
          const buffer = Buffer.isBuffer(part) ? part : Buffer.from(part, 'latin1');
          const step = options.chunkBytes ?? buffer.length;
          for (let i = 0; i < buffer.length && !socket.destroyed; i += step) {
            if (!socket.write(buffer.subarray(i, i + step))) await new Promise<void>((r) => socket.once('drain', () => r()).once('close', () => r()));
          }
        }
        if (options.halfClose && !socket.destroyed) socket.end();
      } catch {
        // The error listener records it.
      }
    });
  });
}

/** A form POST as raw bytes. */
export function formPost(path: string, body: string, headers: Record<string, string> = {}): string {
  const lines = Object.entries({ host: 'localhost', 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)), ...headers }).map(([k, v]) => `${k}: ${v}`);
  return `POST ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n${body}`;
}
