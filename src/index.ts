/**
 * `tessera`: the server as a library, for embedding in a Node app.
 *
 * - {@link startServer} runs a complete Tessera from a validated configuration;
 * - {@link createTessera} + {@link buildApp} compose one over a store you open
 *   (for tests: `createMemoryStore()`), without listening;
 * - the management services are what the CLI uses.
 *
 * Resource servers want `tessera/verify`; token consumers want `tessera/client`.
 * @module
 */
export { createTessera, type Tessera, type TesseraOptions } from './server/compose.ts';
export { buildApp, type AppOptions } from './http/app.ts';
export { startServer, type RunningServer, type StartOptions } from './server/start-server.ts';
export { tokenRoutes } from './http/form-endpoints.ts';
export { validateConfig, DEFAULT_CONFIG, ConfigError, type TesseraConfig, type TokenEndpointConfig } from './config/config.ts';
export { loadConfig } from './config/load-config.ts';
export { DIALECT_PRESETS, STRICT_DIALECT, type TokenDialect } from './config/dialect.ts';
export { openStore } from './store/open-store.ts';
export { createMemoryStore } from './store/memory/memory-store.ts';
export { openSqliteStore } from './store/sqlite/sqlite-store.ts';
export type * from './store/store.ts';
export type * from './core/ports/tenants.ts';
export type * from './core/model.ts';
export { OAuthError, OAUTH_ERROR_CODES, type OAuthErrorCode } from './core/errors.ts';
export { TenantService } from './admin/tenants.ts';
export { ClientService } from './admin/clients.ts';
export { AdminError } from './admin/admin-error.ts';
