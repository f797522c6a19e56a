/**
 * The verifier inside each framework binding: Fastify (injected), Express
 * (a real server on a loopback port, through node:http so repeated headers
 * reach it as sent) and Web Request/Response, answering the same cases alike.
 */
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import express from 'express';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { expressBearer } from '../../src/verify/express.ts';
import { fastifyBearer } from '../../src/verify/fastify.ts';
import { authenticateRequest, createBearerVerifier, type BearerVerifier } from '../../src/verify/index.ts';
import { addClient, basic, createTestTessera, type TestTessera } from '../helpers/fixtures.ts';
import { injectableApp, issueToken } from '../http/helpers.ts';
import { injectFetch } from './helpers.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}
type Call = (path: string, headers: Record<string, string | string[]>) => Promise<Answer>;

const REQUIREMENTS = { scopes: ['read'], accountParameter: 'account' };
let t: TestTessera;
let tessera: FastifyInstance;
let verifier: BearerVerifier;
let jwt: string;
let opaque: string;
let writeOnly: string;
let expired: string;
const bindings: Record<string, Call> = {};
let expressServer: Server;

before(async () => {
  t = await createTestTessera();
  tessera = await injectableApp(t);
  const rs = await addClient(t, { id: 'rs' });
  jwt = await issueToken(tessera, basic('jwt', await addClient(t, { id: 'jwt', tokenFormat: 'jwt', scopes: ['read'], accounts: ['20000', '20001'] })));
  opaque = await issueToken(tessera, basic('op', await addClient(t, { id: 'op', scopes: ['read'], accounts: ['20000'] })));
  writeOnly = await issueToken(tessera, basic('w', await addClient(t, { id: 'w', tokenFormat: 'jwt', scopes: ['write'] })));
  const short = basic('short', await addClient(t, { id: 'short', tokenFormat: 'jwt', scopes: ['read'], accessTokenLifetime: 60 }));
  t.time.advance(-120_000);
  expired = await issueToken(tessera, short);
  t.time.advance(120_000);
  verifier = createBearerVerifier({
    issuer: 'https://auth.example.test',
    tenant: 'default',
    introspection: { clientId: 'rs', clientSecret: rs },
    realm: 'accounts',
    fetch: injectFetch(tessera).fetch,
    clock: t.time.clock,
  });
  const answer = (auth: { clientId: string; selectedAccounts: string[] }) => ({ client: auth.clientId, accounts: auth.selectedAccounts });

  const fastify = Fastify();
  fastify.get('/accounts', { onRequest: fastifyBearer(verifier, REQUIREMENTS) }, async (request) => answer(request.auth!));
  bindings.fastify = async (path, headers) => {
    const res = await fastify.inject({ method: 'GET', url: path, headers });
    return { status: res.statusCode, headers: res.headers as Answer['headers'], body: res.json() };
  };

  const app = express();
  app.get('/accounts', expressBearer(verifier, REQUIREMENTS), (req, res) => void res.json(answer(req.auth!)));
  expressServer = await new Promise<Server>((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
  const { port } = expressServer.address() as AddressInfo;
  bindings.express = (path, headers) =>
    new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk) => (text += chunk)).on('end', () => {
          resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(text) });
        });
      });
      req.on('error', reject).end();
    });

  const handler = async (request: Request): Promise<Response> => {
    const result = await authenticateRequest(verifier, request, REQUIREMENTS);
    return 'response' in result ? result.response : Response.json(answer(result.auth));
  };
  bindings.web = async (path, headers) => {
    const h = new Headers();
    for (const [name, value] of Object.entries(headers)) for (const v of [value].flat()) h.append(name, v);
    const res = await handler(new Request(`https://api.example.test${path}`, { headers: h }));
    return { status: res.status, headers: Object.fromEntries(res.headers.entries()), body: await res.json() };
  };
});

after(() => new Promise<void>((resolve) => expressServer.close(() => resolve())));

const cases: { name: string; path?: string; headers: () => Record<string, string | string[]>; status: number; body?: Record<string, unknown>; error?: string; challenge?: RegExp }[] = [
  { name: 'lets a JWT with the scope through, with every account it carries', headers: () => ({ authorization: `Bearer ${jwt}` }), status: 200, body: { client: 'jwt', accounts: ['20000', '20001'] } },
  { name: 'lets an opaque token through, checked by introspection', headers: () => ({ authorization: `Bearer ${opaque}` }), status: 200, body: { client: 'op', accounts: ['20000'] } },
  { name: 'accepts the scheme in lower case', headers: () => ({ authorization: `bearer ${jwt}` }), status: 200 },
  { name: 'narrows to the accounts a request filters by', path: '/accounts?account=20001', headers: () => ({ authorization: `Bearer ${jwt}` }), status: 200, body: { client: 'jwt', accounts: ['20001'] } },
  { name: 'refuses an account filter naming an account the token lacks', path: '/accounts?account=20000,20002', headers: () => ({ authorization: `Bearer ${jwt}` }), status: 403, error: 'insufficient_scope' },
  { name: 'refuses a request without a token, with a challenge and no error code', headers: () => ({}), status: 401, challenge: /^Bearer realm="accounts"$/ },
  { name: 'refuses a duplicated Authorization header', headers: () => ({ authorization: [`Bearer ${jwt}`, `Bearer ${opaque}`] }), status: 400, error: 'invalid_request' },
  { name: 'refuses a malformed Authorization header', headers: () => ({ authorization: 'Bearer' }), status: 400, error: 'invalid_request' },
  { name: 'refuses a token in the query string', path: `/accounts?access_token=${'x'.repeat(10)}`, headers: () => ({}), status: 400, error: 'invalid_request' },
  { name: 'refuses a token without the required scope, naming it', headers: () => ({ authorization: `Bearer ${writeOnly}` }), status: 403, error: 'insufficient_scope', challenge: /scope="read"/ },
  { name: 'refuses an expired token', headers: () => ({ authorization: `Bearer ${expired}` }), status: 401, error: 'invalid_token', challenge: /error_description="The access token expired"/ },
];

for (const binding of ['fastify', 'express', 'web']) {
  describe(`${binding} binding`, () => {
    for (const c of cases) {
      it(c.name, async () => {
        const res = await bindings[binding]!(c.path ?? '/accounts', c.headers());
        assert.equal(res.status, c.status, JSON.stringify(res.body));
        if (c.body) assert.deepEqual(res.body, c.body);
        if (c.error) {
          assert.equal(res.body.error, c.error);
          assert.match(String(res.headers['www-authenticate']), new RegExp(`^Bearer realm="accounts", .*error="${c.error}"`));
        }
        if (c.challenge) assert.match(String(res.headers['www-authenticate']), c.challenge);
        if (c.status !== 200) assert.equal(res.headers['cache-control'], 'no-store');
      });
    }
  });
}
