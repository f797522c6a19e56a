/**
 * How each case is brought up: its server started in a child process, checked
 * with one real request, and described as the request the load generator
 * repeats. Tessera is set up and started through its own CLI, as an operator
 * would (`init`, `tenants create`, `clients create`, `serve`).
 */
import { randomBytes, type JsonWebKey } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { YOUNG_GENERATION_FLAG } from '../../src/cli/memory-restart.ts';
import { tokenStorageKey } from '../../src/core/tokens/storage-key.ts';
import { basic, call, checkIntrospection, checkRefused, checkTokenResponse, CheckError, FORM, type HttpCall } from './checks.ts';
import { freePort, runCommand, startServer, type RunningProcess } from './proc.ts';
import type { BenchCase, TesseraFeature } from './scenarios.ts';

export const BENCH_DIR = resolve(import.meta.dirname, '..');
export const ROOT_DIR = resolve(BENCH_DIR, '..');
const CLI = join(ROOT_DIR, 'src/cli/main.ts');

export interface DriverContext {
  /** Scratch directory for databases and logs. */
  workDir: string;
  /** Node flags for Tessera servers (e.g. --cpu-prof). */
  tesseraNodeFlags: string[];
  tesseraLogLevel: string;
  /** Override of the seeded token count (quick runs). */
  seedTokens?: number;
}

export interface PreparedCase {
  /** The process whose memory is reported. */
  server: RunningProcess;
  /** Extra processes to stop afterwards (e.g. the token server behind a resource server). */
  companions: RunningProcess[];
  load: HttpCall;
  facts: Record<string, unknown>;
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
      throw new Error('argon2-raw is not an HTTP case');
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
  return { server, companions: [], load, facts: { bodyBytes: 150 } };
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
      return { server, companions: [], load, facts };
    }
    return { server, companions: [], load: tokenRequest(tokenPath, auth), facts };
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
    return { server, companions: [], load, facts: { tokenLength: token.accessToken.length } };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

// ---------------------------------------------------------------- Tessera

/** Whether the Tessera source in this checkout has a feature; the case is "n/a (not built yet)" otherwise. */
export function tesseraHas(feature: TesseraFeature): boolean {
  switch (feature) {
    case 'password':
      return existsSync(join(ROOT_DIR, 'src/core/grants/password.ts'));
    case 'verify':
      return existsSync(join(ROOT_DIR, 'src/verify/index.ts'));
    case 'introspection':
      // Known for sure only once the server answers; see discoverIntrospection.
      return true;
  }
}

async function cli(args: string[], env: Record<string, string> = {}, input?: string): Promise<Record<string, unknown>> {
  const out = await runCommand([CLI, ...args], { cwd: ROOT_DIR, env, ...(input !== undefined ? { input } : {}) });
  return JSON.parse(out) as Record<string, unknown>;
}

async function prepareTessera(c: BenchCase, ctx: DriverContext): Promise<PreparedCase> {
  const variant = c.tessera!;
  for (const feature of c.needs ?? []) {
    if (!tesseraHas(feature)) throw new NotBuilt(`Tessera has no ${feature} yet`);
  }
  const db = join(ctx.workDir, `${safe(c.id)}.db`);
  for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
  const facts: Record<string, unknown> = {};

  await cli(['init', '--db', db]);
  let tenant = 'default';
  if (variant.alg === 'RS256') {
    tenant = 'bench-rs';
    await cli(['tenants', 'create', tenant, '--alg', 'RS256', '--db', db]);
  }
  const grants = variant.operation === 'password' ? 'client_credentials,password' : 'client_credentials';
  const created = await cli(['clients', 'create', 'bench', '--db', db, '--tenant', tenant, '--format', variant.format, '--grants', grants]);
  const clientSecret = String(created.clientSecret);
  const auth = basic('bench', clientSecret);

  const seed = variant.seedTokens === undefined ? 0 : (ctx.seedTokens ?? variant.seedTokens);
  if (seed > 0) {
    const seeded = JSON.parse(await runCommand([join(BENCH_DIR, 'workers/seed-tokens.ts'), db, String(seed), tenant, 'bench'])) as { ms: number };
    facts.seededTokens = seed;
    facts.seedSeconds = Math.round(seeded.ms / 100) / 10;
  }

  let password: string | undefined;
  if (variant.operation === 'password') password = await createTesseraUser(db, tenant);

  const port = await freePort();
  const server = await startServer(CLI, {
    args: ['serve', '--db', db, '--port', String(port), ...(variant.workers === undefined ? [] : ['--workers', String(variant.workers)])],
    cwd: ROOT_DIR,
    // `serve` restarts itself once to set its memory settings (src/cli/memory-restart.ts);
    // under --cpu-prof both incarnations would write a profile under the same name.
    // Giving them here gives the same process without the restart.
    nodeFlags: ctx.tesseraNodeFlags.length > 0 ? [...ctx.tesseraNodeFlags, YOUNG_GENERATION_FLAG] : [],
    env: {
      TESSERA_LOG_LEVEL: ctx.tesseraLogLevel,
      TESSERA_DEFAULT_TENANT: tenant,
      ...(ctx.tesseraNodeFlags.length > 0 ? { MALLOC_ARENA_MAX: '1' } : {}),
    },
    logFile: join(ctx.workDir, `${safe(c.id)}.log`),
    ready: { kind: 'http', url: `http://127.0.0.1:${port}/healthz` },
  });
  const companions: RunningProcess[] = [];
  try {
    const tokenPath = '/oauth/token';
    checkRefused(await call(server.url, tokenRequest(tokenPath, basic('bench', 'tcs_wrong'))));
    const issue = tokenRequest(tokenPath, auth);
    const token = checkTokenResponse(await call(server.url, issue), {
      format: variant.format,
      ...(variant.alg ? { alg: variant.alg } : {}),
      publicJwks: variant.format === 'jwt' ? storedPublicKeys(db) : [],
    });
    if (variant.format === 'opaque' && !storedTokenExists(db, token.accessToken)) {
      throw new CheckError('the opaque token was not persisted (no row under its storage key in tokens)');
    }
    facts.tokenLength = token.accessToken.length;
    if (token.jwt) facts.jwtHeader = token.jwt.header;

    switch (variant.operation ?? 'client_credentials') {
      case 'client_credentials':
        return { server, companions, load: issue, facts };
      case 'introspect': {
        const path = await discoverIntrospection(server.url, auth, token.accessToken);
        if (path === undefined) throw new NotBuilt('Tessera answers no introspection endpoint yet');
        const load: HttpCall = {
          method: 'POST',
          path,
          headers: { authorization: auth, 'content-type': FORM },
          body: `token=${encodeURIComponent(token.accessToken)}&token_type_hint=access_token`,
        };
        checkIntrospection(await call(server.url, load), 'bench');
        facts.introspectionPath = path;
        return { server, companions, load, facts };
      }
      case 'password': {
        const load = tokenRequest(tokenPath, auth, `grant_type=password&username=bench-user&password=${encodeURIComponent(password!)}`);
        checkTokenResponse(await call(server.url, load), { format: 'opaque' });
        checkRefused(await call(server.url, tokenRequest(tokenPath, auth, 'grant_type=password&username=bench-user&password=wrong-password')));
        return { server, companions, load, facts };
      }
      case 'bearer': {
        // The token server only mints the token; the measured process is the resource server.
        const resource = await startServer(join(BENCH_DIR, 'servers/tessera-resource.ts'), {
          args: [],
          env: {
            BENCH_SERVER_CONFIG: JSON.stringify({ issuer: token.jwt!.payload.iss, audience: token.jwt!.payload.aud, tesseraUrl: server.url, jwks: storedPublicKeys(db) }),
          },
          logFile: join(ctx.workDir, `${safe(c.id)}-resource.log`),
          ready: { kind: 'line' },
        });
        companions.push(server);
        const load: HttpCall = { method: 'GET', path: '/resource', headers: { authorization: `Bearer ${token.accessToken}` } };
        const ok = await call(resource.url, load);
        if (ok.status !== 200) throw new CheckError(`the resource server refused a valid token (HTTP ${ok.status}: ${ok.text.slice(0, 200)})`);
        const refused = await call(resource.url, { ...load, headers: { authorization: `Bearer ${token.accessToken.slice(0, -4)}AAAA` } });
        if (refused.status !== 401) throw new CheckError(`the resource server accepted a forged token (HTTP ${refused.status})`);
        return { server: resource, companions, load, facts };
      }
    }
  } catch (error) {
    await Promise.all([server.stop(), ...companions.map((p) => p.stop())]);
    throw error;
  }
}

/**
 * Creates the password grant's user. Written against the users CLI that
 * issue 3 is building; if that CLI's shape differs, this is the one place to
 * adjust.
 */
async function createTesseraUser(db: string, tenant: string): Promise<string> {
  const password = `bench-${newSecret()}`;
  try {
    await runCommand([CLI, 'users', 'create', 'bench-user', '--db', db, '--tenant', tenant, '--password-stdin'], { cwd: ROOT_DIR, input: password });
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

function storedPublicKeys(db: string): JsonWebKey[] {
  const handle = new DatabaseSync(db, { readOnly: true });
  try {
    return (handle.prepare('SELECT public_jwk FROM signing_keys').all() as { public_jwk: string }[]).map((r) => JSON.parse(r.public_jwk) as JsonWebKey);
  } finally {
    handle.close();
  }
}

function storedTokenExists(db: string, token: string): boolean {
  const handle = new DatabaseSync(db, { readOnly: true });
  try {
    return handle.prepare('SELECT 1 FROM tokens WHERE hash = ?').get(tokenStorageKey(token)) !== undefined;
  } finally {
    handle.close();
  }
}
