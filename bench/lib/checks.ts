/**
 * Before any load, each server must answer one real request correctly: a
 * token response is parsed and checked field by field, a JWT's signature is
 * verified against the server's public key, an introspection must say
 * `active: true`. A wrong secret must be refused. A server that fails these
 * checks is not measured.
 */
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';

export interface HttpCall {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/** A server that never answers a check fails the case instead of stalling the run. */
const CHECK_TIMEOUT_MS = 30_000;

export async function call(baseUrl: string, request: HttpCall): Promise<HttpAnswer> {
  const response = await fetch(baseUrl + request.path, {
    method: request.method,
    headers: request.headers,
    ...(request.body !== undefined ? { body: request.body } : {}),
    signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

export class CheckError extends Error {}

function fail(what: string, answer: HttpAnswer): never {
  throw new CheckError(`${what} (HTTP ${answer.status}: ${answer.text.slice(0, 200)})`);
}

export interface TokenExpectation {
  format: 'opaque' | 'jwt';
  alg?: 'ES256' | 'RS256' | 'EdDSA';
  /** Public keys (JWK) a JWT must verify against. */
  publicJwks?: JsonWebKey[];
}

export interface CheckedToken {
  accessToken: string;
  tokenType: string;
  expiresIn: number;
  /** Decoded JWT header and payload, for JWTs. */
  jwt?: { header: Record<string, unknown>; payload: Record<string, unknown> };
}

/** Checks an RFC 6749 §5.1 token response and the token it carries. */
export function checkTokenResponse(answer: HttpAnswer, expect: TokenExpectation): CheckedToken {
  if (answer.status !== 200) fail('token request refused', answer);
  if (!/^application\/json/i.test(answer.headers.get('content-type') ?? '')) fail('token response is not JSON', answer);
  if (!/no-store/i.test(answer.headers.get('cache-control') ?? '')) fail('token response lacks Cache-Control: no-store', answer);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(answer.text) as Record<string, unknown>;
  } catch {
    fail('token response is not valid JSON', answer);
  }
  const token = body.access_token;
  if (typeof token !== 'string' || token.length < 16) fail('no access_token', answer);
  if (typeof body.token_type !== 'string' || body.token_type.toLowerCase() !== 'bearer') fail('token_type is not Bearer', answer);
  if (typeof body.expires_in !== 'number' || body.expires_in <= 0) fail('expires_in is not a positive number', answer);
  const parts = token.split('.');
  const checked: CheckedToken = { accessToken: token, tokenType: body.token_type, expiresIn: body.expires_in };
  if (expect.format === 'opaque') {
    if (parts.length === 3) fail('expected an opaque token, got a JWT', answer);
    return checked;
  }
  if (parts.length !== 3) fail('expected a JWT', answer);
  const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString()) as Record<string, unknown>;
  const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString()) as Record<string, unknown>;
  if (header.alg !== expect.alg) fail(`JWT alg is ${String(header.alg)}, expected ${expect.alg}`, answer);
  if (typeof payload.exp !== 'number' || payload.exp * 1000 <= Date.now()) fail('JWT exp missing or past', answer);
  const jwk = (expect.publicJwks ?? []).find((k) => (k as { kid?: string }).kid === header.kid);
  if (jwk === undefined) fail(`no public key for kid ${String(header.kid)}`, answer);
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
  const signature = Buffer.from(parts[2]!, 'base64url');
  const ok =
    expect.alg === 'ES256'
      ? verify('sha256', signed, { key, dsaEncoding: 'ieee-p1363' }, signature)
      : expect.alg === 'EdDSA'
        ? verify(null, signed, key, signature)
        : verify('sha256', signed, key, signature);
  if (!ok) fail('JWT signature does not verify', answer);
  checked.jwt = { header, payload };
  return checked;
}

/** Checks an RFC 7662 introspection response for an active token. */
export function checkIntrospection(answer: HttpAnswer, clientId: string): Record<string, unknown> {
  if (answer.status !== 200) fail('introspection refused', answer);
  const body = JSON.parse(answer.text) as Record<string, unknown>;
  if (body.active !== true) fail('introspection says the token is not active', answer);
  if (body.client_id !== undefined && body.client_id !== clientId) fail(`introspection names client ${String(body.client_id)}`, answer);
  return body;
}

/** A request with a wrong secret must be refused with 400 or 401. */
export function checkRefused(answer: HttpAnswer): void {
  if (answer.status !== 400 && answer.status !== 401) fail('a wrong client secret was not refused', answer);
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

export const FORM = 'application/x-www-form-urlencoded';
