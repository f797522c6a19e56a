/**
 * The packages as a consumer gets them: every package built and packed with
 * `npm pack`, the tarballs installed with npm into a fresh project outside
 * the repository (its sources unreachable; dependencies from the registry),
 * then used there with Node 24 the way the README says: `npx tessera`, the
 * server's library, `@tessera-oauth/client` and `@tessera-oauth/verify` from
 * JavaScript and TypeScript, a consumer's strict `tsc`, and a browser bundle.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, runWalkthrough } from '../helpers/walkthrough.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

/** The versions the repository develops with, for the consumer's own tools. */
const rootManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; devDependencies: Record<string, string> };
const devVersion = (name: string) => rootManifest.devDependencies[name]!.replace(/^\^/, '');

/** Node 24 (the `node` dev dependency running this test) first on PATH, for npm, npx and every `#!/usr/bin/env node`. */
const ENV: Record<string, string | undefined> = {
  ...process.env,
  PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
  // Nothing of the repository's environment leaks into the consumer's processes.
  NODE_OPTIONS: undefined,
  npm_config_prefix: undefined,
  TESSERA_LOG_LEVEL: 'warn',
  TESSERA_DB: undefined,
  TESSERA_PORT: undefined,
  TESSERA_CONFIG: undefined,
};

const CONSUMER_FILES: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2),
  // A resource server's and an embedding app's code, checked as server code: no DOM library.
  'server-usage.ts': `
import { createMemoryStore, createTessera, startServer, validateConfig, type RunningServer, type TesseraConfig } from '@tessera-oauth/server';
import { createBearerVerifier, type BearerVerifier } from '@tessera-oauth/verify';
import { fastifyBearer } from '@tessera-oauth/verify/fastify';
import { expressBearer } from '@tessera-oauth/verify/express';
import { createTokenSource, presets, type TokenSource } from '@tessera-oauth/client';
import { nodeTransport } from '@tessera-oauth/client/node';

export async function embedded(): Promise<void> {
  const config: TesseraConfig = validateConfig({ port: 0, database: ':memory:', logLevel: 'silent' });
  const server: RunningServer = await startServer(config);
  const verifier: BearerVerifier = createBearerVerifier({ issuer: server.url, tenant: 'default' });
  const hook = fastifyBearer(verifier, { scopes: ['read'] });
  const middleware = expressBearer(verifier);
  const source: TokenSource = createTokenSource({ tokenEndpoint: server.url + '/oauth/token', clientId: 'app', clientSecret: 's', fetch: nodeTransport, preset: presets.basicForm });
  const tessera = createTessera({ store: createMemoryStore() });
  void [hook, middleware, source, tessera];
  await server.close();
}
`,
  // A browser app's code: DOM library, no Node types.
  'browser-usage.ts': `
import { createAuthenticatedFetch, createTokenSource, type TokenResult } from '@tessera-oauth/client';
import { authenticateRequest, createBearerVerifier } from '@tessera-oauth/verify';

const source = createTokenSource({ tokenEndpoint: 'https://auth.example.com/oauth/token', clientId: 'spa', clientSecret: 'not-a-secret' });
export const api = createAuthenticatedFetch(source);
export const first: Promise<TokenResult> = source.getToken();
const verifier = createBearerVerifier({ issuer: 'https://auth.example.com', tenant: 'default' });
export async function handle(request: Request): Promise<Response> {
  const result = await authenticateRequest(verifier, request, { scopes: ['read'] });
  return 'response' in result ? result.response : api('https://api.example.com/v2/accounts');
}
`,
  'tsconfig.server.json': JSON.stringify({
    compilerOptions: {
      target: 'es2023', module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2023'], types: ['node'],
      strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, skipLibCheck: false, noEmit: true,
    },
    files: ['server-usage.ts'],
  }),
  'tsconfig.browser.json': JSON.stringify({
    compilerOptions: {
      target: 'es2023', module: 'esnext', moduleResolution: 'bundler', lib: ['es2023', 'dom'], types: [],
      strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, skipLibCheck: false, noEmit: true,
    },
    files: ['browser-usage.ts'],
  }),
  // The client and the verifier from plain JavaScript: an opaque token, checked by introspection.
  'opaque.js': `
import { createTokenSource } from '@tessera-oauth/client';
import { createBearerVerifier } from '@tessera-oauth/verify';
const [url, issuer, clientId, clientSecret] = process.argv.slice(2);
const source = createTokenSource({ tokenEndpoint: url + '/oauth/token', clientId, clientSecret, allowInsecureHttp: true });
const { accessToken } = await source.getToken();
const verifier = createBearerVerifier({ issuer, tenant: 'default', jwksUri: url + '/.well-known/jwks.json', introspection: { endpoint: url + '/oauth/introspect', clientId, clientSecret } });
const result = await verifier.verify({ headers: { authorization: 'Bearer ' + accessToken } });
console.log(JSON.stringify({ token: accessToken.slice(0, 4), ok: result.ok, clientId: result.ok ? result.principal.clientId : result.error.code }));
`,
  // The same from TypeScript run by Node itself: a JWT, checked against the tenant's JWKS.
  'jwt.ts': `
import { createTokenSource, type TokenSource } from '@tessera-oauth/client';
import { createBearerVerifier, type VerifyResult } from '@tessera-oauth/verify';
const [url, issuer, clientId, clientSecret] = process.argv.slice(2) as [string, string, string, string];
const source: TokenSource = createTokenSource({ tokenEndpoint: url + '/oauth/token', clientId, clientSecret, scope: 'read', allowInsecureHttp: true });
const { accessToken } = await source.getToken();
const verifier = createBearerVerifier({ issuer, tenant: 'default', jwksUri: url + '/.well-known/jwks.json' });
const result: VerifyResult = await verifier.verify({ headers: { authorization: 'Bearer ' + accessToken } });
console.log(JSON.stringify({ token: accessToken.split('.').length, ok: result.ok, clientId: result.ok ? result.principal.clientId : result.error.code }));
`,
  'browser-entry.js': `
import { createTokenSource, presets } from '@tessera-oauth/client';
import { createBearerVerifier } from '@tessera-oauth/verify';
globalThis.tessera = { createTokenSource, presets, createBearerVerifier };
`,
};

describe('the packages as a consumer installs them', { timeout: 900_000 }, () => {
  let dir: string;
  const tarballs: string[] = [];
  const started: ChildProcess[] = [];
  const consumer = () => join(dir, 'consumer');
  const tessera = (args: string[], options: { input?: string } = {}) =>
    run(join(consumer(), 'node_modules/.bin/tessera'), args, { cwd: consumer(), env: ENV, ...options }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
    );

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-consumer-'));
    // The build each package's prepack runs; then packing without scripts, so the console's assets are taken as built
    // (a concurrent console test may be rebuilding them, which its build swaps in whole).
    await run(process.execPath, [join(ROOT, 'scripts/build.ts')], { cwd: ROOT, env: ENV });
    const packed = await run('npm', ['pack', '--workspace', 'packages/client', '--workspace', 'packages/verify', '--include-workspace-root', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, env: ENV, maxBuffer: 64 * 1024 * 1024 });
    for (const { filename } of JSON.parse(packed.stdout) as { filename: string }[]) tarballs.push(join(dir, filename));
    mkdirSync(consumer());
    for (const [name, text] of Object.entries(CONSUMER_FILES)) writeFileSync(join(consumer(), name), text);
    await run(
      'npm',
      [
        'install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...tarballs,
        `typescript@${devVersion('typescript')}`, 'typescript5@npm:typescript@5.9', `@types/node@${devVersion('@types/node')}`, `esbuild@${devVersion('esbuild')}`,
      ],
      { cwd: consumer(), env: ENV, maxBuffer: 64 * 1024 * 1024 },
    );
  });

  after(async () => {
    for (const child of started) child.kill('SIGKILL');
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('packs the server, the client and the verifier, each holding only what runs', () => {
    assert.deepEqual(tarballs.map((t) => t.split('/').at(-1)).sort(), [
      `tessera-oauth-client-${rootManifest.version}.tgz`,
      `tessera-oauth-server-${rootManifest.version}.tgz`,
      `tessera-oauth-verify-${rootManifest.version}.tgz`,
    ]);
    for (const name of ['server', 'client', 'verify']) {
      const installed = join(consumer(), 'node_modules/@tessera-oauth', name);
      const files = listFiles(installed).map((f) => relative(installed, f));
      const unexpected = files.filter((f) => !/^(package\.json|README\.md|LICENSE|bin\/tessera\.js|dist\/.+\.(js|d\.ts|js\.map)|console\/dist\/.+)$/.test(f));
      assert.deepEqual(unexpected, [], `${name}: files that do not run`);
      assert.ok(files.includes('LICENSE'), `${name} carries its licence text`);
      assert.ok(files.some((f) => f.endsWith('.d.ts')), `${name} has declarations`);
      assert.ok(!files.some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')), `${name} ships TypeScript sources`);
    }
    // The console's built assets travel with the server.
    assert.ok(existsSync(join(consumer(), 'node_modules/@tessera-oauth/server/console/dist/index.html')));
  });

  it('keeps the client free of runtime dependencies and the verifier down to jose', () => {
    const manifest = (name: string) => JSON.parse(readFileSync(join(consumer(), 'node_modules/@tessera-oauth', name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    assert.deepEqual(Object.keys(manifest('client').dependencies ?? {}), []);
    assert.deepEqual(Object.keys(manifest('verify').dependencies ?? {}), ['jose']);
  });

  it('answers npx tessera --version with the package version', async () => {
    const { stdout } = await run('npx', ['tessera', '--version'], { cwd: consumer(), env: ENV });
    assert.equal(stdout, `tessera ${rootManifest.version}\n`);
  });

  it('runs the README walkthrough as written: npx tessera init, serve, and a token by curl', async () => {
    const result = await runWalkthrough('install', { cwd: consumer(), env: ENV });
    assert.equal(result.code, 0, `${result.script}\n${result.stderr}`);
    assert.match(result.stdout, /"access_token":"tat_/, result.stdout);
  });

  it('gets and verifies tokens with the client and the verifier, from JavaScript and from TypeScript', async () => {
    const db = join(dir, 'sdk.db');
    const init = await tessera(['init', '--db', db]);
    assert.equal(init.code, 0, init.stderr);
    const admin = JSON.parse(init.stdout) as { clientSecret: string };
    const api = await tessera(['clients', 'create', 'api', '--db', db, '--format', 'jwt', '--scopes', 'read']);
    assert.equal(api.code, 0, api.stderr);
    const apiSecret = (JSON.parse(api.stdout) as { clientSecret: string }).clientSecret;
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const server = spawn(join(consumer(), 'node_modules/.bin/tessera'), ['serve', '--db', db, '--port', String(port)], { cwd: consumer(), env: ENV, stdio: 'ignore' });
    started.push(server);
    await waitForHealth(url);
    // The default tenant's issuer follows the port `serve` was given.
    const issuer = `http://localhost:${port}`;
    const node = (file: string, ...args: string[]) => run(process.execPath, [file, ...args], { cwd: consumer(), env: ENV }).then((r) => JSON.parse(r.stdout) as Record<string, unknown>);
    assert.deepEqual(await node('opaque.js', url, issuer, 'admin', admin.clientSecret), { token: 'tat_', ok: true, clientId: 'admin' });
    assert.deepEqual(await node('jwt.ts', url, issuer, 'api', apiSecret), { token: 3, ok: true, clientId: 'api' });
    assert.equal(await stop(server), 0);
  });

  it("serves with --workers from the built files (each worker runs the package's main module)", async () => {
    const db = join(dir, 'workers.db');
    const port = await freePort();
    const server = spawn(join(consumer(), 'node_modules/.bin/tessera'), ['serve', '--db', db, '--port', String(port), '--workers', '2'], { cwd: consumer(), env: ENV, stdio: 'ignore' });
    started.push(server);
    const health = await waitForHealth(`http://127.0.0.1:${port}`);
    assert.equal(health.status, 'ok');
    assert.equal(await stop(server), 0);
  });

  for (const [typescript, bin] of [[`TypeScript ${devVersion('typescript')}`, 'typescript/bin/tsc'], ['TypeScript 5.9', 'typescript5/bin/tsc']] as const) {
    it(`type-checks server and browser code against the packages with ${typescript}, strict, exactOptionalPropertyTypes, noUncheckedIndexedAccess, no skipLibCheck`, async () => {
      for (const project of ['tsconfig.server.json', 'tsconfig.browser.json']) {
        const result = await run(process.execPath, [join(consumer(), 'node_modules', bin), '-p', project], { cwd: consumer(), env: ENV }).then(
          () => '',
          (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}`,
        );
        assert.equal(result, '', `${project}:\n${result}`);
      }
    });
  }

  it('bundles the client and the verifier for the browser with esbuild, importing nothing from node:', async () => {
    const esbuild = join(consumer(), 'node_modules/.bin/esbuild');
    await run(esbuild, ['browser-entry.js', '--bundle', '--platform=browser', '--format=esm', '--metafile=meta.json', '--outfile=bundle.js', '--log-level=error'], { cwd: consumer(), env: ENV });
    const meta = JSON.parse(readFileSync(join(consumer(), 'meta.json'), 'utf8')) as { inputs: Record<string, { imports: { path: string; external?: boolean }[] }> };
    const inputs = Object.keys(meta.inputs);
    assert.ok(inputs.some((i) => i.includes('@tessera-oauth/client/dist/')) && inputs.some((i) => i.includes('@tessera-oauth/verify/dist/')), inputs.join('\n'));
    const nodeImports = Object.entries(meta.inputs).flatMap(([file, { imports }]) => imports.filter((i) => i.path.startsWith('node:') || i.external === true).map((i) => `${file} → ${i.path}`));
    assert.deepEqual(nodeImports, []);
  });
});

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/** SIGTERM, then the exit code once the process (and, for --workers, its workers) has stopped. */
function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

async function waitForHealth(url: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 300; i++) {
    const answer = await fetch(`${url}/healthz`).then((r) => (r.ok ? (r.json() as Promise<Record<string, unknown>>) : undefined), () => undefined);
    if (answer !== undefined) return answer;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer /healthz within 30 s`);
}
