/**
 * Configuration mistakes are reported as ClientConfigurationError when the
 * token source is created (or when getToken() is given bad per-call params),
 * before anything is sent.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ClientConfigurationError, createTokenSource, presets, RESERVED_PARAMETERS, type TokenSourceOptions } from '../../src/client/index.ts';
import { fakeTransport, tokenResponse } from './helpers/fake-transport.ts';

const ENDPOINT = 'https://auth.example.test/oauth/token';
const transport = fakeTransport((_, i) => tokenResponse(i));
const base: TokenSourceOptions = { tokenEndpoint: ENDPOINT, clientId: 'svc', clientSecret: 'secret', fetch: transport.fetch };

function rejectsAtConstruction(options: TokenSourceOptions, message: RegExp): void {
  assert.throws(() => createTokenSource(options), (error: unknown) => {
    assert.ok(error instanceof ClientConfigurationError, `expected ClientConfigurationError, got ${String(error)}`);
    assert.match(error.message, message);
    return true;
  });
}

describe('extra parameters may not override what the SDK sets', () => {
  for (const name of RESERVED_PARAMETERS) {
    test(`params may not set ${name}`, () => {
      rejectsAtConstruction({ ...base, params: { [name]: 'x' } }, new RegExp(name));
    });
  }

  test('reserved names are matched case-insensitively', () => {
    rejectsAtConstruction({ ...base, params: { Grant_Type: 'password' } }, /Grant_Type/);
  });

  test('getToken() rejects reserved per-call params without sending a request', async () => {
    const source = createTokenSource(base);
    const before = transport.calls.length;
    await assert.rejects(source.getToken({ params: { client_secret: 'other' } }), ClientConfigurationError);
    assert.equal(transport.calls.length, before);
  });

  test('scope may come from the option or from params, not both', () => {
    rejectsAtConstruction({ ...base, scope: 'a', params: { scope: 'b' } }, /scope either/);
  });

  test('ordinary extra params such as tenant are accepted', () => {
    assert.doesNotThrow(() => createTokenSource({ ...base, params: { tenant: 'example.com', resource: 'https://api' } }));
  });
});

describe('client credentials fit the authentication method', () => {
  test('client_credentials needs a client', () => {
    rejectsAtConstruction({ tokenEndpoint: ENDPOINT, fetch: transport.fetch }, /clientId/);
  });

  test('a Basic or post method needs a secret', () => {
    rejectsAtConstruction({ ...base, clientSecret: undefined }, /needs a clientSecret/);
    rejectsAtConstruction({ ...base, clientSecret: undefined, preset: presets.jsonBody }, /needs a clientSecret/);
  });

  test('a secret without a client id is refused', () => {
    rejectsAtConstruction({ ...base, clientId: undefined, grant: { type: 'password', username: 'u', password: 'p' } }, /without a clientId/);
  });

  test("a secret with clientAuth 'none' is refused rather than silently dropped", () => {
    rejectsAtConstruction({ ...base, dialect: { clientAuth: 'none' } }, /none/);
  });

  test('plain Basic cannot carry a client id containing a colon', () => {
    rejectsAtConstruction({ ...base, clientId: 'a:b', preset: presets.basicForm }, /':'/);
    assert.doesNotThrow(() => createTokenSource({ ...base, clientId: 'a:b' }), 'strict Basic form-encodes the colon');
  });
});

describe('dialect and transport', () => {
  test('a GET-with-body dialect without a transport is refused, since fetch() cannot send it', () => {
    rejectsAtConstruction(
      { tokenEndpoint: ENDPOINT, preset: presets.owinPassword, grant: { type: 'password', username: 'u', password: 'p' } },
      /GET request with a body/,
    );
  });

  test('GET with query parameters works with plain fetch', async () => {
    const query = fakeTransport((_, i) => tokenResponse(i));
    const source = createTokenSource({ ...base, fetch: query.fetch, dialect: { method: 'GET', parameterLocation: 'query', clientAuth: 'client_secret_post' } });

    await source.getToken({ scope: 'read' });

    const call = query.calls[0];
    assert.ok(call);
    assert.equal(call.method, 'GET');
    assert.equal(call.body, undefined);
    assert.equal(call.headers.get('content-type'), null);
    assert.equal(call.url.search, '?grant_type=client_credentials&client_id=svc&client_secret=secret&scope=read');
  });

  test('an unknown dialect value is refused', () => {
    rejectsAtConstruction({ ...base, dialect: { method: 'PUT' as 'GET' } }, /method must be one of/);
  });

  test('a preset documenting the password grant needs grant options', () => {
    rejectsAtConstruction({ tokenEndpoint: ENDPOINT, preset: presets.owinPassword, fetch: transport.fetch }, /password grant/);
  });
});

describe('token endpoint URL', () => {
  test('plain http is refused for hosts other than loopback', () => {
    rejectsAtConstruction({ ...base, tokenEndpoint: 'http://auth.example.test/token' }, /plain http/);
    assert.doesNotThrow(() => createTokenSource({ ...base, tokenEndpoint: 'http://auth.example.test/token', allowInsecureHttp: true }));
    assert.doesNotThrow(() => createTokenSource({ ...base, tokenEndpoint: 'http://127.0.0.1:8080/token' }));
  });

  test('credentials embedded in the URL are refused', () => {
    rejectsAtConstruction({ ...base, tokenEndpoint: 'https://svc:secret@auth.example.test/token' }, /embed credentials/);
  });

  test('a relative URL is refused', () => {
    rejectsAtConstruction({ ...base, tokenEndpoint: '/oauth/token' }, /absolute/);
  });
});

describe('timing options', () => {
  test('negative margins and non-positive fallback lifetimes are refused', () => {
    rejectsAtConstruction({ ...base, renewBefore: -1 }, /renewBefore/);
    rejectsAtConstruction({ ...base, fallbackLifetime: 0 }, /fallbackLifetime/);
    rejectsAtConstruction({ ...base, renewJitter: Number.NaN }, /renewJitter/);
  });
});
