/**
 * The Bearer fetch wrapper against a stub API that accepts only one token.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createAuthenticatedFetch, createTokenSource, type TokenSource } from '../../src/client/index.ts';
import { fakeTransport, tokenResponse, type FakeTransport } from './helpers/fake-transport.ts';
import { startStub, type StubServer } from './helpers/stub-server.ts';

describe('Bearer fetch wrapper', () => {
  /** The API accepts only this token; the token endpoint hands out token-0, token-1, ... */
  let acceptedToken = 'token-1';
  let api: StubServer;
  before(async () => {
    api = await startStub((request) =>
      request.headers.authorization === `Bearer ${acceptedToken}`
        ? { body: { ok: true, echo: request.body } }
        : { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' }, body: 'unauthorized' },
    );
  });
  after(() => api.close());

  let tokens: FakeTransport;
  let source: TokenSource;
  beforeEach(() => {
    api.requests.length = 0;
    acceptedToken = 'token-1';
    tokens = fakeTransport((_, i) => tokenResponse(i));
    source = createTokenSource({ tokenEndpoint: 'https://auth.example.test/token', clientId: 'svc', clientSecret: 's', fetch: tokens.fetch });
  });

  describe('createAuthenticatedFetch', () => {
    test('adds Authorization: Bearer and keeps the caller’s own headers', async () => {
      acceptedToken = 'token-0';
      const authFetch = createAuthenticatedFetch(source);

      const response = await authFetch(`${api.url}/data`, { headers: { 'x-trace': 'abc' } });

      assert.equal(response.status, 200);
      assert.equal(api.requests[0]?.headers.authorization, 'Bearer token-0');
      assert.equal(api.requests[0]?.headers['x-trace'], 'abc');
    });

    test('retries once with a forced new token on a 401, replaying the body', async () => {
      const authFetch = createAuthenticatedFetch(source);

      const response = await authFetch(`${api.url}/users`, { method: 'POST', body: '{"name":"x"}', headers: { 'content-type': 'application/json' } });

      assert.equal(response.status, 200);
      assert.equal(tokens.calls.length, 2, 'exactly one renewal');
      assert.deepEqual(api.requests.map((r) => r.headers.authorization), ['Bearer token-0', 'Bearer token-1']);
      assert.deepEqual(api.requests.map((r) => r.body), ['{"name":"x"}', '{"name":"x"}']);
    });

    test('does not retry a second time when the new token is refused too', async () => {
      acceptedToken = 'never';
      const authFetch = createAuthenticatedFetch(source);

      const response = await authFetch(`${api.url}/data`);

      assert.equal(response.status, 401);
      assert.equal(api.requests.length, 2);
      assert.equal(tokens.calls.length, 2);
    });

    test('a burst of 401s for the same token causes one renewal', async () => {
      const authFetch = createAuthenticatedFetch(source);
      await source.getToken();

      const responses = await Promise.all(Array.from({ length: 5 }, () => authFetch(`${api.url}/data`)));

      assert.ok(responses.every((r) => r.status === 200));
      assert.equal(tokens.calls.length, 2);
    });

    test('a streamed body is not replayed: the 401 is returned and the next call uses a new token', async () => {
      const authFetch = createAuthenticatedFetch(source);
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('streamed'));
          controller.close();
        },
      });

      const first = await authFetch(`${api.url}/upload`, { method: 'POST', body, duplex: 'half' } as RequestInit);
      const second = await authFetch(`${api.url}/data`);

      assert.equal(first.status, 401);
      assert.equal(second.status, 200);
      assert.deepEqual(api.requests.map((r) => r.headers.authorization), ['Bearer token-0', 'Bearer token-1']);
    });

    test('passes scope to the token source so each API gets its own token', async () => {
      const authFetch = createAuthenticatedFetch(source, { scope: 'reports:read' });
      acceptedToken = 'token-0';

      await authFetch(`${api.url}/reports`);

      assert.equal(tokens.calls[0]?.params['scope'], 'reports:read');
    });
  });
});
