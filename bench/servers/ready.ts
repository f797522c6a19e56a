/** The one line a bench server prints on stdout once it listens, for the harness to read. */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

export function announce(server: Server, extra: Record<string, unknown> = {}): void {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ ready: true, url: `http://127.0.0.1:${port}`, ...extra })}\n`);
}

/** Stops on SIGTERM/SIGINT after closing the listener, so `--cpu-prof` files are written. */
export function stopOnSignal(server: Server): void {
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** Reads a request body into a Buffer. */
export function readBody(req: import('node:http').IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
