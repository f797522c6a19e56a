/**
 * How each case is brought up for one run: its server started in a child
 * process (or several), checked with one real request, and described as the
 * request the load generator repeats. Tessera is set up and started through
 * its own CLI, as an operator would (`init`, `tenants create`, `clients
 * create`, `users create`, `serve`), on a fresh SQLite file or a fresh
 * PostgreSQL schema for every run, so no run inherits another's tokens.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, type JsonWebKey } from 'node:crypto';
import { copyFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { YOUNG_GENERATION_FLAG } from '../../src/cli/memory-restart.ts';
import { tokenStorageKey } from '../../src/core/tokens/storage-key.ts';
import { basic, call, checkIntrospection, checkRefused, checkTokenResponse, CheckError, FORM, type HttpCall } from './checks.ts';
import { freePort, runCommand, startServer, type RunningProcess } from './proc.ts';
import type { BenchCase, SigningAlg, TesseraFeature } from './scenarios.ts';

export const BENCH_DIR = resolve(import.meta.dirname, '..');
export const ROOT_DIR = resolve(BENCH_DIR, '..');

export interface DriverContext {
  /** Scratch directory for databases and logs. */
  workDir: string;
  /** Node flags for Tessera servers (e.g. --cpu-prof). */
  tesseraNodeFlags: string[];
  tesseraLogLevel: string;
  /** Override of the seeded token count (quick runs). */
  seedTokens?: number;
  /** The PostgreSQL database the PostgreSQL cases make their schemas in. */
  postgresUrl: string;
  /** Arguments added to every Tessera `serve` (`--tessera-arg`). */
  extraServeArgs: string[];
}

export interface PreparedCase {
  /** The measured processes: their CPU and memory are the case's. */
  servers: RunningProcess[];
  /** Extra processes to stop afterwards (e.g. the token server behind a resource server). */
  companions: RunningProcess[];
  /** Where the load goes: one origin per measured server. */
  origins: string[];
  load: HttpCall;
  facts: Record<string, unknown>;
  /** PostgreSQL cases: the application_name of the servers' connections, to find their backends. */
  databaseApplicationName?: string;
  /** The PostgreSQL URL those backends are listed from. */
  databaseUrl?: string;
  /** Stops every process and removes the run's database. */
  stop(): Promise<void>;
}

/** A case that cannot run because the Tessera feature it measures is not built yet. */
export class NotBuilt extends Error {}

const tokenRequest = (path: string, auth: string, body = 'grant_type=client_credentials'): HttpCall => ({
  method: 'POST',
  path,
  headers: { authorization: auth, 'content-type': FORM },
  body,
});

const newSecret = () => randomBytes(32).toString('base64url');
const safe = (id: string) => id.replace(/[^a-z0-9-]+/gi, '_');

/** A prepared case whose only process is `server`. */
function single(server: RunningProcess, load: HttpCall, facts: Record<string, unknown>, companions: RunningProcess[] = []): PreparedCase {
  return { servers: [server], companions, origins: [server.url], load, facts, stop: async () => void (await Promise.all([server.stop(), ...companions.map((p) => p.stop())])) };
}

export async function prepareCase(c: BenchCase, ctx: DriverContext): Promise<PreparedCase> {
  switch (c.server) {
    case 'ceiling':
    case 'fastify-ceiling':
      return prepareCeiling(c, ctx);
    case 'oidc-provider':
      return prepareOidcProvider(c, ctx);
    case 'oauth2-server':
      return prepareOauth2Server(c, ctx);
    case 'tessera':
      return prepareTessera(c, ctx);
    case 'argon2-raw':
    case 'sign-raw':
      throw new Error(`${c.server} is not an HTTP case`);
  }
}

async function prepareCeiling(c: BenchCase, ctx: DriverContext): Promise<PreparedCase> {
  const script = c.server === 'fastify-ceiling' ? 'servers/fastify-ceiling.ts' : 'servers/ceiling.ts';
  const server = await startServer(join(BENCH_DIR, script), { cwd: ROOT_DIR, args: [], logFile: join(ctx.workDir, `${safe(c.id)}.log`), ready: { kind: 'line' } });
  const load = tokenRequest('/oauth/token', basic('bench', 'not-checked'));
  const answer = await call(server.url, load);
  if (answer.status !== 200 || Buffer.byteLength(answer.text) !== 150) {
    await server.stop();
    throw new CheckError(`${c.label} answered ${answer.status} with ${Buffer.byteLength(answer.text)} bytes`);
  }
  JSON.parse(answer.text);
  return single(server, load, { bodyBytes: 150 });
}

async function prepareOidcProvider(c: BenchCase, ctx: DriverContext): Promise<PreparedCase> {
  const peer = c.peer ?? {};
  const config = { clientId: 'bench', clientSecret: newSecret(), format: peer.format ?? 'opaque', alg: peer.alg ?? 'ES256' };
  const server = await startServer(join(BENCH_DIR, 'servers/oidc-provider.ts'), {
    args: [],
    env: { BENCH_SERVER_CONFIG: JSON.stringify(config), NODE_ENV: 'production' },
    logFile: join(ctx.workDir, `${safe(c.id)}.log`),
    ready: { kind: 'line' },
  });
  try {
    const auth = basic(config.clientId, config.clientSecret);
    const tokenPath = String(server.info.tokenPath);
    checkRefused(await call(server.url, tokenRequest(tokenPath, basic(config.clientId, 'wrong-secret'))));
    const token = checkTokenResponse(await call(server.url, tokenRequest(tokenPath, auth)), {
      format: config.format,
      alg: config.alg,
      publicJwks: server.info.publicJwks as JsonWebKey[],
    });
    const facts: Record<string, unknown> = { tokenLength: token.accessToken.length, ...(token.jwt ? { jwtHeader: token.jwt.header } : {}) };
    if (peer.operation === 'introspect') {
      const load: HttpCall = {
        method: 'POST',
        path: String(server.info.introspectionPath),
        headers: { authorization: auth, 'content-type': FORM },
        body: `token=${encodeURIComponent(token.accessToken)}&token_type_hint=access_token`,
      };
      checkIntrospection(await call(server.url, load), config.clientId);
      return single(server, load, facts);
    }
    return single(server, tokenRequest(tokenPath, auth), facts);
  } catch (error) {
    await server.stop();
    throw error;
  }
}

async function prepareOauth2Server(c: BenchCase, ctx: DriverContext): Promise<PreparedCase> {
  const config = { clientId: 'bench', clientSecret: newSecret(), username: 'bench-user', password: newSecret() };
  const server = await startServer(join(BENCH_DIR, 'servers/oauth2-server.ts'), {
    args: [],
    env: { BENCH_SERVER_CONFIG: JSON.stringify(config) },
    logFile: join(ctx.workDir, `${safe(c.id)}.log`),
    ready: { kind: 'line' },
  });
  try {
    const auth = basic(config.clientId, config.clientSecret);
    const tokenPath = String(server.info.tokenPath);
    const body =
      c.peer?.operation === 'password'
        ? `grant_type=password&username=${encodeURIComponent(config.username)}&password=${encodeURIComponent(config.password)}`
        : 'grant_type=client_credentials';
    checkRefused(await call(server.url, tokenRequest(tokenPath, basic(config.clientId, 'wrong-secret'), body)));
    if (c.peer?.operation === 'password') {
      checkRefused(await call(server.url, tokenRequest(tokenPath, auth, `grant_type=password&username=${config.username}&password=wrong-password`)));
    }
    const load = tokenRequest(tokenPath, auth, body);
    const token = checkTokenResponse(await call(server.url, load), { format: 'opaque' });
    return single(server, load, { tokenLength: token.accessToken.length });
  } catch (error) {
    await server.stop();
    throw error;
  }
}

// ---------------------------------------------------------------- Tessera

/** Each checkout's `serve --help`, read once. */
const serveHelp = new Map<string, string>();

/** The checkout that serves a Tessera case: this one, or the `--base` build's. */
function rootOf(c: BenchCase): string {
  return c.tessera?.root ?? ROOT_DIR;
}

const cliIn = (root: string) => join(root, 'src/cli/main.ts');

/** Whether a usage text lists `flag` itself, not only a longer flag that starts with it (`--metrics` is not `--metrics-port`). */
export function mentionsFlag(usage: string, flag: string): boolean {
  return new RegExp(`(^|[^\\w-])${flag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`).test(usage);
}

/**
 * The password case sends one user's right password as fast as the server
 * answers, to measure the grant against argon2id alone; the default `login`
 * limit (10 a minute per user name, docs/rate-limits.md) would refuse nearly
 * all of it, so builds that have rate limits serve it with that limit off.
 */
function passwordLoadArgs(variant: { operation?: string }, root: string): string[] {
  return variant.operation === 'password' && tesseraHas('serve-flag:--rate-limits', root) ? ['--rate-limits', 'login=off'] : [];
}

/** Whether the Tessera source in this checkout has a feature; the case is "n/a (not built yet)" otherwise. */
export function tesseraHas(feature: TesseraFeature, root = ROOT_DIR): boolean {
  if (feature.startsWith('serve-flag:')) {
    let help = serveHelp.get(root);
    if (help === undefined) serveHelp.set(root, (help = execFileSync(process.execPath, [cliIn(root), 'serve', '--help'], { cwd: root, encoding: 'utf8' })));
    return mentionsFlag(help, feature.slice('serve-flag:'.length));
  }
  switch (feature) {
    case 'password':
      return existsSync(join(root, 'src/core/grants/password.ts'));
    case 'verify':
      return existsSync(join(root, 'src/verify/index.ts'));
    default:
      // introspection: known for sure only once the server answers; see discoverIntrospection.
      return true;
  }
}

async function cli(root: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<Record<string, unknown>> {
  const out = await runCommand([cliIn(root), ...args], { cwd: root, env, ...(input !== undefined ? { input } : {}) });
  return JSON.parse(out) as Record<string, unknown>;
}

/** What a Tessera run starts from: its database set up through the CLI, and the credentials made there. */
interface TesseraSetup {
  /** A SQLite path or a PostgreSQL URL, as given to `--db`. */
  database: string;
  tenant: string;
  clientSecret: string;
  password?: string;
  facts: Record<string, unknown>;
  applicationName?: string;
  /** Removes the run's database. */
  remove(): Promise<void>;
}

const TENANT_FOR: Record<SigningAlg, string> = { ES256: 'default', RS256: 'bench-rs', EdDSA: 'bench-ed' };

/** `init`, the tenant, the client, the seeded tokens and the password user, on `database`. */
async function setUpTessera(c: BenchCase, database: string, ctx: DriverContext): Promise<Omit<TesseraSetup, 'database' | 'remove'>> {
  const variant = c.tessera!;
  const facts: Record<string, unknown> = {};
  const root = rootOf(c);
  await cli(root, ['init', '--db', database]);
  const tenant = TENANT_FOR[variant.alg ?? 'ES256'];
  if (tenant !== 'default') await cli(root, ['tenants', 'create', tenant, '--alg', variant.alg!, '--db', database]);
  const grants = variant.operation === 'password' ? 'client_credentials,password' : 'client_credentials';
  const created = await cli(root, ['clients', 'create', 'bench', '--db', database, '--tenant', tenant, '--format', variant.format, '--grants', grants]);
  const seed = variant.seedTokens === undefined ? 0 : (ctx.seedTokens ?? variant.seedTokens);
  if (seed > 0) {
    const seeded = JSON.parse(await runCommand([join(BENCH_DIR, 'workers/seed-tokens.ts'), database, String(seed), tenant, 'bench'])) as { ms: number };
    facts.seededTokens = seed;
    facts.seedSeconds = Math.round(seeded.ms / 100) / 10;
  }
  const password = variant.operation === 'password' ? await createTesseraUser(root, database, tenant) : undefined;
  return { tenant, clientSecret: String(created.clientSecret), ...(password !== undefined ? { password } : {}), facts };
}

/** SQLite set-ups made once per bench run and case (a seeded store takes a while), copied for each run. */
const sqliteTemplates = new Map<string, Promise<Omit<TesseraSetup, 'database' | 'remove'> & { template: string }>>();

async function sqliteSetup(c: BenchCase, ctx: DriverContext): Promise<TesseraSetup> {
  let made = sqliteTemplates.get(c.id);
  if (made === undefined) {
    const template = join(ctx.workDir, `${safe(c.id)}.template.db`);
    made = setUpTessera(c, template, ctx).then((setup) => ({ ...setup, template }));
    sqliteTemplates.set(c.id, made);
    made.catch(() => sqliteTemplates.delete(c.id));
  }
  const { template, ...setup } = await made;
  const database = join(ctx.workDir, `${safe(c.id)}.db`);
  const remove = async () => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(database + suffix, { force: true });
  };
  await remove();
  // Every CLI command and the seeder close the file cleanly, so the template is one file with no WAL to copy.
  copyFileSync(template, database);
  if (existsSync(`${template}-wal`)) copyFileSync(`${template}-wal`, `${database}-wal`);
  return { ...setup, database, remove };
}

/** `base` with the schema as search_path and an application_name naming it (how the backends are found). */
export function postgresSchemaUrl(base: string, schema: string): string {
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  url.searchParams.set('application_name', schema);
  return url.toString();
}

export async function postgresQuery<T extends pg.QueryResultRow = Record<string, unknown>>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/**
 * PostgreSQL installs need a key-encryption key for the signing keys (SQLite
 * ones generate a file beside the database): one for the whole bench run,
 * inherited by every CLI call and server it starts. Builds from before keys
 * were sealed ignore it.
 */
function ensureKeyEncryptionKey(): void {
  process.env.TESSERA_KEY_ENCRYPTION_KEY ??= randomBytes(32).toString('base64');
}

async function postgresSetup(c: BenchCase, ctx: DriverContext): Promise<TesseraSetup> {
  ensureKeyEncryptionKey();
  const schema = `tessera_bench_${randomBytes(5).toString('hex')}`;
  await postgresQuery(ctx.postgresUrl, `CREATE SCHEMA ${schema}`);
  const database = postgresSchemaUrl(ctx.postgresUrl, schema);
  const remove = async () => {
    await postgresQuery(ctx.postgresUrl, 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()', [schema]);
    await postgresQuery(ctx.postgresUrl, `DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  };
  try {
    return { ...(await setUpTessera(c, database, ctx)), database, applicationName: schema, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

async function prepareTessera(c: BenchCase, ctx: DriverContext): Promise<PreparedCase> {
  const variant = c.tessera!;
  for (const feature of c.needs ?? []) {
    if (!tesseraHas(feature, rootOf(c))) throw new NotBuilt(`Tessera has no ${feature.replace('serve-flag:', 'serve ')} yet`);
  }
  const setup = variant.store === 'postgres' ? await postgresSetup(c, ctx) : await sqliteSetup(c, ctx);
  const { database, tenant } = setup;
  const facts: Record<string, unknown> = { ...setup.facts, store: variant.store ?? 'sqlite' };
  const auth = basic('bench', setup.clientSecret);

  const configFile = variant.config === undefined ? [] : ['--config', join(ctx.workDir, `${safe(c.id)}.config.json`)];
  if (variant.config !== undefined) writeFileSync(configFile[1]!, JSON.stringify(variant.config));
  const servers: RunningProcess[] = [];
  const companions: RunningProcess[] = [];
  const stop = async () => {
    await Promise.all([...servers, ...companions].map((p) => p.stop()));
    await setup.remove();
  };
  try {
    for (let i = 0; i < (variant.instances ?? 1); i++) {
      const port = await freePort();
      servers.push(
        await startServer(cliIn(rootOf(c)), {
          args: [
            'serve',
            '--db',
            database,
            '--port',
            String(port),
            ...(variant.workers === undefined ? [] : ['--workers', String(variant.workers)]),
            ...configFile,
            ...(variant.serveArgs ?? []),
            ...passwordLoadArgs(variant, rootOf(c)),
            ...ctx.extraServeArgs,
          ],
          cwd: rootOf(c),
          // `serve` restarts itself once to set its memory settings (src/cli/memory-restart.ts);
          // under --cpu-prof both incarnations would write a profile under the same name.
          // Giving them here gives the same process without the restart.
          nodeFlags: ctx.tesseraNodeFlags.length > 0 ? [...ctx.tesseraNodeFlags, YOUNG_GENERATION_FLAG] : [],
          env: {
            TESSERA_LOG_LEVEL: ctx.tesseraLogLevel,
            TESSERA_DEFAULT_TENANT: tenant,
            ...(ctx.tesseraNodeFlags.length > 0 ? { MALLOC_ARENA_MAX: '1' } : {}),
          },
          logFile: join(ctx.workDir, `${safe(c.id)}${i > 0 ? `-${i + 1}` : ''}.log`),
          ready: { kind: 'http', url: `http://127.0.0.1:${port}/healthz` },
        }),
      );
    }
    const server = servers[0]!;
    const origins = servers.map((s) => s.url);
    const prepared = (load: HttpCall): PreparedCase => ({
      servers,
      companions,
      origins,
      load,
      facts,
      ...(setup.applicationName !== undefined ? { databaseApplicationName: setup.applicationName, databaseUrl: ctx.postgresUrl } : {}),
      stop,
    });
    const tokenPath = '/oauth/token';
    checkRefused(await call(server.url, tokenRequest(tokenPath, basic('bench', 'tcs_wrong'))));
    const issue = tokenRequest(tokenPath, auth);
    // Every instance must answer, and the token one mints must be known to the database they share.
    const tokens = [];
    for (const s of servers) {
      tokens.push(
        checkTokenResponse(await call(s.url, issue), {
          format: variant.format,
          ...(variant.alg ? { alg: variant.alg } : variant.format === 'jwt' ? { alg: 'ES256' } : {}),
          publicJwks: variant.format === 'jwt' ? await storedPublicKeys(database) : [],
        }),
      );
    }
    const token = tokens[0]!;
    for (const t of tokens) {
      if (variant.format === 'opaque' && !(await storedTokenExists(database, t.accessToken))) {
        throw new CheckError('the opaque token was not persisted (no row under its storage key in tokens)');
      }
    }
    facts.tokenLength = token.accessToken.length;
    if (token.jwt) facts.jwtHeader = token.jwt.header;

    switch (variant.operation ?? 'client_credentials') {
      case 'client_credentials':
        return prepared(issue);
      case 'introspect': {
        const path = await discoverIntrospection(server.url, auth, token.accessToken);
        if (path === undefined) throw new NotBuilt('Tessera answers no introspection endpoint yet');
        const load: HttpCall = {
          method: 'POST',
          path,
          headers: { authorization: auth, 'content-type': FORM },
          body: `token=${encodeURIComponent(token.accessToken)}&token_type_hint=access_token`,
        };
        for (const s of servers) checkIntrospection(await call(s.url, load), 'bench');
        facts.introspectionPath = path;
        return prepared(load);
      }
      case 'password': {
        const load = tokenRequest(tokenPath, auth, `grant_type=password&username=bench-user&password=${encodeURIComponent(setup.password!)}`);
        checkTokenResponse(await call(server.url, load), { format: 'opaque' });
        checkRefused(await call(server.url, tokenRequest(tokenPath, auth, 'grant_type=password&username=bench-user&password=wrong-password')));
        return prepared(load);
      }
      case 'bearer': {
        // The token server only mints the token; the measured process is the resource server.
        const resource = await startServer(join(BENCH_DIR, 'servers/tessera-resource.ts'), {
          args: [],
          env: {
            BENCH_SERVER_CONFIG: JSON.stringify({ issuer: token.jwt!.payload.iss, audience: token.jwt!.payload.aud, tesseraUrl: server.url, jwks: await storedPublicKeys(database) }),
          },
          logFile: join(ctx.workDir, `${safe(c.id)}-resource.log`),
          ready: { kind: 'line' },
        });
        companions.push(...servers.splice(0, servers.length));
        servers.push(resource);
        const load: HttpCall = { method: 'GET', path: '/resource', headers: { authorization: `Bearer ${token.accessToken}` } };
        const ok = await call(resource.url, load);
        if (ok.status !== 200) throw new CheckError(`the resource server refused a valid token (HTTP ${ok.status}: ${ok.text.slice(0, 200)})`);
        const refused = await call(resource.url, { ...load, headers: { authorization: `Bearer ${token.accessToken.slice(0, -4)}AAAA` } });
        if (refused.status !== 401) throw new CheckError(`the resource server accepted a forged token (HTTP ${refused.status})`);
        return { ...prepared(load), origins: [resource.url] };
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Creates the password grant's user with `tessera users create`. */
async function createTesseraUser(root: string, database: string, tenant: string): Promise<string> {
  const password = `bench-${newSecret()}`;
  try {
    await runCommand([cliIn(root), 'users', 'create', 'bench-user', '--db', database, '--tenant', tenant, '--password-stdin'], { cwd: root, input: password });
  } catch (error) {
    throw new Error(`could not create the bench user with 'tessera users create' (update createTesseraUser in bench/lib/drivers.ts): ${(error as Error).message}`);
  }
  return password;
}

/** Finds the introspection endpoint: RFC 8414 metadata first, then the usual paths. */
async function discoverIntrospection(url: string, auth: string, token: string): Promise<string | undefined> {
  try {
    const meta = await call(url, { method: 'GET', path: '/.well-known/oauth-authorization-server', headers: {} });
    if (meta.status === 200) {
      const endpoint = (JSON.parse(meta.text) as { introspection_endpoint?: string }).introspection_endpoint;
      if (endpoint) return new URL(endpoint).pathname;
    }
  } catch {
    // no metadata
  }
  for (const path of ['/oauth/introspect', '/oauth/introspection', '/oauth/token/introspect', '/introspect']) {
    const answer = await call(url, { method: 'POST', path, headers: { authorization: auth, 'content-type': FORM }, body: `token=${encodeURIComponent(token)}` });
    if (answer.status !== 404 && answer.status !== 405) return path;
  }
  return undefined;
}

const isPostgres = (database: string) => /^postgres(ql)?:\/\//.test(database);

async function storedPublicKeys(database: string): Promise<JsonWebKey[]> {
  const sql = 'SELECT public_jwk FROM signing_keys';
  if (isPostgres(database)) {
    return (await postgresQuery<{ public_jwk: unknown }>(database, sql)).map((r) => (typeof r.public_jwk === 'string' ? JSON.parse(r.public_jwk) : r.public_jwk) as JsonWebKey);
  }
  const handle = new DatabaseSync(database, { readOnly: true });
  try {
    return (handle.prepare(sql).all() as { public_jwk: string }[]).map((r) => JSON.parse(r.public_jwk) as JsonWebKey);
  } finally {
    handle.close();
  }
}

async function storedTokenExists(database: string, token: string): Promise<boolean> {
  if (isPostgres(database)) return (await postgresQuery(database, 'SELECT 1 FROM tokens WHERE hash = $1', [tokenStorageKey(token)])).length === 1;
  const handle = new DatabaseSync(database, { readOnly: true });
  try {
    return handle.prepare('SELECT 1 FROM tokens WHERE hash = ?').get(tokenStorageKey(token)) !== undefined;
  } finally {
    handle.close();
  }
}

/** The PostgreSQL backends serving a case's connections (their CPU is the database's share of each request). */
export async function databaseBackends(url: string, applicationName: string): Promise<number[]> {
  return (await postgresQuery<{ pid: number }>(url, 'SELECT pid FROM pg_stat_activity WHERE application_name = $1', [applicationName])).map((r) => r.pid);
}
