/**
 * A resource server on plain node:http whose one route, GET /resource, is
 * protected by `tessera/verify` (issue 5). It answers a small JSON body when
 * the Bearer JWT verifies and 401 otherwise.
 *
 * The verifier's API is not settled while issue 5 is open; `makeVerifier` is
 * the one place to adapt once it lands. It accepts a module exporting
 * `createVerifier(options)` returning `verify(authorizationHeader)` or
 * `verify(token)`, and fails loudly otherwise — the case is then reported as
 * an error, never measured with a stand-in.
 *
 * Config arrives as JSON in BENCH_SERVER_CONFIG: { issuer, audience, tesseraUrl, jwks }.
 */
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { announce, stopOnSignal } from './ready.ts';

const config = JSON.parse(process.env.BENCH_SERVER_CONFIG ?? '{}') as { issuer: string; audience: string; tesseraUrl: string; jwks: unknown[] };
const verifyModule = (await import(resolve(import.meta.dirname, '../../src/verify/index.ts'))) as Record<string, unknown>;

type Verify = (authorization: string) => Promise<unknown>;

async function makeVerifier(): Promise<Verify> {
  const create = verifyModule.createVerifier;
  if (typeof create !== 'function') {
    throw new Error(`tessera/verify exports ${Object.keys(verifyModule).join(', ')}; adapt makeVerifier in bench/servers/tessera-resource.ts`);
  }
  const verifier = await create({
    issuer: config.issuer,
    audience: config.audience,
    jwks: { keys: config.jwks },
    jwksUri: `${config.tesseraUrl}/.well-known/jwks.json`,
  });
  const method = (verifier as { verify?: unknown }).verify;
  const fn = typeof verifier === 'function' ? verifier : typeof method === 'function' ? method.bind(verifier) : undefined;
  if (typeof fn !== 'function') throw new Error('createVerifier returned no verify function; adapt makeVerifier in bench/servers/tessera-resource.ts');
  return async (authorization) => {
    try {
      return await fn(authorization);
    } catch {
      return fn(authorization.replace(/^Bearer\s+/i, ''));
    }
  };
}

const verify = await makeVerifier();
const body = JSON.stringify({ ok: true, resource: 'bench' });

const server = createServer(async (req, res) => {
  try {
    await verify(req.headers.authorization ?? '');
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  } catch {
    res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end();
  }
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => announce(server));
stopOnSignal(server);
