/**
 * Runs Tessera as a server: opens the store, makes sure the default tenant
 * exists, builds the app, listens, and shuts down gracefully (stop accepting,
 * let in-flight requests finish, close the database).
 */
import type { FastifyInstance } from 'fastify';
import { ensureDefaultTenant } from '../admin/bootstrap.ts';
import { tokenRoutes, type TesseraConfig } from '../config/config.ts';
import { systemClock, type Clock } from '../core/clock.ts';
import { argon2Limiter } from '../core/crypto/argon2id.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/types.ts';
import { createTessera, type Tessera } from '../tessera.ts';
import { buildApp } from './app.ts';

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
}

export async function startServer(config: TesseraConfig, options: StartOptions = {}): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  argon2Limiter.configure({ concurrency: config.argon2Concurrency, maxQueued: config.argon2MaxQueued });
  const store = options.store ?? (await openStore(config.database));
  try {
    const tessera = createTessera({ store, clock, defaultTenantId: config.defaultTenant });
    const app = await buildApp({
      tessera,
      tokenRoutes: tokenRoutes(config),
      bodyLimitBytes: config.bodyLimitBytes,
      logLevel: config.logLevel,
      trustProxy: config.trustProxy,
    });
    const { created } = await ensureDefaultTenant(config, store, clock);
    if (created) app.log.warn({ tenant: config.defaultTenant }, "created the default tenant; run 'tessera init' for an admin client");
    // Generate or load signing keys before the first request, not during it.
    for (const tenant of await store.tenants.listTenants()) await tessera.keys.activeKey(tenant);

    const address = await app.listen({ host: config.host, port: config.port });
    const url = address.replace('[::1]', 'localhost');
    app.log.info({ url, store: store.kind, database: store.kind === 'sqlite' ? config.database : undefined }, 'listening');
    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        const timer = setTimeout(() => app.server.closeAllConnections(), config.shutdownTimeoutMs);
        try {
          await app.close();
        } finally {
          clearTimeout(timer);
          await store.close();
        }
      })());
    return { url, app, tessera, close };
  } catch (error) {
    if (options.store === undefined) await store.close();
    throw error;
  }
}
