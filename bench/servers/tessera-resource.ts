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

type Verify = (request: import('node:http').IncomingMessage) => Promise<boolean>;

/** tessera/verify's Bearer verifier for JWTs: keys from the issuer's JWKS, cached after the first fetch. */
async function makeVerifier(): Promise<Verify> {
  const create = verifyModule.createBearerVerifier as ((options: Record<string, unknown>) => { verify(request: unknown): Promise<{ ok: boolean }> }) | undefined;
  if (typeof create !== 'function') {
    throw new Error(`tessera/verify exports ${Object.keys(verifyModule).join(', ')}; adapt makeVerifier in bench/servers/tessera-resource.ts`);
  }
  const verifier = create({ issuer: config.issuer, audience: config.audience, jwksUri: `${config.tesseraUrl}/.well-known/jwks.json` });
  return async (req) => (await verifier.verify({ headers: req.headers, rawHeaders: req.rawHeaders, url: req.url })).ok;
}

const verify = await makeVerifier();
const body = JSON.stringify({ ok: true, resource: 'bench' });

const server = createServer(async (req, res) => {
  try {
    if (!(await verify(req))) throw new Error('refused');
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  } catch {
    res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end();
  }
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => announce(server));
stopOnSignal(server);
