/**
 * A throwaway HTTP server on 127.0.0.1 and an ephemeral port that records
 * every request it receives (method, path, headers, raw body, GET bodies
 * included) and answers with whatever the test's handler says.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  /** Path and query exactly as sent. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface StubReply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  readonly body?: unknown;
  /** Milliseconds to wait before answering, to hold concurrent callers in flight. */
  readonly delay?: number;
}

export type StubHandler = (request: RecordedRequest, index: number) => StubReply | Promise<StubReply>;

export interface StubServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startStub(handler: StubHandler): Promise<StubServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const index = requests.push(recorded) - 1;
      try {
        const reply = await handler(recorded, index);
        if (reply.delay !== undefined) await new Promise((r) => setTimeout(r, reply.delay));
        const isText = typeof reply.body === 'string';
        const body = reply.body === undefined ? '' : isText ? (reply.body as string) : JSON.stringify(reply.body);
        const headers = { ...(reply.body !== undefined && !isText ? { 'content-type': 'application/json' } : {}), ...reply.headers };
        res.writeHead(reply.status ?? 200, headers).end(body);
      } catch (error) {
        res.writeHead(599).end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Decodes a `Basic` Authorization header into its raw `user:pass` text. */
export function decodeBasic(header: string | undefined): string | undefined {
  if (header === undefined || !header.startsWith('Basic ')) return undefined;
  return Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
}
