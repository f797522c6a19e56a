/**
 * Refresh tokens: rotation, the password grant's refresh-first renewal with
 * fallback on invalid_grant, and the refresh_token grant's serialised lineage.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTokenSource } from '../../src/client/index.ts';
import { fakeTransport, frozenClock, json } from './helpers/fake-transport.ts';

const ENDPOINT = 'https://auth.example.test/Token';

describe('password grant with a refresh token', () => {
  test('renewal uses the refresh token first and rotates it on every response', async () => {
    const clock = frozenClock();
    const transport = fakeTransport((_, i) => json({ access_token: `access-${i}`, refresh_token: `refresh-${i}`, expires_in: 3600 }));
    const seen: string[] = [];
    const source = createTokenSource({
      tokenEndpoint: ENDPOINT,
      grant: { type: 'password', username: 'alice', password: 'pw' },
      fetch: transport.fetch,
      now: clock.now,
      onRefreshToken: (token) => seen.push(token),
    });

    await source.getToken();
    clock.advance(3600);
    await source.getToken();
    clock.advance(3600);
    const third = await source.getToken();

    assert.deepEqual(
      transport.calls.map((c) => [c.params['grant_type'], c.params['refresh_token']]),
      [
        ['password', undefined],
        ['refresh_token', 'refresh-0'],
        ['refresh_token', 'refresh-1'],
      ],
    );
    assert.equal(transport.calls[1]?.params['password'], undefined, 'the password is not resent with a refresh');
    assert.equal(third.accessToken, 'access-2');
    assert.deepEqual(seen, ['refresh-0', 'refresh-1', 'refresh-2']);
  });

  test('falls back to the password grant when the refresh token is refused with invalid_grant', async () => {
    const clock = frozenClock();
    const transport = fakeTransport((call, i) =>
      call.params['grant_type'] === 'refresh_token'
        ? json({ error: 'Invalid_Grant', error_description: 'refresh token expired' }, 400)
        : json({ access_token: `access-${i}`, refresh_token: `refresh-${i}`, expires_in: 3600 }),
    );
    const source = createTokenSource({ tokenEndpoint: ENDPOINT, grant: { type: 'password', username: 'alice', password: 'pw' }, fetch: transport.fetch, now: clock.now });

    await source.getToken();
    clock.advance(3600);
    const renewed = await source.getToken();

    assert.deepEqual(transport.calls.map((c) => c.params['grant_type']), ['password', 'refresh_token', 'password']);
    assert.equal(renewed.accessToken, 'access-2');
  });

  test('does not fall back on other refresh errors and keeps the refresh token for the next try', async () => {
    const clock = frozenClock();
    const transport = fakeTransport((call, i) => {
      if (i === 1) return json({ error: 'server_error' }, 500);
      return json({ access_token: `access-${i}`, refresh_token: `refresh-${i}`, expires_in: 3600 });
    });
    const source = createTokenSource({ tokenEndpoint: ENDPOINT, grant: { type: 'password', username: 'alice', password: 'pw' }, fetch: transport.fetch, now: clock.now });
    await source.getToken();
    clock.advance(3600);

    await assert.rejects(source.getToken(), { error: 'server_error' });
    await source.getToken();

    assert.deepEqual(
      transport.calls.map((c) => [c.params['grant_type'], c.params['refresh_token']]),
      [
        ['password', undefined],
        ['refresh_token', 'refresh-0'],
        ['refresh_token', 'refresh-0'],
      ],
    );
  });

  test('keeps the old refresh token when a refresh response carries none (RFC 6749 §6)', async () => {
    const clock = frozenClock();
    const transport = fakeTransport((_, i) =>
      json(i === 0 ? { access_token: 'a0', refresh_token: 'r0', expires_in: 100 } : { access_token: `a${i}`, expires_in: 100 }),
    );
    const source = createTokenSource({ tokenEndpoint: ENDPOINT, grant: { type: 'password', username: 'alice', password: 'pw' }, fetch: transport.fetch, now: clock.now });

    await source.getToken();
    clock.advance(100);
    await source.getToken();
    clock.advance(100);
    await source.getToken();

    assert.deepEqual(transport.calls.map((c) => c.params['refresh_token']), [undefined, 'r0', 'r0']);
  });
});

describe('refresh_token grant', () => {
  test('rotates the stored refresh token and never uses a rotated one twice, even across scopes', async () => {
    const transport = fakeTransport((call, i) => json({ access_token: `access-${call.params['scope']}`, refresh_token: `r${i + 1}`, expires_in: 3600 }));
    const source = createTokenSource({ tokenEndpoint: ENDPOINT, clientId: 'app', clientSecret: 's', grant: { type: 'refresh_token', refreshToken: 'r0' }, fetch: transport.fetch });

    const [a, b] = await Promise.all([source.getToken({ scope: 'a' }), source.getToken({ scope: 'b' })]);

    assert.deepEqual(transport.calls.map((c) => c.params['refresh_token']), ['r0', 'r1']);
    assert.equal(a.accessToken, 'access-a');
    assert.equal(b.accessToken, 'access-b');
  });

  test('a refused refresh token is an error, with nothing to fall back to', async () => {
    const transport = fakeTransport(() => json({ error: 'invalid_grant' }, 400));
    const source = createTokenSource({ tokenEndpoint: ENDPOINT, clientId: 'app', clientSecret: 's', grant: { type: 'refresh_token', refreshToken: 'r0' }, fetch: transport.fetch });

    await assert.rejects(source.getToken(), { name: 'TokenEndpointError', error: 'invalid_grant' });
    assert.equal(transport.calls.length, 1);
  });
});

describe('client_credentials grant', () => {
  test('ignores a refresh_token in the response and re-runs the grant', async () => {
    const clock = frozenClock();
    const transport = fakeTransport((_, i) => json({ access_token: `a${i}`, refresh_token: 'unexpected', expires_in: 100 }));
    const source = createTokenSource({ tokenEndpoint: ENDPOINT, clientId: 'app', clientSecret: 's', fetch: transport.fetch, now: clock.now });

    await source.getToken();
    clock.advance(100);
    await source.getToken();

    assert.deepEqual(transport.calls.map((c) => c.params['grant_type']), ['client_credentials', 'client_credentials']);
  });
});
