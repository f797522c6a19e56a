/**
 * The token source's cache: single-flight, renewal ahead of expiry on a frozen
 * clock, failures not cached, keys per request parameters, forced renewal.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTokenSource, type TokenSourceOptions } from '../../src/client/index.ts';
import { fakeTransport, frozenClock, json, tokenResponse, type FakeTransport } from './helpers/fake-transport.ts';
import { startStub } from './helpers/stub-server.ts';

const ENDPOINT = 'https://auth.example.test/oauth/token';

function sourceWith(transport: FakeTransport, options: Partial<TokenSourceOptions> = {}) {
  return createTokenSource({
    tokenEndpoint: ENDPOINT,
    clientId: 'svc',
    clientSecret: 'secret',
    fetch: transport.fetch,
    random: () => 0,
    ...options,
  });
}

describe('single-flight', () => {
  test('100 concurrent getToken() calls on a cold cache make exactly one token request', async () => {
    const stub = await startStub(() => ({ delay: 50, body: { access_token: 'shared', token_type: 'bearer', expires_in: 3600 } }));
    try {
      const source = createTokenSource({ tokenEndpoint: `${stub.url}/token`, clientId: 'svc', clientSecret: 'secret' });

      const tokens = await Promise.all(Array.from({ length: 100 }, () => source.getToken()));

      assert.equal(stub.requests.length, 1);
      assert.ok(tokens.every((t) => t.accessToken === 'shared'));
    } finally {
      await stub.close();
    }
  });

  test('every caller sharing a failed request gets the error, from one request', async () => {
    const transport = fakeTransport(() => json({ error: 'temporarily_unavailable' }, 503));
    const source = sourceWith(transport);

    const results = await Promise.allSettled(Array.from({ length: 10 }, () => source.getToken()));

    assert.equal(transport.calls.length, 1);
    assert.ok(results.every((r) => r.status === 'rejected' && (r.reason as { error?: string }).error === 'temporarily_unavailable'));
  });
});

describe('renewal ahead of expiry', () => {
  test('serves the cached token until the renewal margin without a new request', async () => {
    const clock = frozenClock();
    const transport = fakeTransport((_, i) => tokenResponse(i));
    const source = sourceWith(transport, { now: clock.now });

    assert.equal((await source.getToken()).accessToken, 'token-0');
    clock.advance(3600 - 61);
    assert.equal((await source.getToken()).accessToken, 'token-0');
    assert.equal(transport.calls.length, 1);
  });

  test('renews a token near expiry exactly once however many callers ask', async () => {
    const clock = frozenClock();
    const transport = fakeTransport((_, i) => tokenResponse(i));
    const source = sourceWith(transport, { now: clock.now });
    await source.getToken();

    clock.advance(3600 - 30);
    const tokens = await Promise.all(Array.from({ length: 20 }, () => source.getToken()));

    assert.equal(transport.calls.length, 2);
    assert.ok(tokens.every((t) => t.accessToken === 'token-1'));
    assert.equal((await source.getToken()).accessToken, 'token-1');
    assert.equal(transport.calls.length, 2);
  });

  test('renewBefore and the jitter drawn for the token set the renewal time', async () => {
    const clock = frozenClock();
    const transport = fakeTransport((_, i) => tokenResponse(i));
    // Renew 120 s + 0.5 × 10 s = 125 s before expiry.
    const source = sourceWith(transport, { now: clock.now, renewBefore: 120, renewJitter: 10, random: () => 0.5 });
    await source.getToken();

    clock.advance(3600 - 125 - 0.001);
    await source.getToken();
    assert.equal(transport.calls.length, 1);
    clock.advance(0.001);
    await source.getToken();
    assert.equal(transport.calls.length, 2);
  });

  test('caps the renewal margin at half the lifetime of a short-lived token', async () => {
    const clock = frozenClock();
    const transport = fakeTransport((_, i) => tokenResponse(i, { expires_in: 30 }));
    const source = sourceWith(transport, { now: clock.now });
    await source.getToken();

    clock.advance(14);
    await source.getToken();
    assert.equal(transport.calls.length, 1, 'a 30 s token is still cached after 14 s');
    clock.advance(1);
    await source.getToken();
    assert.equal(transport.calls.length, 2, 'and renewed at 15 s');
  });

  test('a token without expires_in is renewed on the fallback lifetime, not kept forever', async () => {
    const clock = frozenClock();
    const transport = fakeTransport((_, i) => json({ access_token: `token-${i}` }));
    const source = sourceWith(transport, { now: clock.now, fallbackLifetime: 600 });

    const first = await source.getToken();
    assert.equal(first.lifetimeSource, 'fallback');
    assert.equal(first.expiresIn, 600);
    clock.advance(600 - 61);
    await source.getToken();
    assert.equal(transport.calls.length, 1);
    clock.advance(2);
    assert.equal((await source.getToken()).accessToken, 'token-1');
  });
});

describe('failures', () => {
  test('a failed request is not cached: the next call sends a new request', async () => {
    const transport = fakeTransport((_, i) => (i === 0 ? json({ error: 'server_error' }, 500) : tokenResponse(i)));
    const source = sourceWith(transport);

    await assert.rejects(source.getToken(), { name: 'TokenEndpointError', error: 'server_error' });
    assert.equal((await source.getToken()).accessToken, 'token-1');
    assert.equal(transport.calls.length, 2);
  });

  test('a failed renewal is thrown and retried on the next call', async () => {
    const clock = frozenClock();
    const transport = fakeTransport((_, i) => (i === 1 ? json({ error: 'server_error' }, 500) : tokenResponse(i)));
    const source = sourceWith(transport, { now: clock.now });
    await source.getToken();
    clock.advance(3590);

    await assert.rejects(source.getToken(), { error: 'server_error' });
    assert.equal((await source.getToken()).accessToken, 'token-2');
  });
});

describe('cache keys', () => {
  test('a different scope makes a different request; the same scope is served from cache', async () => {
    const transport = fakeTransport((_, i) => tokenResponse(i));
    const source = sourceWith(transport);

    const read = await source.getToken({ scope: 'read' });
    const write = await source.getToken({ scope: 'write' });
    const readAgain = await source.getToken({ scope: 'read' });

    assert.equal(transport.calls.length, 2);
    assert.deepEqual(transport.calls.map((c) => c.params['scope']), ['read', 'write']);
    assert.notEqual(read.accessToken, write.accessToken);
    assert.equal(readAgain.accessToken, read.accessToken);
  });

  test('scope order and list form do not matter: scope is a set', async () => {
    const transport = fakeTransport((_, i) => tokenResponse(i));
    const source = sourceWith(transport);

    await source.getToken({ scope: 'a b' });
    await source.getToken({ scope: ['b', 'a'] });

    assert.equal(transport.calls.length, 1);
  });

  test('audience and extra params such as tenant are part of the key', async () => {
    const transport = fakeTransport((_, i) => tokenResponse(i));
    const source = sourceWith(transport, { params: { tenant: 'one.example' } });

    await source.getToken();
    await source.getToken({ params: { tenant: 'two.example' } });
    await source.getToken({ audience: 'https://api.example' });
    await source.getToken({ params: { tenant: 'one.example' } });

    assert.equal(transport.calls.length, 3);
    assert.deepEqual(
      transport.calls.map((c) => [c.params['tenant'], c.params['audience']]),
      [
        ['one.example', undefined],
        ['two.example', undefined],
        ['one.example', 'https://api.example'],
      ],
    );
  });
});

describe('forced renewal and invalidation', () => {
  test('forceRefresh fetches a new token even when the cached one is fresh', async () => {
    const transport = fakeTransport((_, i) => tokenResponse(i));
    const source = sourceWith(transport);
    await source.getToken();

    const forced = await source.getToken({ forceRefresh: true });

    assert.equal(forced.accessToken, 'token-1');
    assert.equal((await source.getToken()).accessToken, 'token-1');
  });

  test('forceRefresh joins a request already in flight instead of sending another', async () => {
    const transport = fakeTransport((_, i) => tokenResponse(i));
    const source = sourceWith(transport);

    await Promise.all([source.getToken(), source.getToken({ forceRefresh: true }), source.getToken({ forceRefresh: true })]);

    assert.equal(transport.calls.length, 1);
  });

  test('invalidate drops the matching token and leaves a newer one alone', async () => {
    const transport = fakeTransport((_, i) => tokenResponse(i));
    const source = sourceWith(transport);
    const first = await source.getToken();

    source.invalidate(first.accessToken);
    const second = await source.getToken();
    source.invalidate(first.accessToken);
    const third = await source.getToken();

    assert.equal(second.accessToken, 'token-1');
    assert.equal(third.accessToken, 'token-1');
    assert.equal(transport.calls.length, 2);
  });

  test('clear forgets every cached token', async () => {
    const transport = fakeTransport((_, i) => tokenResponse(i));
    const source = sourceWith(transport);
    await source.getToken({ scope: 'a' });
    await source.getToken({ scope: 'b' });

    source.clear();
    await source.getToken({ scope: 'a' });

    assert.equal(transport.calls.length, 3);
  });
});
