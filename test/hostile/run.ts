/**
 * Sends the hostile generator's requests (generator.ts) to a running Tessera
 * over raw sockets and records what came back: each answer's status, 5xx
 * answers (with the case that drew them, to replay by seed and index),
 * connections reset before any answer, and exchanges the server neither
 * answered nor closed within its own timeouts.
 *
 * As a command it starts its own `tessera serve` (SQLite, PostgreSQL, or
 * SQLite under `--workers 2`) and exits 1 on any 5xx or timeout:
 *
 *   npm run hostile -- --count 100000 [--seed 1] [--store sqlite,postgres,workers] [--concurrency 32]
 *
 * PostgreSQL needs TESSERA_TEST_POSTGRES_URL (a fresh schema is made and dropped).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runCli } from '../helpers/cli.ts';
import { createTestSchema } from '../helpers/postgres.ts';
import { startServe, type TesseraProcess } from '../helpers/spawn-tessera.ts';
import { HostileGenerator, type Credentials, type HostileRequest } from './generator.ts';

export interface HostileSummary {
  requests: number;
  /** Answers by status class (`2xx` … `5xx`), and exchanges with none. */
  byClass: Record<string, number>;
  fiveXx: { index: number; kind: string; status: number; head: string }[];
  /** Connections reset before any answer arrived. */
  resets: number;
  /** Connections reset after an answer (the client was still sending): counted, not failures. */
  resetsAfterAnswer: number;
  /** Neither answered nor closed within the exchange timeout. */
  timeouts: { index: number; kind: string }[];
  /** Closed with no answer at all (a request that never became one, such as a few random bytes then FIN), by generating case. */
  closedWithoutAnswer: number;
  closedWithoutAnswerByKind: Record<string, number>;
  seconds: number;
}

interface Outcome {
  statuses: number[];
  reset: boolean;
  timedOut: boolean;
  head: string;
}

/** Reads until the first final response is complete (by Content-Length or chunked end), the connection ends, or `timeoutMs`. */
function exchange(host: string, port: number, request: HostileRequest, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    let received = Buffer.alloc(0);
    let settled = false;
    let reset = false;
    const head = request.parts[0]!.subarray(0, 80).toString('latin1');
    const finish = (timedOut: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = received.toString('latin1');
      const statuses = [...text.matchAll(/(?:^|\r\n)HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1]));
      resolve({ statuses, reset, timedOut, head });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    const complete = (): boolean => {
      let offset = 0;
      for (;;) {
        const end = received.indexOf('\r\n\r\n', offset);
        if (end === -1) return false;
        const headText = received.subarray(offset, end).toString('latin1');
        const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(headText)?.[1]);
        if (!Number.isFinite(status)) return false;
        const bodyStart = end + 4;
        if (status < 200) {
          offset = bodyStart;
          continue;
        }
        if (status === 204 || status === 304 || /^HEAD /.test(head)) return true;
        const length = /\r\ncontent-length: *(\d+)/i.exec(headText);
        if (length) return received.length - bodyStart >= Number(length[1]);
        if (/\r\ntransfer-encoding: *chunked/i.test(headText)) return received.indexOf('\r\n0\r\n\r\n', bodyStart - 2) !== -1;
        return false; // ends with the connection
      }
    };
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (complete()) finish(false);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') reset = true;
      finish(false);
    });
    socket.on('close', () => finish(false));
    socket.on('connect', async () => {
      try {
        for (const part of request.parts) {
          if (socket.destroyed) return;
          if (!socket.write(part)) await new Promise<void>((r) => socket.once('drain', r).once('close', r));
        }
        if (request.halfClose && !socket.destroyed) socket.end();
      } catch {
        // recorded by the error listener
      }
    });
  });
}

/** Runs `count` generated requests against `url`, `concurrency` at a time. */
export async function runHostile(options: { url: string; count: number; seed: number; credentials: Credentials; concurrency?: number; timeoutMs: number; onProgress?: (done: number) => void }): Promise<HostileSummary> {
  const { hostname, port } = new URL(options.url);
  const host = hostname === 'localhost' ? '127.0.0.1' : hostname.replace(/^\[|\]$/g, '');
  const generator = new HostileGenerator(options.seed, options.credentials);
  const summary: HostileSummary = { requests: 0, byClass: {}, fiveXx: [], resets: 0, resetsAfterAnswer: 0, timeouts: [], closedWithoutAnswer: 0, closedWithoutAnswerByKind: {}, seconds: 0 };
  const start = performance.now();
  let index = 0;
  const worker = async () => {
    while (index < options.count) {
      const mine = index++;
      const request = generator.next();
      const outcome = await exchange(host, Number(port), request, options.timeoutMs);
      summary.requests++;
      const final = outcome.statuses.filter((s) => s >= 200);
      const cls = final.length === 0 ? 'none' : `${Math.floor(final[0]! / 100)}xx`;
      summary.byClass[cls] = (summary.byClass[cls] ?? 0) + 1;
      for (const status of final) if (status >= 500) summary.fiveXx.push({ index: mine, kind: request.kind, status, head: outcome.head });
      if (outcome.timedOut) summary.timeouts.push({ index: mine, kind: request.kind });
      else if (outcome.reset && final.length === 0) summary.resets++;
      else if (outcome.reset) summary.resetsAfterAnswer++;
      else if (final.length === 0) {
        summary.closedWithoutAnswer++;
        summary.closedWithoutAnswerByKind[request.kind] = (summary.closedWithoutAnswerByKind[request.kind] ?? 0) + 1;
      }
      if (summary.requests % 1000 === 0) options.onProgress?.(summary.requests);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
  summary.seconds = Math.round((performance.now() - start) / 100) / 10;
  return summary;
}

/** The timeouts the hostile runs give `serve`: short, so incomplete requests end quickly, and the exchange timeout that follows from them. */
export const HOSTILE_SERVE_ARGS = ['--request-timeout-ms', '3000', '--headers-timeout-ms', '3000', '--keep-alive-timeout-ms', '1000'];
/** requestTimeoutMs, plus the one-second check interval, the 3 s drain of a gentle close, and slack for a loaded machine. */
export const HOSTILE_EXCHANGE_TIMEOUT_MS = 3000 + 1000 + 3000 + 3000;

export type HostileStore = 'sqlite' | 'postgres' | 'workers';

/** Starts `serve` on a fresh database of `store`, with a client, an admin token and a few issued tokens for the generator. */
export async function startHostileTarget(store: HostileStore, dir: string): Promise<{ server: TesseraProcess & { url: string }; credentials: Credentials; close(): Promise<void> }> {
  const schema = store === 'postgres' ? await createTestSchema() : undefined;
  const db = schema?.url ?? join(dir, `${store}.db`);
  const adminSecret = (JSON.parse((await runCli(['init', '--db', db])).stdout) as { clientSecret: string }).clientSecret;
  const clientSecret = (JSON.parse((await runCli(['clients', 'create', 'svc', '--db', db])).stdout) as { clientSecret: string }).clientSecret;
  const server = await startServe(['--db', db, ...HOSTILE_SERVE_ARGS, ...(store === 'workers' ? ['--workers', '2'] : [])], { TESSERA_REQUEST_LOG_LEVEL: 'debug', TESSERA_LOG_LEVEL: 'info' });
  const token = async (id: string, secret: string, body: string) => {
    const res = await fetch(`${server.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` }, body });
    return ((await res.json()) as { access_token: string }).access_token;
  };
  const tokens: string[] = [];
  for (let i = 0; i < 20; i++) tokens.push(await token('svc', clientSecret, 'grant_type=client_credentials'));
  const adminToken = await token('admin', adminSecret, 'grant_type=client_credentials&scope=admin');
  return {
    server,
    credentials: { clientId: 'svc', clientSecret, adminToken, tokens },
    async close() {
      await server.stop();
      await schema?.drop();
    },
  };
}

/** Server log lines at error level or above (a 5xx or a failure the server noticed). */
export function errorLines(server: TesseraProcess): string[] {
  return server.lines.filter((l) => typeof l.level === 'number' && l.level >= 50).map((l) => `${l.msg} ${String(l.err ?? '')}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '1' },
      store: { type: 'string', default: 'sqlite' },
      concurrency: { type: 'string', default: '32' },
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'tessera-hostile-'));
  let failed = false;
  try {
    for (const store of values.store.split(',') as HostileStore[]) {
      const target = await startHostileTarget(store, dir);
      try {
        const summary = await runHostile({
          url: target.server.url, count: Number(values.count), seed: Number(values.seed), credentials: target.credentials,
          concurrency: Number(values.concurrency), timeoutMs: HOSTILE_EXCHANGE_TIMEOUT_MS,
          onProgress: (done) => process.stderr.write(`\r${store}: ${done}`),
        });
        process.stderr.write('\n');
        const errors = errorLines(target.server);
        const alive = target.server.child.exitCode === null;
        console.log(JSON.stringify({ store, seed: Number(values.seed), ...summary, fiveXx: summary.fiveXx.slice(0, 20), fiveXxCount: summary.fiveXx.length, timeouts: summary.timeouts.slice(0, 20), timeoutCount: summary.timeouts.length, errorLogLines: errors.length, errorLogSample: errors.slice(0, 5), serverAlive: alive }, null, 2));
        if (summary.fiveXx.length > 0 || summary.timeouts.length > 0 || !alive) failed = true;
      } finally {
        await target.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.exitCode = failed ? 1 : 0;
}

if (import.meta.main) await main();
