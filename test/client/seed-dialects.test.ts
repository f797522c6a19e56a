/**
 * One test per seed vendor: a stub of the vendor's token endpoint checks the
 * exact request its documentation shows (method, path, headers, body bytes)
 * and answers with the documented response, verbatim where the seed has one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTokenSource, presets, TokenEndpointError } from '../../src/client/index.ts';
import { nodeTransport } from '../../src/client/node-transport.ts';
import { decodeBasic, startStub, type RecordedRequest, type StubReply, type StubServer } from './helpers/stub-server.ts';

describe('seed vendor dialects', () => {
  /** Routes requests to the reply registered for the current test. */
  let reply: (request: RecordedRequest) => StubReply = () => ({ status: 500 });
  let stub: StubServer;
  before(async () => {
    stub = await startStub((request) => reply(request));
  });
  after(() => stub.close());

  function lastRequest(): RecordedRequest {
    const request = stub.requests.at(-1);
    assert.ok(request, 'the stub received no request');
    return request;
  }

  describe('seed 000: POST form, HTTP Basic username:password', () => {
    test('presets.basicForm sends POST /v2/token/ with grant_type=client_credentials and plain Basic credentials', async () => {
      // Characters that the strict RFC 6749 encoding would change, to prove the vendor's plain form is sent.
      const password = 'pa ss+wörd%';
      reply = () => ({ body: '{"access_token":"_NRyFKc...MzUpw","token_type":"bearer","expires_in":3600}', headers: { 'content-type': 'application/json' } });
      const source = createTokenSource({
        tokenEndpoint: `${stub.url}/v2/token/`,
        preset: presets.basicForm,
        clientId: 'username',
        clientSecret: password,
      });

      const token = await source.getToken();

      const request = lastRequest();
      assert.equal(request.method, 'POST');
      assert.equal(request.path, '/v2/token/');
      assert.equal(request.headers['content-type'], 'application/x-www-form-urlencoded');
      assert.equal(request.headers.authorization, `Basic ${Buffer.from(`username:${password}`, 'utf8').toString('base64')}`);
      assert.equal(request.body, 'grant_type=client_credentials');
      assert.equal(token.accessToken, '_NRyFKc...MzUpw');
      assert.equal(token.tokenType, 'bearer');
      assert.equal(token.expiresIn, 3600);
    });
  });

  describe('seed 001: POST form with client_id, client_secret and tenant in the body', () => {
    test('presets.formWithTenant sends the documented body byte for byte and reads expires_in "3599"', async () => {
      // The seed's documented response, trailing comma included.
      reply = () => ({
        body: '{ "access_token":"eyJhbGciOiJSUzI1NiI5q9Jgt...6HznsvPWy7UP3MINA", "token_type":"Bearer", "expires_in":"3599", }',
        headers: { 'content-type': 'application/json' },
      });
      const source = createTokenSource({
        tokenEndpoint: `${stub.url}/configapi/v2/oauth/token`,
        preset: presets.formWithTenant,
        clientId: 'client-id',
        clientSecret: 'qkDwDJlDfig2IpeuUZYKH1Wb8q1V0ju6sILxQQqhJ',
        params: { tenant: 'example.com' },
      });

      const token = await source.getToken();

      const request = lastRequest();
      assert.equal(request.method, 'POST');
      assert.equal(request.path, '/configapi/v2/oauth/token');
      assert.equal(request.headers['content-type'], 'application/x-www-form-urlencoded');
      assert.equal(request.headers.authorization, undefined);
      assert.equal(
        request.body,
        'grant_type=client_credentials&client_id=client-id&client_secret=qkDwDJlDfig2IpeuUZYKH1Wb8q1V0ju6sILxQQqhJ&tenant=example.com',
      );
      assert.equal(token.accessToken, 'eyJhbGciOiJSUzI1NiI5q9Jgt...6HznsvPWy7UP3MINA');
      assert.equal(token.tokenType, 'bearer');
      assert.equal(token.expiresIn, 3599);
      assert.equal(token.lifetimeSource, 'response');
    });

    test('presets.formWithTenant refuses to send a request without the tenant parameter', async () => {
      const before = stub.requests.length;
      const source = createTokenSource({
        tokenEndpoint: `${stub.url}/configapi/v2/oauth/token`,
        preset: presets.formWithTenant,
        clientId: 'client-id',
        clientSecret: 'secret',
      });
      await assert.rejects(source.getToken(), { name: 'ClientConfigurationError', message: /tenant/ });
      assert.equal(stub.requests.length, before);
    });
  });

  describe('seed 002: POST form, Basic Base64 of client_id:client_secret', () => {
    const jwt =
      'eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0.eyJpc3MiOiJEZXllbCIsImV4cCI6MTY1NDI2MTQ5MCwic3ViIjoiREVZRUxCT1QifQ.M8EHKFhMwJQsdJbg4VQkPcvlJxoRyG';

    test('presets.basicForm sends Basic credentials and a client_credentials form body and reads a 24 h token', async () => {
      reply = () => ({ body: { access_token: jwt, token_type: 'Bearer', expires_in: 86400 } });
      const source = createTokenSource({ tokenEndpoint: `${stub.url}/api/token`, preset: presets.basicForm, clientId: 'rest-api-thing', clientSecret: 's3cret' });

      const token = await source.getToken();

      const request = lastRequest();
      assert.equal(request.method, 'POST');
      assert.equal(request.headers['content-type'], 'application/x-www-form-urlencoded');
      assert.equal(decodeBasic(request.headers.authorization), 'rest-api-thing:s3cret');
      assert.equal(request.body, 'grant_type=client_credentials');
      assert.equal(token.accessToken, jwt);
      assert.equal(token.expiresIn, 86400);
    });

    test('the documented failure {"error":"Invalid_request"} becomes a TokenEndpointError with code invalid_request', async () => {
      reply = () => ({ status: 400, body: { error_description: 'Invalid client_id', error: 'Invalid_request' } });
      const source = createTokenSource({ tokenEndpoint: `${stub.url}/api/token`, preset: presets.basicForm, clientId: 'wrong', clientSecret: 's3cret' });

      const error = await source.getToken().then(
        () => assert.fail('expected a TokenEndpointError'),
        (e: unknown) => e,
      );

      assert.ok(error instanceof TokenEndpointError);
      assert.equal(error.error, 'invalid_request');
      assert.equal(error.rawError, 'Invalid_request');
      assert.equal(error.errorDescription, 'Invalid client_id');
      assert.equal(error.status, 400);
    });
  });

  describe('seed 003: GET with a form body labelled application/json, password grant', () => {
    const documented = {
      access_token: '_OKlRyxchDiJgKXaOoz6gHMLNjmGGZHr27kyDG6NgbMlnOUJqatgglDePpDCCzRxr1Mj0jtked0pTJDhuJOt1cWeGrigebwvXacwYPJBc2',
      token_type: 'bearer',
      expires_in: 1209599,
      userName: 'user@example.com',
      userId: '614a1d03-873d-489e-9ab5-fb53b0a0c64f',
      role: 'Administrator',
      '.issued': 'Sun, 13 Sep 2020 09:35:33 GMT',
      '.expires': 'Sun, 27 Sep 2020 09:35:33 GMT',
    };

    test('presets.owinPassword sends GET /Token with the curl example body and keeps the extra response fields', async () => {
      reply = () => ({ body: documented });
      const source = createTokenSource({
        tokenEndpoint: `${stub.url}/Token`,
        preset: presets.owinPassword,
        grant: { type: 'password', username: 'username', password: 'password' },
        fetch: nodeTransport,
      });

      const token = await source.getToken();

      const request = lastRequest();
      assert.equal(request.method, 'GET');
      assert.equal(request.path, '/Token');
      assert.equal(request.headers['content-type'], 'application/json');
      assert.equal(request.headers.authorization, undefined);
      assert.equal(request.body, 'grant_type=password&username=username&password=password');
      assert.equal(token.accessToken, documented.access_token);
      assert.equal(token.expiresIn, 1209599);
      assert.equal(token.fields['userName'], 'user@example.com');
      assert.equal(token.fields['role'], 'Administrator');
      assert.equal(token.fields['.expires'], 'Sun, 27 Sep 2020 09:35:33 GMT');
    });

    test('presets.owinPassword adds plain Basic client authentication when a client is configured', async () => {
      reply = () => ({ body: documented });
      const source = createTokenSource({
        tokenEndpoint: `${stub.url}/Token`,
        preset: presets.owinPassword,
        clientId: 'app',
        clientSecret: 'app secret',
        grant: { type: 'password', username: 'user@example.com', password: 'p&ss=word' },
        fetch: nodeTransport,
      });

      await source.getToken();

      const request = lastRequest();
      assert.equal(decodeBasic(request.headers.authorization), 'app:app secret');
      assert.equal(request.body, 'grant_type=password&username=user%40example.com&password=p%26ss%3Dword');
    });
  });

  describe('seed 004: POST JSON body with client_id, client_secret and grant_type', () => {
    test('presets.jsonBody sends the three fields as JSON and reads a response without token_type', async () => {
      reply = () => ({ body: { access_token: 'opaque-004', expires_in: 7200 } });
      const source = createTokenSource({
        tokenEndpoint: `${stub.url}/oauth/token`,
        preset: presets.jsonBody,
        clientId: '<<client_id>>',
        clientSecret: '<<client_secret>>',
      });

      const token = await source.getToken();

      const request = lastRequest();
      assert.equal(request.method, 'POST');
      assert.equal(request.path, '/oauth/token');
      assert.equal(request.headers['content-type'], 'application/json');
      assert.equal(request.headers.authorization, undefined);
      assert.deepEqual(JSON.parse(request.body), {
        client_id: '<<client_id>>',
        client_secret: '<<client_secret>>',
        grant_type: 'client_credentials',
      });
      assert.equal(token.accessToken, 'opaque-004');
      assert.equal(token.tokenType, 'bearer');
      assert.equal(token.expiresIn, 7200);
    });
  });
});
