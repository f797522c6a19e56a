/** `tessera serve`: the HTTP server, until SIGTERM or SIGINT; with `--workers N`, a cluster of N. */
import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { runPrimary } from '../../server/cluster/run-primary.ts';
import { ConfigError, SETTINGS, type TesseraConfig } from '../../config/config.ts';
import { prepareKeyEncryption } from '../../server/key-encryption.ts';
import { flagName, type Setting } from '../../config/setting.ts';
import { startServer } from '../../server/start-server.ts';
import { openStore } from '../../store/open-store.ts';
import type { CommandSpec, OptionValues } from '../command-spec.ts';
import { configFrom, parse, runCommand, STORE_OPTION_VALUES, STORE_OPTIONS, UsageError } from '../common.ts';
import { EXIT, type CliIo } from '../io.ts';

/** Every setting that has a flag, by flag name (docs/configuration.md lists them). */
const SETTING_FLAGS = new Map(
  (Object.entries(SETTINGS) as [keyof TesseraConfig, Setting<unknown>][]).flatMap(([key, setting]) => {
    const flag = flagName(key, setting);
    return flag === undefined ? [] : [[flag, key] as const];
  }),
);

const USAGE = `usage: tessera serve [--port N] [--host ADDRESS] [--db PATH|URL] [--workers N] [--config FILE] [--<setting> VALUE ...]
--db is a SQLite file path or a postgres:// URL; the schema is migrated at start-up.
Every setting of docs/configuration.md is also a flag: ${[...SETTING_FLAGS.keys()].filter((f) => !['port', 'host', 'db', 'workers'].includes(f)).map((f) => `--${f}`).join(', ')}.
--workers N runs N server processes on one port (node:cluster); a crashed worker is
restarted with a back-off, and SIGTERM stops them all gracefully.
Environment: TESSERA_CONFIG names the file; each setting has a TESSERA_ variable
(TESSERA_PORT, TESSERA_DB, …). Flags beat the environment, which beats the file.
The server restarts itself once, in place, with node's --max-semi-space-size=8
(a fast token load otherwise grows V8's young generation to its ceiling) and, on glibc
Linux, MALLOC_ARENA_MAX=1 (argon2's 19 MiB blocks stay resident per thread
otherwise). Give either yourself (NODE_OPTIONS, MALLOC_ARENA_MAX) to opt out.
`;

const OPTIONS = {
  ...Object.fromEntries([...SETTING_FLAGS.keys()].map((flag) => [flag, { type: 'string' } as const])),
  ...STORE_OPTIONS,
} as const;

/** The values a setting's flag takes, from its schema: an enumeration's, or a boolean's. */
function settingValues(setting: Setting<unknown>): OptionValues | undefined {
  const schema = setting.schema as { enum?: readonly string[]; type?: string };
  if (schema.enum !== undefined) return schema.enum;
  return schema.type === 'boolean' ? ['true', 'false'] : undefined;
}

export const spec = {
  options: OPTIONS,
  values: {
    ...STORE_OPTION_VALUES,
    ...Object.fromEntries(
      [...SETTING_FLAGS].flatMap(([flag, key]) => {
        const values = settingValues(SETTINGS[key] as Setting<unknown>);
        return values === undefined ? [] : [[flag, values]];
      }),
    ),
  },
} satisfies CommandSpec;

export async function run(args: string[], io: CliIo): Promise<number> {
  return runCommand(io, USAGE, async () => {
    const { values } = parse(args, OPTIONS);
    if (values.help) {
      io.out(USAGE);
      return EXIT.ok;
    }
    const flags: Partial<Record<keyof TesseraConfig, unknown>> = {};
    for (const [flag, key] of SETTING_FLAGS) {
      const value = (values as Record<string, unknown>)[flag];
      if (value === undefined || key === 'database') continue;
      // A bad flag value is a usage mistake: named by its flag, exit 2.
      try {
        flags[key] = (SETTINGS[key] as Setting<unknown>).parse(value, key);
      } catch (error) {
        throw new UsageError(`--${flag} ${(error as Error).message.replace(`configuration: ${key} `, '')}`);
      }
    }
    const config = configFrom(values as { config?: string; db?: string }, io, flags);
    if (config.workers > 1 && cluster.isPrimary) return serveCluster(config, args, io);
    let server;
    try {
      // A cluster worker records metrics for the primary, which serves the whole group's on the management port.
      server = await startServer(config, { metrics: cluster.isWorker && config.metricsPort !== undefined ? 'cluster-worker' : undefined });
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

/** The CLI's entry module, which each worker runs: `main.ts` in the sources, `main.js` in a built package. */
const MAIN_MODULE = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../main.ts' : '../main.js', import.meta.url));

async function serveCluster(config: TesseraConfig, args: string[], io: CliIo): Promise<number> {
  if (config.database === ':memory:') {
    throw new ConfigError('workers', 'above 1 needs a database the workers share (a SQLite file or PostgreSQL), not :memory:');
  }
  // Migrate once, here, before any worker starts: an unreachable database or a
  // schema newer than this build then stops the start with one clear message
  // instead of a crash loop of workers.
  try {
    const store = await openStore(config.database, { poolSize: 1 });
    try {
      // Once, here: the workers then find the key file and every private key sealed.
      const sealing = await prepareKeyEncryption(config, store);
      if (sealing.generated !== undefined) io.err(`tessera serve: generated the key-encryption key that seals the signing keys in the database: ${sealing.generated} (mode 0600); back it up with the database\n`);
    } finally {
      await store.close();
    }
  } catch (error) {
    io.err(`tessera serve: cannot start: ${(error as Error).message}\n`);
    return EXIT.failure;
  }
  return runPrimary({
    workers: config.workers,
    exec: MAIN_MODULE,
    args: ['serve', ...args],
    env: io.env,
    stopSignal: io.stopSignal,
    stopTimeoutMs: config.shutdownTimeoutMs + 5000,
    write: io.out,
    forwardHangup: config.tlsCert !== undefined,
    management: config.metricsPort === undefined ? undefined : { host: config.metricsHost, port: config.metricsPort, token: config.metricsToken },
  });
}
