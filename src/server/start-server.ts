/**
 * Runs Tessera as a server: opens the store, composes the services, makes
 * sure the default tenant exists, builds the app, listens (HTTP or HTTPS),
 * opens the management listener when metrics are asked for, purges expired
 * tokens periodically, and shuts down gracefully (stop accepting, let
 * in-flight requests finish, stop the purger, close the database).
 */
import cluster from 'node:cluster';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server as TlsServer } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import type { TesseraConfig } from '../config/config.ts';
import { ActivityCounter } from '../core/activity-counter.ts';
import { systemClock, type Clock } from '../core/clock.ts';
import type { RateLimitStore } from '../core/ports/rate-limits.ts';
import { buildApp } from '../http/app.ts';
import { tokenRoutes } from '../http/form-endpoints.ts';
import { activityHook } from '../http/pipeline/hooks/activity.ts';
import { metricsHook } from '../http/pipeline/hooks/metrics.ts';
import { rateLimitHook } from '../http/pipeline/hooks/rate-limit.ts';
import { tracingHook } from '../http/pipeline/hooks/tracing.ts';
import type { RequestHook } from '../http/pipeline/request-pipeline.ts';
import type { MetricsRegistry } from '../runtime/metrics.ts';
import { tracingEnabled } from '../runtime/tracing.ts';
import { displayDatabase, openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { startActivityFlusher } from './activity-flusher.ts';
import { issuerMismatch } from './advertised-issuer.ts';
import { ensureDefaultTenant, followServerUrl } from './bootstrap.ts';
import { createTessera, type RateLimitOptions, type Tessera } from './compose.ts';
import type { KeyEncryption } from '../core/ports/key-encryption.ts';
import { keyEncryptionConfigured, prepareKeyEncryption } from './key-encryption.ts';
import { postgresQueryObserver } from './observability/instrument-store.ts';
import { startManagementListener, type ManagementListener } from './observability/management-listener.ts';
import { PrometheusMetrics } from './observability/prometheus.ts';
import { packageVersion } from './package-version.ts';
import { openRateLimitStore } from './rate-limit-store.ts';
import { RefusalLog } from './refusal-log.ts';
import { readTlsMaterial, startTlsReloader, type TlsReloader } from './tls-reloader.ts';
import { startTokenPurger } from './token-purger.ts';

export interface RunningServer {
  /** Base URL it listens on, e.g. `http://127.0.0.1:8080` (`https://` with a certificate). */
  url: string;
  /** Base URL of the management listener (metrics, health), when one runs. */
  managementUrl: string | undefined;
  app: FastifyInstance;
  tessera: Tessera;
  /** Reads the certificate and key again and serves them to new connections (HTTPS only; also on SIGHUP and file change). */
  reloadTls(): Promise<boolean>;
  /** Adds the activity counted so far to the store now (otherwise every `activityFlushMs`). */
  flushActivity(): Promise<void>;
  /** Graceful stop; idempotent. */
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  /** An already-open store (tests, embedding); otherwise `config.database` is opened. */
  store?: Store;
  /**
   * Further request hooks, run after Tessera's tracing, metrics, activity and
   * rate-limit hooks; as a function, given the registry they may record
   * metrics in (a no-op one when metrics are off).
   */
  hooks?: readonly RequestHook[] | ((metrics: MetricsRegistry) => readonly RequestHook[]);
  /**
   * Serve metrics from this process (the default when `metricsPort` is set),
   * or only record them for a cluster primary that serves every worker's
   * (`cluster-worker`).
   */
  metrics?: 'serve' | 'cluster-worker';
  /** How often refusals by the rate limits and the argon2 queue are summed up in one log line; default 10 s. */
  refusalLogIntervalMs?: number;
}

export interface CompositionOptions {
  clock?: Clock;
  /** Where rate-limit buckets live, and who hears of refusals and outages (default this process's memory). */
  rateLimits?: Omit<RateLimitOptions, 'rules' | 'failOpen'>;
  onArgon2Shed?: (share: string) => void;
  metrics?: MetricsRegistry;
  /** The installation's key-encryption key (prepareKeyEncryption); default a key of this process alone. */
  keyEncryption?: KeyEncryption;
}

/** The composition a configuration asks for, over `store`. */
export function tesseraFor(config: TesseraConfig, store: Store, options: CompositionOptions = {}): Tessera {
  return createTessera({
    store,
    clock: options.clock ?? systemClock,
    defaultTenantId: config.defaultTenant,
    keyPrePublicationSeconds: config.keyPrePublicationSeconds,
    keys: { refreshMs: config.keyRefreshSeconds * 1000 },
    argon2: { concurrency: config.argon2Concurrency, maxQueued: config.argon2MaxQueued },
    rateLimits: { ...options.rateLimits, rules: config.rateLimits, failOpen: config.rateLimitFailOpen },
    onArgon2Shed: options.onArgon2Shed,
    metrics: options.metrics,
    keyEncryption: options.keyEncryption,
  });
}

function extraHooks(hooks: StartOptions['hooks'], metrics: MetricsRegistry): readonly RequestHook[] {
  return typeof hooks === 'function' ? hooks(metrics) : (hooks ?? []);
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
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
  const migrations: { version: number; name: string }[] = [];
  const prometheus = config.metricsPort !== undefined || options.metrics === 'cluster-worker' ? new PrometheusMetrics() : undefined;
  const opened =
    options.store === undefined
      ? await openStore(config.database, {
          poolSize: config.databasePoolSize,
          queryTimeoutMs: config.databaseQueryTimeoutMs,
          durability: config.durability,
          checkpointIntervalMs: config.sqliteCheckpointIntervalMs,
          onBackgroundError: (error) => logBackgroundError(error),
          onMigration: (migration) => migrations.push(migration),
          onQuery: prometheus === undefined ? undefined : postgresQueryObserver(prometheus),
        })
      : undefined;
  const store = options.store ?? opened!;
  const cleanups: (() => Promise<void> | void)[] = [];
  let rateLimitStore: RateLimitStore | undefined;
  try {
    rateLimitStore = await openRateLimitStore(config, {
      clock,
      // The client reconnects by itself; the limiter reports the outage once, from the checks that fail.
      onConnectionError: () => {},
    });
    if (options.metrics === 'cluster-worker') prometheus?.shareWithClusterPrimary();
    // Before any key is used: the installation's key-encryption key opens every stored private half, and plaintext ones
    // (from before sealing) are sealed now. An embedder's own store without a configured key gets one for this process.
    const sealing = options.store === undefined || keyEncryptionConfigured(config) ? await prepareKeyEncryption(config, store) : undefined;
    const limitStore = rateLimitStore;
    const tessera = tesseraFor(config, store, {
      clock,
      metrics: prometheus,
      rateLimits: {
        store: limitStore,
        onRefused: (rule) => refusals.count(rule),
        onStoreChange: (available, error) => {
          if (available) log?.info({ rateLimitStore: limitStore.kind }, 'rate-limit store answers again');
          else log?.error({ rateLimitStore: limitStore.kind, err: String(error), failOpen: config.rateLimitFailOpen },
            config.rateLimitFailOpen ? 'rate-limit store unavailable: requests pass unchecked until it is back' : 'rate-limit store unavailable: limited requests are refused (503) until it is back');
        },
      },
      onArgon2Shed: () => refusals.count('argon2-queue'),
      keyEncryption: sealing?.kek,
    });
    const activity = new ActivityCounter();
    const tls = config.tlsCert === undefined || config.tlsKey === undefined ? undefined : { cert: config.tlsCert, key: config.tlsKey };
    const app = await buildApp({
      services: tessera.services,
      tokenRoutes: tokenRoutes(config.tokenEndpoints),
      bodyLimitBytes: config.bodyLimitBytes,
      timeouts: { requestTimeoutMs: config.requestTimeoutMs, headersTimeoutMs: config.headersTimeoutMs, keepAliveTimeoutMs: config.keepAliveTimeoutMs },
      logLevel: config.logLevel,
      clientAddresses: { trustedProxies: config.trustedProxies, header: config.forwardedHeader },
      console: config.console,
      version: packageVersion(),
      corsOrigins: config.corsOrigins,
      requestLog: { level: config.requestLogLevel, sampleEvery: config.requestLogSampleEvery },
      tls: tls === undefined ? undefined : await readTlsMaterial(tls),
      // An SDK is registered before start (an --import file); without one, requests pay for no tracing hook.
      hooks: [
        ...(tracingEnabled() ? [tracingHook()] : []),
        ...(prometheus === undefined ? [] : [metricsHook(prometheus)]),
        activityHook(activity, clock),
        rateLimitHook({ limiter: tessera.rateLimiter, rules: tessera.rateLimitRules }),
        ...extraHooks(options.hooks, tessera.metrics),
      ],
    });
    log = app.log;
    // The migrations ran before the logger existed; each gets its line now, in order.
    for (const migration of migrations) app.log.info({ version: migration.version, name: migration.name }, 'migration applied');
    if (sealing?.generated !== undefined) {
      app.log.warn({ keyEncryptionKeyFile: sealing.generated },
        'generated the key-encryption key that seals the signing keys in the database (mode 0600): back it up with the database, which is useless without it; or set keyEncryptionKey / keyEncryptionKeyFile');
    }
    if (sealing !== undefined && sealing.report.sealed > 0) {
      app.log.info({ sealed: sealing.report.sealed, keyEncryptionKey: sealing.kek.id }, 'sealed private signing keys stored in plaintext under the key-encryption key');
    }
    if (cluster.isWorker && limitStore.kind === 'memory') {
      app.log.warn('rate limits are kept per worker process (rateLimitStore: memory): each worker allows the full limit; set rateLimitStore to a redis:// URL for limits that hold across workers');
    }
    // PostgreSQL: an idle pooled connection dropped (the pool reconnects on demand); SQLite: a background checkpoint failed (the next pass retries).
    logBackgroundError = (error) => app.log.warn({ err: error.message, store: store.kind }, 'background database work failed; it recovers by itself');
    // Listening here rather than through app.listen, which logs a line of its own per address.
    await app.ready();
    const server = app.server;
    const serverClosed = () => new Promise<void>((resolve) => server.close(() => resolve()));
    const bound = await listen(server, config.host, config.port);
    cleanups.push(serverClosed);
    const scheme = tls === undefined ? 'http' : 'https';
    const host = bound.address.includes(':') ? `[${bound.address}]` : bound.address;
    // An address that listens everywhere is named by the loopback one, which reaches it from this machine.
    const url = `${scheme}://${host === '[::1]' || host === '[::]' ? 'localhost' : host === '0.0.0.0' ? '127.0.0.1' : host}:${bound.port}`;
    const reloader: TlsReloader | undefined =
      tls === undefined
        ? undefined
        : startTlsReloader({
            files: tls,
            server: server as unknown as TlsServer,
            onReload: () => app.log.info({ cert: tls.cert }, 'TLS certificate reloaded'),
            onError: (error) => app.log.error({ err: String(error), cert: tls.cert }, 'TLS certificate not reloaded; serving the previous one'),
          });
    if (reloader !== undefined) cleanups.push(() => reloader.stop());
    let management: ManagementListener | undefined;
    if (config.metricsPort !== undefined && options.metrics !== 'cluster-worker') {
      management = await startManagementListener({
        host: config.metricsHost,
        port: config.metricsPort,
        metrics: () => prometheus!.exposition(),
        ready: () => tessera.readiness.check(),
        token: config.metricsToken,
        onError: (error) => app.log.error({ err: String(error) }, 'metrics scrape failed'),
      });
      cleanups.push(() => management!.close());
    }
    // Set up after binding, so a default tenant created on `--port 0` gets the port actually bound in its issuer.
    // Only a brand-new database lacks it, and that has no clients a request could use meanwhile.
    const boundConfig = { ...config, port: bound.port, publicUrl: config.publicUrl ?? (tls === undefined ? undefined : `https://localhost:${bound.port}`) };
    const system = { actor: 'system:serve' };
    const { tenant: defaultTenant, created } = await ensureDefaultTenant(boundConfig, tessera.admin, system);
    if (created) app.log.warn({ tenant: config.defaultTenant }, "created the default tenant; run 'tessera init' for an admin client");
    for (const moved of await followServerUrl(boundConfig, tessera.admin, system)) {
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
    tessera.readiness.keysLoaded();
    const database = opened === undefined ? undefined : displayDatabase(config.database);
    // A database this start created is worth a look: a mistyped --db makes an empty installation.
    if (opened?.migration.from === 0) app.log.warn({ database }, 'created a new database');
    app.log.info({ url, managementUrl: management?.url, store: store.kind, database }, 'listening');
    const purger = startTokenPurger({
      tokens: store.tokens,
      clock,
      intervalMs: config.purgeIntervalMs,
      batchSize: config.purgeBatchSize,
      housekeeping: () => tessera.admin.keys.housekeepAll(),
      onRun: (deleted) => {
        if (deleted > 0) app.log.info({ deleted }, 'purged expired tokens');
      },
      onError: (error) => app.log.warn({ err: String(error) }, 'token purge failed; retrying at the next interval'),
    });
    const activityFlusher = startActivityFlusher({
      counter: activity,
      store: tessera.store.activity,
      clock,
      intervalMs: config.activityFlushMs,
      onError: (error) => app.log.warn({ err: String(error) }, 'activity counts not stored; retrying with the next batch'),
    });
    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        const timer = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
        try {
          reloader?.stop();
          // Stop accepting first; the shutdown gate (closed by app.close) answers 503 to requests on open connections.
          const stopped = serverClosed();
          server.closeIdleConnections();
          await app.close();
          await stopped;
        } finally {
          clearTimeout(timer);
          await management?.close();
          await purger.stop();
          await activityFlusher.stop();
          refusals.flush();
          await limitStore.close();
          await store.close();
        }
      })());
    return { url, managementUrl: management?.url, app, tessera, flushActivity: () => activityFlusher.flush(), reloadTls: () => reloader?.reload() ?? Promise.resolve(false), close };
  } catch (error) {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await rateLimitStore?.close();
    if (options.store === undefined) await store.close();
    throw error;
  }
}
