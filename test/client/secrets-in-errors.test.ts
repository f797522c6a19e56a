/**
 * Secrets never reach an error's message, String(), JSON or description, even
 * when the vendor echoes the request back in its error page.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import { basicAuthorization, createTokenSource, presets, TesseraClientError, TokenEndpointError, TokenRequestError } from '../../src/client/index.ts';
import { fakeTransport, json } from './helpers/fake-transport.ts';

/** Chosen so its form-encoded and percent-encoded spellings differ from the raw one. */
const SECRET = 'Sup3r+Secret/Value=42 ü';
const PASSWORD = 'hunter2&more';
const REFRESH = 'refresh-4f9a8c7e2b';

function assertNoSecrets(error: unknown, secrets: readonly string[]): void {
  assert.ok(error instanceof TesseraClientError, `expected an SDK error, got ${String(error)}`);
  const views = [String(error), error.message, JSON.stringify(error), JSON.stringify({ ...error }), error.stack ?? ''];
  for (const secret of secrets) {
    for (const view of views) assert.ok(!view.includes(secret), `secret found in: ${view}`);
  }
}

/** A vendor whose error page echoes the raw request it received, as debug pages do. */
function echoingVendor(status = 400) {
  return fakeTransport((call) =>
    json(
      {
        error: 'invalid_request',
        error_description: `bad request: ${call.body ?? ''} ${call.url.search} auth=${call.headers.get('authorization') ?? ''}`,
      },
      status,
    ),
  );
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );
}

describe('secrets are absent from errors', () => {
  test('a client secret echoed in a form body, raw or form-encoded, is redacted', async () => {
    const vendor = echoingVendor();
    const source = createTokenSource({ tokenEndpoint: 'https://v.example/token', preset: presets.formWithTenant, clientId: 'id', clientSecret: SECRET, params: { tenant: 't' }, fetch: vendor.fetch });

    const error = await errorOf(source.getToken());

    assert.ok(error instanceof TokenEndpointError);
    assert.match(error.errorDescription ?? '', /client_secret=\[redacted\]/);
    assertNoSecrets(error, [SECRET, new URLSearchParams({ s: SECRET }).toString().slice(2), encodeURIComponent(SECRET)]);
  });

  test('a Basic credential echoed back is redacted', async () => {
    const vendor = echoingVendor(401);
    const source = createTokenSource({ tokenEndpoint: 'https://v.example/token', clientId: 'id', clientSecret: SECRET, fetch: vendor.fetch });

    const error = await errorOf(source.getToken());

    const credential = basicAuthorization('id', SECRET, 'strict').slice('Basic '.length);
    assertNoSecrets(error, [SECRET, credential]);
  });

  test('a JSON-body secret echoed back is redacted', async () => {
    const vendor = echoingVendor();
    const source = createTokenSource({ tokenEndpoint: 'https://v.example/token', preset: presets.jsonBody, clientId: 'id', clientSecret: 'json"quoted\\secret', fetch: vendor.fetch });

    const error = await errorOf(source.getToken());

    assertNoSecrets(error, ['json"quoted\\secret', 'json\\"quoted\\\\secret']);
  });

  test('a password and a refresh token echoed back are redacted', async () => {
    const vendor = echoingVendor();
    const password = createTokenSource({ tokenEndpoint: 'https://v.example/Token', grant: { type: 'password', username: 'alice', password: PASSWORD }, fetch: vendor.fetch });
    const refresh = createTokenSource({ tokenEndpoint: 'https://v.example/Token', clientId: 'id', clientSecret: SECRET, grant: { type: 'refresh_token', refreshToken: REFRESH }, fetch: vendor.fetch });

    assertNoSecrets(await errorOf(password.getToken()), [PASSWORD, encodeURIComponent(PASSWORD)]);
    assertNoSecrets(await errorOf(refresh.getToken()), [REFRESH, SECRET]);
  });

  test('secrets echoed in an HTML error page are redacted', async () => {
    const vendor = fakeTransport((call) => new Response(`<html><body>Bad request ${call.body ?? ''}</body></html>`, { status: 400, headers: { 'content-type': 'text/html' } }));
    const source = createTokenSource({ tokenEndpoint: 'https://v.example/token', preset: presets.jsonBody, clientId: 'id', clientSecret: SECRET, fetch: vendor.fetch });

    assertNoSecrets(await errorOf(source.getToken()), [SECRET]);
  });

  test('a secret the HTML page escaped as character references is still redacted', async () => {
    const escaped = [...SECRET].map((c) => (/[a-z0-9]/i.test(c) ? c : `&#${c.codePointAt(0)};`)).join('');
    const vendor = fakeTransport(() => new Response(`<html><body><p>secret=${escaped}</p></body></html>`, { status: 400, headers: { 'content-type': 'text/html' } }));
    const source = createTokenSource({ tokenEndpoint: 'https://v.example/token', clientId: 'id', clientSecret: SECRET, fetch: vendor.fetch });

    const error = await errorOf(source.getToken());

    assert.ok(error instanceof TokenEndpointError);
    assert.equal(error.errorDescription, 'secret=[redacted]');
    assertNoSecrets(error, [SECRET, escaped]);
  });

  test('a network failure of a query-string dialect does not show the URL’s query', async () => {
    // A port that was just free, so the connection is refused.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
      });
    });
    const source = createTokenSource({
      tokenEndpoint: `http://127.0.0.1:${port}/token`,
      clientId: 'id',
      clientSecret: SECRET,
      dialect: { method: 'GET', parameterLocation: 'query', clientAuth: 'client_secret_post' },
    });

    const error = await errorOf(source.getToken());

    assert.ok(error instanceof TokenRequestError);
    assert.equal(error.code, 'ECONNREFUSED');
    assert.match(error.message, /\/token/);
    assertNoSecrets(error, [SECRET, encodeURIComponent(SECRET), 'client_secret']);
  });

  test('a configuration error about a reserved parameter does not repeat its value', () => {
    const error = (() => {
      try {
        createTokenSource({ tokenEndpoint: 'https://v.example/token', clientId: 'id', clientSecret: 'x', params: { client_secret: SECRET } });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assertNoSecrets(error, [SECRET]);
  });
});
