/**
 * node-oidc-provider (panva) configured for the client credentials grant and
 * introspection, as its v9 documentation asks: the clientCredentials feature,
 * resource indicators with a default resource, and the resource server's
 * accessTokenFormat ('opaque' or 'jwt', signed with the requested algorithm).
 * Storage is the provider's own default in-memory adapter (an LRU).
 *
 * Config arrives as JSON in BENCH_SERVER_CONFIG:
 *   { clientId, clientSecret, format: 'opaque'|'jwt', alg: 'ES256'|'RS256'|'EdDSA' }
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';
import { announce, stopOnSignal } from './ready.ts';

const config = JSON.parse(process.env.BENCH_SERVER_CONFIG ?? '{}') as {
  clientId: string;
  clientSecret: string;
  format: 'opaque' | 'jwt';
  alg: 'ES256' | 'RS256' | 'EdDSA';
};
const RESOURCE = 'urn:tessera-bench:api';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ed = generateKeyPairSync('ed25519');
const privateJwks = [
  { ...ec.privateKey.export({ format: 'jwk' }), kid: 'bench-es256', alg: 'ES256', use: 'sig' },
  { ...rsa.privateKey.export({ format: 'jwk' }), kid: 'bench-rs256', alg: 'RS256', use: 'sig' },
  { ...ed.privateKey.export({ format: 'jwk' }), kid: 'bench-eddsa', alg: 'EdDSA', use: 'sig' },
];
const publicJwks = [
  { ...ec.publicKey.export({ format: 'jwk' }), kid: 'bench-es256', alg: 'ES256', use: 'sig' },
  { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'bench-rs256', alg: 'RS256', use: 'sig' },
  { ...ed.publicKey.export({ format: 'jwk' }), kid: 'bench-eddsa', alg: 'EdDSA', use: 'sig' },
];

const server = createServer();
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as import('node:net').AddressInfo;
  const provider = new Provider(`http://127.0.0.1:${port}`, {
    clients: [
      {
        client_id: config.clientId,
        client_secret: config.clientSecret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: privateJwks as never },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: async () => true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => RESOURCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async () => ({
          scope: 'api',
          audience: RESOURCE,
          accessTokenTTL: 3600,
          accessTokenFormat: config.format,
          ...(config.format === 'jwt' ? { jwt: { sign: { alg: config.alg } } } : {}),
        }),
      },
    },
    cookies: { keys: ['tessera-bench-cookie-key-not-used-by-these-flows'] },
  });
  server.on('request', provider.callback());
  announce(server, { tokenPath: '/token', introspectionPath: '/token/introspection', publicJwks });
});
stopOnSignal(server);
