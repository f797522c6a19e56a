/** `tessera serve`: the HTTP server, until SIGTERM or SIGINT; with `--workers N`, a cluster of N. */
import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { runPrimary } from '../../cluster/run-primary.ts';
import { ConfigError, type TesseraConfig } from '../../config/config.ts';
import { startServer } from '../../http/server.ts';
import { openStore } from '../../store/open-store.ts';
import { configFrom, integerFlag, parse, runCommand, STORE_OPTIONS } from '../common.ts';
import { EXIT, type CliIo } from '../io.ts';

const USAGE = `usage: tessera serve [--port N] [--host ADDRESS] [--db PATH|URL] [--workers N] [--config FILE]
--db is a SQLite file path or a postgres:// URL; the schema is migrated at start-up.
--workers N runs N server processes on one port (node:cluster); a crashed worker is
restarted with a back-off, and SIGTERM stops them all gracefully.
Environment: TESSERA_PORT, TESSERA_HOST, TESSERA_DB, TESSERA_WORKERS, TESSERA_CONFIG,
TESSERA_PUBLIC_URL, TESSERA_LOG_LEVEL, TESSERA_DEFAULT_TENANT. Flags beat the
environment, which beats the file.
The server restarts itself once, in place, with node's --max-semi-space-size=8
(a fast token load otherwise keeps 75 MB more young generation) and, on glibc
Linux, MALLOC_ARENA_MAX=1 (argon2's 19 MiB blocks stay resident per thread
otherwise). Give either yourself (NODE_OPTIONS, MALLOC_ARENA_MAX) to opt out.
`;

const OPTIONS = { ...STORE_OPTIONS, port: { type: 'string' }, host: { type: 'string' }, workers: { type: 'string' } } as const;

export async function run(args: string[], io: CliIo): Promise<number> {
  return runCommand(io, USAGE, async () => {
    const { values } = parse(args, OPTIONS);
    if (values.help) {
      io.out(USAGE);
      return EXIT.ok;
    }
    const config = configFrom(values, io, {
      port: integerFlag(values.port, 'port'),
      host: values.host,
      workers: integerFlag(values.workers, 'workers'),
    });
    if (config.workers > 1 && cluster.isPrimary) return serveCluster(config, args, io);
    let server;
    try {
      server = await startServer(config);
    } catch (error) {
      io.err(`tessera serve: cannot start: ${(error as Error).message}\n`);
      return EXIT.failure;
    }
    const signal = await io.stopSignal;
    server.app.log.info({ signal }, 'shutting down');
    await server.close();
    // A cluster worker's channel to the primary would keep it alive; closing it lets the process end.
    cluster.worker?.disconnect();
    return EXIT.ok;
  });
}

async function serveCluster(config: TesseraConfig, args: string[], io: CliIo): Promise<number> {
  if (config.database === ':memory:') {
    throw new ConfigError('workers', 'above 1 needs a database the workers share (a SQLite file or PostgreSQL), not :memory:');
  }
  // Migrate once, here, before any worker starts: an unreachable database or a
  // schema newer than this build then stops the start with one clear message
  // instead of a crash loop of workers.
  try {
    await (await openStore(config.database, { poolSize: 1 })).close();
  } catch (error) {
    io.err(`tessera serve: cannot start: ${(error as Error).message}\n`);
    return EXIT.failure;
  }
  return runPrimary({
    workers: config.workers,
    exec: fileURLToPath(new URL('../main.ts', import.meta.url)),
    args: ['serve', ...args],
    env: io.env,
    stopSignal: io.stopSignal,
    stopTimeoutMs: config.shutdownTimeoutMs + 5000,
    write: io.out,
  });
}
