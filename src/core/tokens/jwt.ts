/**
 * JWT access tokens per RFC 9068, signed with the tenant's key. Resource
 * servers verify them locally against the tenant's JWKS.
 *
 * Tokens are assembled and signed with `node:crypto` directly rather than
 * through jose's WebCrypto path: on the token endpoint the WebCrypto call
 * overhead (algorithm normalisation, a promise job per signature) cost more
 * than the ES256 signature itself (issue 7's profile). The output is an
 * ordinary compact JWS that jose, or any library, verifies.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2.2
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-7.1 compact serialisation
 */
import { randomBytes, sign, type KeyObject } from 'node:crypto';
import type { SigningAlgorithm } from '../model.ts';
import type { AccessTokenGrant, TokenStrategy } from './token-strategy.ts';
import type { ActiveKey, SigningKeys } from './signing-keys.ts';

/** RFC 9068 §2.1: "Resource servers MUST verify that the typ header value is at+jwt". */
export const JWT_ACCESS_TOKEN_TYPE = 'at+jwt';

const base64url = (json: unknown) => Buffer.from(JSON.stringify(json)).toString('base64url');

/** The encoded protected header depends only on the key: computed once per key. */
const encodedHeaders = new WeakMap<ActiveKey, string>();

function encodedHeader(active: ActiveKey): string {
  let header = encodedHeaders.get(active);
  if (header === undefined) {
    header = base64url({ alg: active.alg, typ: JWT_ACCESS_TOKEN_TYPE, kid: active.kid });
    encodedHeaders.set(active, header);
  }
  return header;
}

/**
 * Signs `input` per RFC 7518 §3.1. ECDSA and EdDSA signatures take tens of
 * microseconds and run inline; an RSA signature takes the better part of a
 * millisecond, so it runs in libuv's thread pool and the event loop keeps
 * serving meanwhile.
 */
function signJws(alg: SigningAlgorithm, key: KeyObject, input: Buffer): Promise<Buffer> | Buffer {
  switch (alg) {
    case 'ES256':
      // Signing with the bare KeyObject and converting here is about twice as
      // fast as asking node:crypto for `dsaEncoding: 'ieee-p1363'`, whose
      // options object makes it prepare the key again on every call.
      return derToP1363(sign('sha256', input, key), 32);
    case 'EdDSA':
      return sign(null, input, key);
    case 'RS256':
      return new Promise((resolve, reject) => sign('sha256', input, key, (error, signature) => (error ? reject(error) : resolve(signature))));
  }
}

/**
 * RFC 7518 §3.4: an ECDSA JWS signature is R || S, each left-padded to the
 * curve size, not the DER `SEQUENCE { INTEGER r, INTEGER s }` OpenSSL returns.
 */
export function derToP1363(der: Buffer, size: number): Buffer {
  // 0x30 <len> 0x02 <rlen> r 0x02 <slen> s; P-256 and P-384 lengths fit the short form, P-521 may use 0x81.
  let offset = der[1]! & 0x80 ? 2 + (der[1]! & 0x7f) : 2;
  const out = Buffer.alloc(size * 2);
  for (let part = 0; part < 2; part++) {
    if (der[offset] !== 0x02) throw new Error('malformed ECDSA signature');
    const length = der[offset + 1]!;
    let start = offset + 2;
    let n = length;
    while (n > size && der[start] === 0) {
      start++;
      n--;
    }
    der.copy(out, part * size + size - n, start, start + n);
    offset += 2 + length;
  }
  return out;
}

export function createJwtStrategy(keys: SigningKeys): TokenStrategy {
  return {
    format: 'jwt',
    async issue(grant: AccessTokenGrant): Promise<string> {
      const active = await keys.activeKey(grant.tenant);
      const claims: Record<string, unknown> = {
        client_id: grant.clientId,
        tenant: grant.tenant.id,
      };
      // RFC 9068 §2.2.3: scope is a space-delimited string, present when scopes were granted.
      if (grant.scope.length > 0) claims.scope = grant.scope.join(' ');
      if (grant.accounts.length > 0) claims.accounts = grant.accounts;
      // RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat and jti are REQUIRED.
      claims.iss = grant.tenant.issuer;
      claims.sub = grant.subject;
      claims.aud = grant.audience;
      claims.iat = Math.floor(grant.issuedAt / 1000);
      claims.exp = Math.floor(grant.expiresAt / 1000);
      claims.jti = randomBytes(16).toString('base64url');
      const signingInput = `${encodedHeader(active)}.${base64url(claims)}`;
      const signature = await signJws(active.alg, active.keyObject, Buffer.from(signingInput));
      return `${signingInput}.${signature.toString('base64url')}`;
    },
  };
}
