/**
 * Runs Tessera as a server: opens the store, composes the services, makes
 * sure the default tenant exists, builds the app, listens, purges expired
 * tokens periodically, and shuts down gracefully (stop accepting, let
 * in-flight requests finish, stop the purger, close the database).
 */
import cluster from 'node:cluster';
import type { FastifyInstance } from 'fastify';
import type { TesseraConfig } from '../config/config.ts';
import { systemClock, type Clock } from '../core/clock.ts';
import type { RateLimitStore } from '../core/ports/rate-limits.ts';
import { buildApp } from '../http/app.ts';
import { rateLimitHook } from '../http/pipeline/hooks/rate-limit.ts';
import { tokenRoutes } from '../http/form-endpoints.ts';
import { displayDatabase, openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { issuerMismatch } from './advertised-issuer.ts';
import { ensureDefaultTenant, followServerUrl } from './bootstrap.ts';
import { packageVersion } from './package-version.ts';
import { createTessera, type RateLimitOptions, type Tessera } from './compose.ts';
import { openRateLimitStore } from './rate-limit-store.ts';
import { RefusalLog } from './refusal-log.ts';
import { startTokenPurger } from './token-purger.ts';

export interface RunningServer {
  /** Base URL it listens on, e.g. `http://127.0.0.1:8080`. */
  url: string;
  app: FastifyInstance;
  tessera: Tessera;
  /** Graceful stop; idempotent. */
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  /** An already-open store (tests, embedding); otherwise `config.database` is opened. */
  store?: Store;
  /** How often refusals by the rate limits and the argon2 queue are summed up in one log line; default 10 s. */
  refusalLogIntervalMs?: number;
}

/** The composition a configuration asks for, over `store` (and the rate-limit store, in this process's memory by default). */
export function tesseraFor(
  config: TesseraConfig,
  store: Store,
  clock: Clock = systemClock,
  rateLimits: Omit<RateLimitOptions, 'rules' | 'failOpen'> = {},
  onArgon2Shed?: (share: string) => void,
): Tessera {
  return createTessera({
    store,
    clock,
    defaultTenantId: config.defaultTenant,
    keyPrePublicationSeconds: config.keyPrePublicationSeconds,
    keys: { refreshMs: config.keyRefreshSeconds * 1000 },
    argon2: { concurrency: config.argon2Concurrency, maxQueued: config.argon2MaxQueued },
    rateLimits: { ...rateLimits, rules: config.rateLimits, failOpen: config.rateLimitFailOpen },
    onArgon2Shed,
  });
}

export async function startServer(config: TesseraConfig, options: StartOptions = {}): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  // The pool reports dropped idle connections before the app (and its logger) exists.
  let logBackgroundError = (_error: Error) => {};
  // The rate limits report through the app's logger, which exists only once the app is built.
  let log: FastifyInstance['log'] | undefined;
  const refusals = new RefusalLog({
    intervalMs: options.refusalLogIntervalMs ?? 10_000,
    write: (fields) => log?.warn(fields, 'requests refused by rate limits and sign-in shares'),
  });
  const opened =
    options.store === undefined
      ? await openStore(config.database, {
          poolSize: config.databasePoolSize,
          checkpointIntervalMs: config.sqliteCheckpointIntervalMs,
          onBackgroundError: (error) => logBackgroundError(error),
        })
      : undefined;
  const store = options.store ?? opened!;
  let rateLimitStore: RateLimitStore | undefined;
  try {
    rateLimitStore = await openRateLimitStore(config, {
      clock,
      // The client reconnects by itself; the limiter reports the outage once, from the checks that fail.
      onConnectionError: () => {},
    });
    const tessera = tesseraFor(config, store, clock, {
      store: rateLimitStore,
      onRefused: (rule) => refusals.count(rule),
      onStoreChange: (available, error) => {
        if (available) log?.info({ rateLimitStore: rateLimitStore!.kind }, 'rate-limit store answers again');
        else log?.error({ rateLimitStore: rateLimitStore!.kind, err: String(error), failOpen: config.rateLimitFailOpen },
          config.rateLimitFailOpen ? 'rate-limit store unavailable: requests pass unchecked until it is back' : 'rate-limit store unavailable: limited requests are refused (503) until it is back');
      },
    }, () => refusals.count('argon2-queue'));
    const app = await buildApp({
      services: tessera.services,
      tokenRoutes: tokenRoutes(config.tokenEndpoints),
      bodyLimitBytes: config.bodyLimitBytes,
      logLevel: config.logLevel,
      clientAddresses: { trustedProxies: config.trustedProxies, header: config.forwardedHeader },
      console: config.console,
      version: packageVersion(),
      corsOrigins: config.corsOrigins,
      hooks: [rateLimitHook({ limiter: tessera.rateLimiter, rules: tessera.rateLimitRules })],
    });
    log = app.log;
    if (cluster.isWorker && rateLimitStore.kind === 'memory') {
      app.log.warn('rate limits are kept per worker process (rateLimitStore: memory): each worker allows the full limit; set rateLimitStore to a redis:// URL for limits that hold across workers');
    }
    // PostgreSQL: an idle pooled connection dropped (the pool reconnects on demand); SQLite: a background checkpoint failed (the next pass retries).
    logBackgroundError = (error) => app.log.warn({ err: error.message, store: store.kind }, 'background database work failed; it recovers by itself');
    const address = await app.listen({ host: config.host, port: config.port });
    const url = address.replace('[::1]', 'localhost');
    // Set up after binding, so a default tenant created on `--port 0` gets the port actually bound in its issuer.
    // Only a brand-new database lacks it, and that has no clients a request could use meanwhile.
    const bound = { ...config, port: Number(new URL(url).port) || config.port };
    const system = { actor: 'system:serve' };
    const { tenant: defaultTenant, created } = await ensureDefaultTenant(bound, tessera.admin, system);
    if (created) app.log.warn({ tenant: config.defaultTenant }, "created the default tenant; run 'tessera init' for an admin client");
    for (const moved of await followServerUrl(bound, tessera.admin, system)) {
      app.log.info({ tenant: moved.id, issuer: moved.issuer }, "the tenant's issuer follows this server's URL: updated");
    }
    const advertised = (await tessera.admin.tenants.find(defaultTenant.id)) ?? defaultTenant;
    const mismatch = issuerMismatch(advertised.issuer, url, config.publicUrl);
    if (mismatch !== undefined) {
      app.log.warn(
        { tenant: advertised.id, issuer: advertised.issuer, listening: url, publicUrl: config.publicUrl },
        `the default tenant's issuer ${mismatch}: clients following its metadata, and resource servers checking iss, expect the server there. ` +
          `Set publicUrl to the URL clients use, or run 'tessera tenants update ${advertised.id} --issuer URL'`,
      );
    }
    // Generate or load signing keys before announcing readiness, not during the first request.
    for (const tenant of await store.tenants.listTenants()) await tessera.keys.activeKey(tenant);
    const database = opened === undefined ? undefined : displayDatabase(config.database);
    // A database this start created is worth a look: a mistyped --db makes an empty installation.
    if (opened?.migration.from === 0) app.log.warn({ database }, 'created a new database');
    app.log.info({ url, store: store.kind, database }, 'listening');
    const purger = startTokenPurger({
      tokens: store.tokens,
      clock,
      intervalMs: config.purgeIntervalMs,
      batchSize: config.purgeBatchSize,
      onRun: (deleted) => {
        if (deleted > 0) app.log.info({ deleted }, 'purged expired tokens');
      },
      onError: (error) => app.log.warn({ err: String(error) }, 'token purge failed; retrying at the next interval'),
    });
    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        const timer = setTimeout(() => app.server.closeAllConnections(), config.shutdownTimeoutMs);
        try {
          await app.close();
        } finally {
          clearTimeout(timer);
          await purger.stop();
          refusals.flush();
          await rateLimitStore!.close();
          await store.close();
        }
      })());
    return { url, app, tessera, close };
  } catch (error) {
    await rateLimitStore?.close();
    if (options.store === undefined) await store.close();
    throw error;
  }
}
