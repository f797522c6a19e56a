/**
 * What the default transport does around a token request: time limits and
 * redirects, against a real socket.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTokenSource, TokenEndpointError, TokenRequestError } from '../../src/client/index.ts';
import { startStub } from './helpers/stub-server.ts';

describe('default transport', () => {
  test('a request slower than the timeout fails with TokenRequestError TIMEOUT, and is not cached', async () => {
    // The timeout leaves the second, prompt answer ample time even on a loaded machine; the first never comes in time.
    const stub = await startStub((_, i) => (i === 0 ? { delay: 10_000, body: {} } : { body: { access_token: 'second' } }));
    try {
      const source = createTokenSource({ tokenEndpoint: `${stub.url}/token`, clientId: 'svc', clientSecret: 's', timeout: 1000 });

      const error = await source.getToken().catch((e: unknown) => e);

      assert.ok(error instanceof TokenRequestError);
      assert.equal(error.code, 'TIMEOUT');
      assert.match(error.message, /timed out after 1000 ms/);
      assert.equal((await source.getToken()).accessToken, 'second');
    } finally {
      await stub.close();
    }
  });

  test('a redirect is not followed, so the credentials are not resent elsewhere', async () => {
    const stub = await startStub((request) =>
      request.path === '/token' ? { status: 307, headers: { location: '/elsewhere' } } : { body: { access_token: 'should-not-get-here' } },
    );
    try {
      const source = createTokenSource({ tokenEndpoint: `${stub.url}/token`, clientId: 'svc', clientSecret: 's' });

      const error = await source.getToken().catch((e: unknown) => e);

      assert.ok(error instanceof TokenEndpointError);
      assert.equal(error.status, 307);
      assert.deepEqual(stub.requests.map((r) => r.path), ['/token']);
    } finally {
      await stub.close();
    }
  });
});
