/**
 * The direct dispatcher: live requests to the token, introspection and
 * revocation endpoints bypass Fastify's router, and must be answered exactly
 * as Fastify's routes for the same endpoints answer them (which the rest of
 * the suite exercises through `app.inject()`).
 */
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { OAuthError } from '../../src/core/errors.ts';
import { EndOfTurn } from '../../src/http/end-of-turn.ts';
import { DirectDispatcher } from '../../src/http/direct-dispatch.ts';
import type { FormEndpoint } from '../../src/http/form-endpoints.ts';
import type { HttpTokenInput } from '../../src/http/parse/token-request-from-http.ts';
import { requestLogHook } from '../../src/http/pipeline/hooks/request-log.ts';
import { shutdownGateHook } from '../../src/http/pipeline/hooks/shutdown-gate.ts';
import { RequestIds } from '../../src/http/pipeline/request-ids.ts';
import { ClientAddresses } from '../../src/http/client-address.ts';
import { RequestPipeline } from '../../src/http/pipeline/request-pipeline.ts';
import { addClient, basic, createTestTessera } from '../helpers/fixtures.ts';
import { FORM, injectableApp } from './helpers.ts';

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request over a real socket (fetch cannot send a GET body, seed 003 does). */
function send(port: number, method: string, path: string, headers: Record<string, string | number>, body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface LogLine {
  level: string;
  fields: Record<string, unknown>;
  msg: string;
}

function recordingLogger(level: string): { log: FastifyBaseLogger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const make = (bindings: Record<string, unknown>): Record<string, unknown> => {
    const at = (name: string) => (fields: Record<string, unknown>, msg: string) => void lines.push({ level: name, fields: { ...bindings, ...fields }, msg });
    const logger: Record<string, unknown> = { info: at('info'), error: at('error'), warn: at('warn'), debug: at('debug'), trace: at('trace'), fatal: at('fatal') };
    logger.child = (more: Record<string, unknown>) => Object.assign(make({ ...bindings, ...more }), { level: root.level });
    return logger;
  };
  const root = Object.assign(make({}), { level });
  return { log: root as unknown as FastifyBaseLogger, lines };
}

describe('direct dispatch: which requests bypass Fastify', () => {
  const endpoint = (path: string, methods: string[]): FormEndpoint => ({
    path, methods, name: path, route: { name: 'token', errorFormat: 'oauth' }, respond: async () => ({ headers: {}, body: '{}' }),
  });
  const token = endpoint('/oauth/token', ['POST']);
  const owin = endpoint('/Token', ['GET', 'POST']);
  const seed000 = endpoint('/v2/token/', ['POST']);
  const dispatcher = new DirectDispatcher({
    endpoints: [token, owin, seed000],
    bodyLimitBytes: 1024,
    endOfTurn: new EndOfTurn(),
    requestTimeoutMs: 1000,
    headersTimeoutMs: 1000,
    keepAliveTimeoutMs: 1000,
    pipeline: new RequestPipeline({ hooks: [], log: recordingLogger('info').log, requestIds: new RequestIds() }),
  });

  it('matches the exact path, with or without a trailing slash or a query string', () => {
    assert.equal(dispatcher.match('POST', '/oauth/token')?.endpoint, token);
    assert.equal(dispatcher.match('POST', '/oauth/token/')?.endpoint, token);
    assert.equal(dispatcher.match('POST', '/oauth/token?x=1')?.endpoint, token);
    assert.equal(dispatcher.match('GET', '/Token')?.endpoint, owin);
  });

  it('matches a path configured with a trailing slash (seed 000), with or without it', () => {
    assert.equal(dispatcher.match('POST', '/v2/token/')?.endpoint, seed000);
    assert.equal(dispatcher.match('POST', '/v2/token')?.endpoint, seed000);
    assert.equal(dispatcher.match('POST', '/t/acme/v2/token/')?.endpoint, seed000);
  });

  it('names the tenant of a /t/<tenant>/ path, decoded as Fastify decodes route parameters', () => {
    assert.deepEqual(dispatcher.match('POST', '/t/acme/oauth/token'), { endpoint: token, pathTenant: 'acme' });
    assert.deepEqual(dispatcher.match('POST', '/t/%61cme%20x/oauth/token/'), { endpoint: token, pathTenant: 'acme x' });
  });

  it('matches a case-insensitive path (the owin dialect) in any letter case, an exact spelling first', () => {
    const insensitive = { ...endpoint('/Token', ['GET', 'POST']), caseInsensitive: true };
    const exact = endpoint('/token', ['POST']);
    const d = new DirectDispatcher({
      endpoints: [insensitive, exact],
      bodyLimitBytes: 1024,
      endOfTurn: new EndOfTurn(),
      requestTimeoutMs: 1000,
      headersTimeoutMs: 1000,
      keepAliveTimeoutMs: 1000,
      pipeline: new RequestPipeline({ hooks: [], log: recordingLogger('info').log, requestIds: new RequestIds() }),
    });
    assert.equal(d.match('GET', '/TOKEN')?.endpoint, insensitive);
    assert.equal(d.match('GET', '/tOkEn/?x=1')?.endpoint, insensitive);
    assert.deepEqual(d.match('GET', '/t/Acme/TOKEN'), { endpoint: insensitive, pathTenant: 'Acme' });
    assert.equal(d.match('POST', '/token')?.endpoint, exact, 'the exact spelling of another path wins');
    assert.equal(d.match('GET', '/token'), undefined, 'and its methods decide (Fastify answers 405)');
    assert.equal(d.caseInsensitivePaths.rewrite('/TOKEN/?a=b'), '/Token/?a=b');
    assert.equal(d.caseInsensitivePaths.rewrite('/t/Acme/token'), '/t/Acme/Token');
    assert.equal(d.caseInsensitivePaths.rewrite('/Token'), undefined, 'nothing to rewrite');
    assert.equal(d.caseInsensitivePaths.rewrite('/oauth/TOKEN'), undefined);
  });

  it('leaves everything else to Fastify: other methods, other paths, other case, empty or malformed tenants', () => {
    for (const [method, url] of [
      ['GET', '/oauth/token'],
      ['PUT', '/Token'],
      ['POST', '/oauth/tokens'],
      ['POST', '/OAUTH/TOKEN'],
      ['POST', '/t//oauth/token'],
      ['POST', '/t/acme'],
      ['POST', '/t/%E0%A4%A/oauth/token'],
      ['POST', '/admin/v1/tenants'],
      ['POST', '/oauth/token//'],
      // Longer than Fastify's route parameters may be (it answers 414 itself).
      ['POST', `/t/${'a'.repeat(101)}/oauth/token`],
    ] as const) {
      assert.equal(dispatcher.match(method, url), undefined, `${method} ${url}`);
    }
  });
});

describe('direct dispatch: a live server', () => {
  let port: number;
  let fastifyCalls = 0;
  let lastInput: HttpTokenInput | undefined;
  let failWith: unknown;
  const logger = recordingLogger('info');
  const endpoint: FormEndpoint = {
    path: '/oauth/token',
    methods: ['POST', 'GET'],
    name: 'token endpoint',
    route: { name: 'token', errorFormat: 'oauth' },
    async respond(input) {
      lastInput = input;
      if (failWith !== undefined) throw failWith;
      return { headers: { 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8' }, body: '{"ok":"é"}' };
    },
  };
  const shutdownGate = shutdownGateHook();
  const dispatcher = new DirectDispatcher({
    endpoints: [endpoint],
    bodyLimitBytes: 64,
    endOfTurn: new EndOfTurn(),
    requestTimeoutMs: 1000,
    headersTimeoutMs: 1000,
    keepAliveTimeoutMs: 1000,
    pipeline: new RequestPipeline({ hooks: [shutdownGate, requestLogHook()], log: logger.log, requestIds: { idFor: () => 'req-x' } as unknown as RequestIds, clientAddress: new ClientAddresses({ trustedProxies: ['0.0.0.0/0', '::/0'], header: 'x-forwarded-for' }).of }),
  });
  const server = dispatcher.createServer((_req, res) => {
    fastifyCalls += 1;
    res.writeHead(404).end();
  });

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('serves a matching request itself, with the wire input the parsers take and a correct Content-Length', async () => {
    const before = fastifyCalls;
    const res = await send(port, 'POST', '/t/acme/oauth/token?a=b', { ...FORM, authorization: 'Basic eDp5', host: 'auth.test', 'x-forwarded-for': '203.0.113.9, 10.0.0.1' }, 'grant_type=x');
    assert.equal(res.status, 200);
    assert.equal(res.body, '{"ok":"é"}');
    assert.equal(Number(res.headers['content-length']), Buffer.byteLength('{"ok":"é"}'));
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(fastifyCalls, before);
    assert.equal(lastInput?.abandoned?.(), false, 'the client is still connected');
    assert.equal(typeof lastInput?.report, 'function', 'the pipeline hears who is calling');
    assert.equal(lastInput?.facts?.tenantId, undefined, 'the request context, where the endpoint reports what it learned');
    assert.deepEqual({ ...lastInput, abandoned: undefined, report: undefined, facts: undefined }, {
      abandoned: undefined,
      report: undefined,
      facts: undefined,
      method: 'POST',
      query: 'a=b',
      contentType: FORM['content-type'],
      authorization: 'Basic eDp5',
      host: 'auth.test',
      body: Buffer.from('grant_type=x'),
      remoteAddress: '203.0.113.9',
      pathTenant: 'acme',
    });
  });

  it('takes the client-most X-Forwarded-For entry when every hop is trusted', async () => {
    await send(port, 'POST', '/oauth/token', { ...FORM, 'x-forwarded-for': ' , 198.51.100.7, 10.0.0.1' }, 'a=b');
    assert.equal(lastInput?.remoteAddress, '198.51.100.7');
  });

  it('reads a GET body (seed 003)', async () => {
    await send(port, 'GET', '/oauth/token', { 'content-type': 'application/json', 'content-length': 12 }, 'grant_type=y');
    assert.deepEqual(lastInput?.body, Buffer.from('grant_type=y'));
  });

  it('hands anything else to Fastify', async () => {
    const before = fastifyCalls;
    const res = await send(port, 'DELETE', '/oauth/token', {});
    assert.equal(res.status, 404);
    assert.equal(fastifyCalls, before + 1);
  });

  it('refuses a body over the limit with 413, declared or streamed, and closes the connection', async () => {
    const declared = await send(port, 'POST', '/oauth/token', { ...FORM, 'content-length': 100 }, 'x'.repeat(100));
    assert.equal(declared.status, 413);
    assert.equal(JSON.parse(declared.body).error, 'invalid_request');
    assert.equal(declared.headers.connection, 'close');
    const streamed = await send(port, 'POST', '/oauth/token', { ...FORM, 'transfer-encoding': 'chunked' }, 'x'.repeat(100));
    assert.equal(streamed.status, 413);
    assert.match(JSON.parse(streamed.body).error_description, /larger than 64 bytes/);
  });

  it('answers an endpoint error as RFC 6749 §5.2, and an unexpected one as a server_error without its detail', async () => {
    failWith = new OAuthError('invalid_client', 'Client authentication failed', { status: 401, headers: { 'www-authenticate': 'Basic' } });
    const refused = await send(port, 'POST', '/oauth/token', FORM, 'a=b');
    assert.equal(refused.status, 401);
    assert.equal(refused.headers['www-authenticate'], 'Basic');
    assert.equal(refused.headers['cache-control'], 'no-store');
    assert.equal(JSON.parse(refused.body).error, 'invalid_client');
    failWith = new Error('database file is secret-path.db');
    const crashed = await send(port, 'POST', '/oauth/token', FORM, 'a=b');
    failWith = undefined;
    assert.equal(crashed.status, 500);
    assert.equal(JSON.parse(crashed.body).error, 'server_error');
    assert.doesNotMatch(crashed.body, /secret-path/);
    const failure = logger.lines.find((l) => l.level === 'error' && JSON.stringify(l.fields).includes('secret-path'));
    assert.equal(failure?.fields.reqId, 'req-x', 'the error line names its request, as the access line does');
  });

  it('survives a client that disconnects in the middle of its body, and keeps serving', async () => {
    await new Promise<void>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/oauth/token', headers: { ...FORM, 'content-length': 50 } });
      req.on('error', () => resolve());
      req.write('grant_type=', () => setTimeout(() => (req.destroy(), resolve()), 20));
    });
    const res = await send(port, 'POST', '/oauth/token', FORM, 'grant_type=z');
    assert.equal(res.status, 200);
  });

  it('logs one line per request at info, by path only (never the query string)', async () => {
    logger.lines.length = 0;
    await send(port, 'POST', '/oauth/token?client_secret=hunter2', FORM, 'a=b');
    await new Promise((resolve) => setImmediate(resolve));
    const lines = logger.lines.filter((l) => l.msg === 'request');
    assert.equal(lines.length, 1);
    assert.deepEqual({ ...lines[0]!.fields, ms: undefined }, { reqId: 'req-x', method: 'POST', path: '/oauth/token', route: 'token', status: 200, ms: undefined, ip: '127.0.0.1' });
    assert.doesNotMatch(JSON.stringify(logger.lines), /hunter2/);
    logger.log.level = 'warn';
    await send(port, 'POST', '/oauth/token', FORM, 'a=b');
    logger.log.level = 'info';
    assert.equal(logger.lines.filter((l) => l.msg === 'request').length, 1);
  });

  it('answers 503 temporarily_unavailable once shutdown has begun', async () => {
    shutdownGate.close();
    const res = await send(port, 'POST', '/oauth/token', FORM, 'a=b');
    assert.equal(res.status, 503);
    assert.equal(JSON.parse(res.body).error, 'temporarily_unavailable');
    assert.equal(res.headers['retry-after'], '5');
    assert.equal(res.headers.connection, 'close');
  });
});

describe('direct dispatch: the same answers as the Fastify routes', () => {
  let app: FastifyInstance;
  let port: number;
  let authorization: string;

  before(async () => {
    const t = await createTestTessera();
    authorization = basic('svc', await addClient(t, { id: 'svc' }));
    app = await injectableApp(t);
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  after(() => app.close());

  const cases: { name: string; method: string; url: string; headers?: Record<string, string>; body?: string }[] = [
    { name: 'a client-credentials request', method: 'POST', url: '/oauth/token', body: 'grant_type=client_credentials' },
    { name: 'a tenant-prefixed request', method: 'POST', url: '/t/default/oauth/token/', body: 'grant_type=client_credentials' },
    { name: 'an unknown tenant by path', method: 'POST', url: '/t/nope/oauth/token', body: 'grant_type=client_credentials' },
    { name: 'a tenant segment longer than a route parameter may be', method: 'POST', url: `/t/${'a'.repeat(150)}/oauth/token`, body: 'grant_type=client_credentials' },
    { name: "seed 000's path, configured with its trailing slash", method: 'POST', url: '/v2/token/', body: 'grant_type=client_credentials' },
    { name: "seed 000's path without the slash", method: 'POST', url: '/v2/token', body: 'grant_type=client_credentials' },
    { name: 'a missing grant type', method: 'POST', url: '/oauth/token', body: 'scope=a' },
    { name: 'a repeated parameter', method: 'POST', url: '/oauth/token', body: 'grant_type=client_credentials&grant_type=password' },
    { name: 'a JSON body at a strict path', method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/json' }, body: '{"grant_type":"client_credentials"}' },
    { name: 'a wrong secret', method: 'POST', url: '/oauth/token', headers: { authorization: basic('svc', 'wrong') }, body: 'grant_type=client_credentials' },
    { name: 'GET at a POST-only path', method: 'GET', url: '/oauth/token' },
    { name: "seed 003's GET with a form body labelled JSON", method: 'GET', url: '/Token', headers: { 'content-type': 'application/json' }, body: 'grant_type=client_credentials' },
    { name: "seed 003's path in lower case", method: 'GET', url: '/token', headers: { 'content-type': 'application/json' }, body: 'grant_type=client_credentials' },
    { name: "seed 003's path in upper case under a tenant prefix", method: 'POST', url: '/t/default/TOKEN', body: 'grant_type=client_credentials' },
    { name: 'a method the case-insensitive path does not serve', method: 'PUT', url: '/TOKEN' },
    { name: 'a JSON body at the owin path', method: 'GET', url: '/Token', headers: { 'content-type': 'application/json' }, body: '{"grant_type":"client_credentials"}' },
    { name: "a wrong secret at a path with seed 002's error style", method: 'POST', url: '/vendor/token', headers: { authorization: basic('svc', 'wrong') }, body: 'grant_type=client_credentials' },
    { name: "a method refused at a path with seed 002's error style", method: 'DELETE', url: '/vendor/token' },
    { name: 'an introspection of garbage', method: 'POST', url: '/oauth/introspect', body: 'token=nope' },
    { name: 'a revocation of garbage', method: 'POST', url: '/oauth/revoke', body: 'token=nope' },
    { name: 'an oversized body', method: 'POST', url: '/oauth/token', body: `grant_type=client_credentials&pad=${'x'.repeat(20_000)}` },
  ];

  for (const c of cases) {
    it(`answers ${c.name} over a socket as through inject`, async () => {
      const headers = { ...FORM, authorization, ...c.headers };
      const live = await send(port, c.method, c.url, c.body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(c.body) }, c.body);
      const injected = await app.inject({ method: c.method as 'GET', url: c.url, headers, payload: c.body });
      assert.equal(live.status, injected.statusCode);
      assert.equal(live.headers['content-type'], injected.headers['content-type']);
      assert.equal(live.headers['cache-control'], injected.headers['cache-control']);
      assert.equal(live.headers.allow, injected.headers.allow);
      assert.equal(live.headers['www-authenticate'], injected.headers['www-authenticate']);
      const strip = (body: string) => body.replace(/"access_token":"[^"]+"/, '"access_token":"…"');
      assert.equal(strip(live.body), strip(injected.body));
    });
  }
});
