/**
 * Helpers for tests of the user grants driven through the core token
 * endpoint: building requests, and reading back what a token's record says.
 */
import assert from 'node:assert/strict';
import type { ClientCredentials } from '../../src/core/client-auth/credentials.ts';
import { tokenStorageKey } from '../../src/core/tokens/storage-key.ts';
import { OAuthError } from '../../src/core/errors.ts';
import type { TokenRecord } from '../../src/core/model.ts';
import type { TokenResult } from '../../src/core/token-endpoint.ts';
import type { TokenRequest } from '../../src/core/token-request.ts';
import type { TestTessera } from './fixtures.ts';

export function tokenRequest(params: Record<string, string>, credentials?: ClientCredentials, remoteAddress = '192.0.2.7'): TokenRequest {
  return { params, credentials, tenantHint: { parameter: undefined, host: undefined, parameterRequired: false }, remoteAddress };
}

/** A public client presenting only its client_id. */
export const publicClient = (clientId: string): ClientCredentials => ({ method: 'none', clientId });

export function login(t: TestTessera, username: string, password: string, credentials: ClientCredentials | undefined, extra: Record<string, string> = {}): Promise<TokenResult> {
  return t.tessera.services.tokenEndpoint(tokenRequest({ grant_type: 'password', username, password, ...extra }, credentials));
}

export function refresh(t: TestTessera, refreshToken: string, credentials: ClientCredentials | undefined, extra: Record<string, string> = {}): Promise<TokenResult> {
  return t.tessera.services.tokenEndpoint(tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken, ...extra }, credentials));
}

export async function record(t: TestTessera, token: string): Promise<TokenRecord> {
  const found = await t.store.tokens.findToken(tokenStorageKey(token));
  assert.ok(found, 'token is recorded');
  return found;
}

export async function isRevoked(t: TestTessera, token: string): Promise<boolean> {
  return (await record(t, token)).revokedAt !== null;
}

/** Awaits `promise`, expecting an OAuthError, and returns it. */
export async function refusal(promise: Promise<unknown>): Promise<OAuthError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof OAuthError, `expected an OAuthError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the request to be refused');
}
