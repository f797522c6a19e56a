/** Builds an injectable app over a test Tessera, with every seed dialect's path. */
import type { FastifyInstance } from 'fastify';
import { validateConfig } from '../../src/config/config.ts';
import { tokenRoutes } from '../../src/http/form-endpoints.ts';
import { buildApp } from '../../src/http/app.ts';
import type { TestTessera } from '../helpers/fixtures.ts';

export const SEED_ENDPOINTS = [
  { path: '/v2/token/', options: { tokenType: 'bearer' } },
  { path: '/configapi/v2/oauth/token', dialect: 'tenant-required' },
  { path: '/json/token', dialect: 'json' },
  { path: '/Token', dialect: 'owin' },
  { path: '/query/token', options: { queryParameters: true } },
  // Seed 002's error style, with a status of its own to show the challenge goes with the 401.
  {
    path: '/vendor/token',
    options: { errorFieldOrder: 'description-first', errors: { invalid_client: { error: 'Invalid_request', description: 'Invalid client_id', status: 400 } } },
  },
  { path: '/string/token', options: { expiresInType: 'string', expiresInValue: 'lifetime-minus-one' } },
  { path: '/bound/token', tenant: 'bound' },
];

export async function injectableApp(t: TestTessera, overrides: Record<string, unknown> = {}): Promise<FastifyInstance> {
  const config = validateConfig({ logLevel: 'silent', tokenEndpoints: SEED_ENDPOINTS, ...overrides });
  return buildApp({ services: t.tessera.services, tokenRoutes: tokenRoutes(config.tokenEndpoints), bodyLimitBytes: config.bodyLimitBytes, logLevel: 'silent' });
}

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** Asks the token endpoint for a client-credentials token; returns the access token. */
export async function issueToken(app: FastifyInstance, authorization: string, form = 'grant_type=client_credentials', url = '/oauth/token'): Promise<string> {
  const res = await app.inject({ method: 'POST', url, headers: { ...FORM, authorization }, payload: form });
  if (res.statusCode !== 200) throw new Error(`token request failed: ${res.statusCode} ${res.body}`);
  return res.json().access_token;
}
