/**
 * processTokenResponse(): lenient where vendors differ, strict where a wrong
 * guess would hand out a broken token.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DEFAULT_FALLBACK_LIFETIME,
  InvalidTokenResponseError,
  parseExpiresIn,
  processTokenResponse,
  TokenEndpointError,
} from '../../src/client/index.ts';

const NOW = 1_700_000_000_000;
const now = () => NOW;

function respond(body: string, status = 200, contentType = 'application/json'): Response {
  return new Response(body, { status, headers: { 'content-type': contentType } });
}

async function parse(body: unknown, options: { fallbackLifetime?: number } = {}) {
  return processTokenResponse(respond(JSON.stringify(body)), { now, ...options });
}

async function invalid(response: Response): Promise<InvalidTokenResponseError> {
  const error = await processTokenResponse(response).then(
    () => assert.fail('expected an InvalidTokenResponseError'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof InvalidTokenResponseError, `got ${String(error)}`);
  return error;
}

describe('expires_in', () => {
  test('a number is used as the lifetime in seconds', async () => {
    const token = await parse({ access_token: 't', token_type: 'bearer', expires_in: 3600 });
    assert.equal(token.expiresIn, 3600);
    assert.equal(token.expiresAt, NOW + 3_600_000);
    assert.equal(token.lifetimeSource, 'response');
  });

  test('a numeric string ("3599", seed 001) is read as a number', async () => {
    const token = await parse({ access_token: 't', expires_in: '3599' });
    assert.equal(token.expiresIn, 3599);
    assert.equal(token.lifetimeSource, 'response');
  });

  test('a missing expires_in uses the default fallback lifetime, not "never expires"', async () => {
    const token = await parse({ access_token: 't' });
    assert.equal(token.expiresIn, DEFAULT_FALLBACK_LIFETIME);
    assert.equal(token.expiresAt, NOW + DEFAULT_FALLBACK_LIFETIME * 1000);
    assert.equal(token.lifetimeSource, 'fallback');
  });

  const garbage: Array<[string, unknown]> = [
    ['negative', -60],
    ['zero', 0],
    ['a negative string', '-5'],
    ['a word', 'soon'],
    ['null', null],
    ['an object', { seconds: 60 }],
    ['infinity as a string', 'Infinity'],
    ['a number with units', '3600s'],
    ['an empty string', ''],
  ];
  for (const [label, value] of garbage) {
    test(`expires_in as ${label} uses the configured fallback lifetime`, async () => {
      const token = await parse({ access_token: 't', expires_in: value }, { fallbackLifetime: 120 });
      assert.equal(token.expiresIn, 120);
      assert.equal(token.lifetimeSource, 'fallback');
    });
  }

  test('parseExpiresIn accepts positive numbers and numeric strings only', () => {
    assert.equal(parseExpiresIn(' 42 '), 42);
    assert.equal(parseExpiresIn('1.5'), 1.5);
    assert.equal(parseExpiresIn(Number.NaN), undefined);
    assert.equal(parseExpiresIn('0x10'), undefined);
  });
});

describe('token_type', () => {
  for (const type of ['Bearer', 'BEARER', 'bearer', ' Bearer ']) {
    test(`"${type}" is read as bearer`, async () => {
      assert.equal((await parse({ access_token: 't', token_type: type })).tokenType, 'bearer');
    });
  }

  test('a missing token_type (seed 004) is assumed to be bearer', async () => {
    assert.equal((await parse({ access_token: 't' })).tokenType, 'bearer');
  });

  test('another type is kept, lowercased, for the caller to decide', async () => {
    assert.equal((await parse({ access_token: 't', token_type: 'DPoP' })).tokenType, 'dpop');
  });

  test('a token_type that is not a string is an invalid response', async () => {
    await invalid(respond(JSON.stringify({ access_token: 't', token_type: 7 })));
  });
});

describe('fields', () => {
  test('unknown fields are kept on the result (seed 003)', async () => {
    const token = await parse({ access_token: 't', userName: 'user@example.com', '.expires': 'Sun, 27 Sep 2020 09:35:33 GMT', role: 'Administrator' });
    assert.equal(token.fields['userName'], 'user@example.com');
    assert.equal(token.fields['.expires'], 'Sun, 27 Sep 2020 09:35:33 GMT');
    assert.equal(token.fields['role'], 'Administrator');
  });

  test('refresh_token and scope are read', async () => {
    const token = await parse({ access_token: 't', refresh_token: 'r', scope: 'read write' });
    assert.equal(token.refreshToken, 'r');
    assert.equal(token.scope, 'read write');
  });

  test('camelCase and odd-cased field names are read (accessToken, Expires_In)', async () => {
    const token = await parse({ accessToken: 'camel', Expires_In: 90, TokenType: 'Bearer' });
    assert.equal(token.accessToken, 'camel');
    assert.equal(token.expiresIn, 90);
    assert.equal(token.tokenType, 'bearer');
  });

  test('the result cannot be mutated by a caller sharing the cached token', async () => {
    const token = await parse({ access_token: 't' });
    assert.ok(Object.isFrozen(token));
    assert.ok(Object.isFrozen(token.fields));
  });
});

describe('bodies', () => {
  test('a trailing comma, as in seed 001’s documented response, is forgiven', async () => {
    const token = await processTokenResponse(respond('{ "access_token":"t", "token_type":"Bearer", "expires_in":"3599", }'), { now });
    assert.equal(token.expiresIn, 3599);
  });

  test('a comma inside a string is left alone', async () => {
    const token = await processTokenResponse(respond('{"access_token":"a, }","x":[1,],}'), { now });
    assert.equal(token.accessToken, 'a, }');
  });

  test('a form-encoded success body is read when labelled as such', async () => {
    const token = await processTokenResponse(respond('access_token=legacy&token_type=bearer&expires_in=60', 200, 'application/x-www-form-urlencoded'), { now });
    assert.equal(token.accessToken, 'legacy');
    assert.equal(token.expiresIn, 60);
  });

  test('an HTML success body is an InvalidTokenResponseError carrying status and content type', async () => {
    const error = await invalid(respond('<html><body>Welcome</body></html>', 200, 'text/html; charset=utf-8'));
    assert.equal(error.status, 200);
    assert.equal(error.contentType, 'text/html; charset=utf-8');
    assert.match(error.message, /not a JSON object/);
  });

  test('an empty success body is an InvalidTokenResponseError', async () => {
    const error = await invalid(respond('', 200));
    assert.match(error.message, /empty body/);
  });

  test('a JSON array is an InvalidTokenResponseError', async () => {
    await invalid(respond('[{"access_token":"t"}]'));
  });

  for (const [label, body] of [
    ['missing', { token_type: 'bearer' }],
    ['empty', { access_token: '' }],
    ['a number', { access_token: 12345 }],
  ] as const) {
    test(`an access_token that is ${label} is an InvalidTokenResponseError`, async () => {
      await invalid(respond(JSON.stringify(body)));
    });
  }

  test('a 200 carrying an error object is a TokenEndpointError', async () => {
    const error = await processTokenResponse(respond('{"error":"invalid_client"}', 200)).catch((e: unknown) => e);
    assert.ok(error instanceof TokenEndpointError);
    assert.equal(error.error, 'invalid_client');
    assert.equal(error.status, 200);
  });
});
