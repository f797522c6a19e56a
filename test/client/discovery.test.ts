/**
 * RFC 8414 discovery, and the path a Tessera server test will take:
 * discover(issuer) → createTokenSource() → getToken().
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTokenSource, dialectFromMetadata, discover, DiscoveryError, metadataUrls, processDiscoveryResponse } from '../../src/client/index.ts';
import { decodeBasic, startStub, type RecordedRequest, type StubReply } from './helpers/stub-server.ts';

/** A stub authorization server whose metadata names its own token endpoint. */
async function authorizationServer(metadata: (issuer: string) => Record<string, unknown>, route?: (r: RecordedRequest) => StubReply | undefined) {
  let issuer = '';
  const stub = await startStub((request) => {
    const routed = route?.(request);
    if (routed !== undefined) return routed;
    if (request.path === '/.well-known/oauth-authorization-server') return { body: metadata(issuer) };
    if (request.path === '/oauth/token') return { body: { access_token: 'from-tessera', token_type: 'Bearer', expires_in: 600 } };
    return { status: 404, body: { error: 'not_found' } };
  });
  issuer = stub.url;
  return stub;
}

describe('discover', () => {
  test('reads the token endpoint and auth methods from /.well-known/oauth-authorization-server', async () => {
    const stub = await authorizationServer((issuer) => ({
      issuer,
      token_endpoint: `${issuer}/oauth/token`,
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      grant_types_supported: ['client_credentials'],
    }));
    try {
      const metadata = await discover(stub.url);

      assert.equal(stub.requests[0]?.method, 'GET');
      assert.equal(stub.requests[0]?.path, '/.well-known/oauth-authorization-server');
      assert.equal(metadata.tokenEndpoint, `${stub.url}/oauth/token`);
      assert.deepEqual(metadata.tokenEndpointAuthMethodsSupported, ['client_secret_basic', 'client_secret_post']);
      assert.deepEqual(metadata.grantTypesSupported, ['client_credentials']);
    } finally {
      await stub.close();
    }
  });

  test('discover → createTokenSource gets a token with strict Basic client authentication', async () => {
    const stub = await authorizationServer((issuer) => ({ issuer, token_endpoint: `${issuer}/oauth/token` }));
    try {
      const metadata = await discover(`${stub.url}/`);
      const source = createTokenSource({ tokenEndpoint: metadata.tokenEndpoint, dialect: dialectFromMetadata(metadata), clientId: 'my app', clientSecret: 'a+b' });

      const token = await source.getToken({ scope: 'read' });

      const request = stub.requests.at(-1);
      assert.equal(token.accessToken, 'from-tessera');
      assert.equal(request?.method, 'POST');
      assert.equal(request?.headers['content-type'], 'application/x-www-form-urlencoded');
      assert.equal(decodeBasic(request?.headers.authorization), 'my+app:a%2Bb');
      assert.equal(request?.body, 'grant_type=client_credentials&scope=read');
    } finally {
      await stub.close();
    }
  });

  test('for an issuer with a path, tries the RFC 8414 inserted URL, then the appended one', async () => {
    const stub = await authorizationServer(
      () => ({}),
      (request) =>
        request.path === '/tenant-a/.well-known/oauth-authorization-server'
          ? { body: { issuer: `${issuerOf(request)}/tenant-a`, token_endpoint: `${issuerOf(request)}/tenant-a/oauth/token` } }
          : undefined,
    );
    try {
      const metadata = await discover(`${stub.url}/tenant-a`);

      assert.deepEqual(stub.requests.map((r) => r.path), ['/.well-known/oauth-authorization-server/tenant-a', '/tenant-a/.well-known/oauth-authorization-server']);
      assert.equal(metadata.tokenEndpoint, `${stub.url}/tenant-a/oauth/token`);
    } finally {
      await stub.close();
    }
  });

  test('refuses metadata whose issuer is not the one asked for (RFC 8414 §3.3)', async () => {
    const stub = await authorizationServer(() => ({ issuer: 'https://evil.example', token_endpoint: 'https://evil.example/token' }));
    try {
      await assert.rejects(discover(stub.url), DiscoveryError);
    } finally {
      await stub.close();
    }
  });

  test('refuses metadata without a token_endpoint', async () => {
    const stub = await authorizationServer((issuer) => ({ issuer }));
    try {
      await assert.rejects(discover(stub.url), { name: 'DiscoveryError', message: /token_endpoint/ });
    } finally {
      await stub.close();
    }
  });

  test('reports a missing metadata document with its status', async () => {
    const stub = await startStub(() => ({ status: 404 }));
    try {
      await assert.rejects(discover(stub.url), { name: 'DiscoveryError', status: 404 });
    } finally {
      await stub.close();
    }
  });
});

describe('metadataUrls and dialectFromMetadata', () => {
  test('an issuer without a path has one metadata URL', () => {
    assert.deepEqual(metadataUrls('https://auth.example/').map(String), ['https://auth.example/.well-known/oauth-authorization-server']);
  });

  test('client_secret_basic is assumed when the metadata lists no methods (RFC 8414 §2)', async () => {
    const response = new Response(JSON.stringify({ issuer: 'https://auth.example', token_endpoint: 'https://auth.example/token' }), { status: 200 });
    const metadata = await processDiscoveryResponse('https://auth.example', response);
    assert.deepEqual(metadata.tokenEndpointAuthMethodsSupported, ['client_secret_basic']);
    assert.equal(dialectFromMetadata(metadata).clientAuth, 'client_secret_basic');
  });

  test('client_secret_post is chosen when it is the only secret method', () => {
    assert.equal(dialectFromMetadata({ tokenEndpointAuthMethodsSupported: ['private_key_jwt', 'client_secret_post'] }).clientAuth, 'client_secret_post');
  });

  test('a server with no usable method is a configuration error', () => {
    assert.throws(() => dialectFromMetadata({ tokenEndpointAuthMethodsSupported: ['private_key_jwt'] }), { name: 'ClientConfigurationError' });
  });
});

function issuerOf(request: RecordedRequest): string {
  return `http://${request.headers.host}`;
}
