/**
 * A `fetch` that answers from an injectable Tessera app (no sockets), with a
 * log of the paths asked; and a forger of JWTs signed with a tenant's own
 * key, for the claims Tessera itself would never put in a token.
 */
import type { FastifyInstance } from 'fastify';
import { importJWK, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import type { Store } from '../../src/store/store.ts';

export interface RecordingFetch {
  fetch: typeof fetch;
  paths: string[];
}

export function injectFetch(app: FastifyInstance): RecordingFetch {
  const paths: string[] = [];
  const fetchFromApp = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input);
    paths.push(url.pathname);
    const res = await app.inject({
      method: (init.method ?? 'GET') as 'GET' | 'POST',
      url: `${url.pathname}${url.search}`,
      headers: { ...Object.fromEntries(new Headers(init.headers).entries()), host: url.host },
      ...(init.body === undefined || init.body === null ? {} : { payload: String(init.body) }),
    });
    return new Response(res.statusCode === 204 ? null : new Uint8Array(res.rawPayload), { status: res.statusCode, headers: res.headers as Record<string, string> });
  };
  return { fetch: fetchFromApp as typeof fetch, paths };
}

/** Signs `claims` with the tenant's current key (or `key`), with whatever header is asked for. */
export async function forgeJwt(
  store: Store,
  tenantId: string,
  claims: JWTPayload,
  header: Record<string, unknown> = {},
  key?: { key: CryptoKey | Uint8Array; kid: string; alg: string },
): Promise<string> {
  let signer = key;
  if (signer === undefined) {
    const stored = (await store.keys.listKeys(tenantId)).at(-1)!;
    signer = { key: (await importJWK(stored.privateJwk!, stored.alg)) as CryptoKey, kid: stored.kid, alg: stored.alg };
  }
  return new SignJWT(claims).setProtectedHeader({ alg: signer.alg, typ: 'at+jwt', kid: signer.kid, ...header }).sign(signer.key);
}
