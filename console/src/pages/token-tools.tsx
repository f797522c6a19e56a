/**
 * Token tools over the tenant's public OAuth endpoints: get a token for a
 * client, introspect (RFC 7662), decode a JWT and verify it against the
 * tenant's JWKS (RFC 9068), revoke (RFC 7009). Introspection and revocation
 * authenticate as a client of the tenant, as a resource server would.
 */
import { useState } from 'preact/hooks';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { admin, ApiError, oauthPost, tenantPrefix } from '../api.ts';
import { Page } from '../shell.tsx';
import { ErrorBox, formatTime, Notice } from '../components/messages.tsx';
import type { Tenant } from './tenants.tsx';

/** The algorithms Tessera signs with; never `none` or HMAC. */
const ALGORITHMS = ['ES256', 'RS256', 'EdDSA'];

interface Decoded {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  verdict: { ok: boolean; text: string };
}

export function TokenToolsPage(props: { tenant: string }) {
  const prefix = tenantPrefix(props.tenant);
  const [clientId, setClientId] = useState('');
  const [secret, setSecret] = useState('');
  const [scope, setScope] = useState('');
  const [token, setToken] = useState('');
  const [result, setResult] = useState<{ title: string; body: unknown } | undefined>();
  const [decoded, setDecoded] = useState<Decoded | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const credentials = { clientId: clientId.trim(), secret };

  const run = async (what: () => Promise<void>, needsClient: boolean) => {
    setError(undefined);
    setMessage(undefined);
    setResult(undefined);
    setDecoded(undefined);
    if (needsClient && (credentials.clientId === '' || secret === '')) {
      setError(new Error(`Enter the id and secret of a client of ${props.tenant}: the endpoint authenticates the caller.`));
      return;
    }
    try {
      await what();
    } catch (e) {
      setError(e);
    }
  };

  const requestToken = () => run(async () => {
    const answer = await oauthPost(`${prefix}/oauth/token`, credentials, { grant_type: 'client_credentials', ...(scope.trim() ? { scope: scope.trim() } : {}) });
    setToken(String(answer.access_token ?? ''));
    setResult({ title: 'Token response', body: { ...answer, access_token: '(in the token box)' } });
  }, true);

  const introspect = () => run(async () => {
    if (token.trim() === '') throw new Error('Paste a token first.');
    setResult({ title: 'Introspection', body: await oauthPost(`${prefix}/oauth/introspect`, credentials, { token: token.trim() }) });
  }, true);

  const revoke = () => run(async () => {
    if (token.trim() === '') throw new Error('Paste a token first.');
    await oauthPost(`${prefix}/oauth/revoke`, credentials, { token: token.trim() });
    setMessage('Revoked (RFC 7009 answers the same for unknown tokens: introspect to see the effect).');
  }, true);

  const decode = () => run(async () => {
    const jwt = token.trim();
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      header = decodeProtectedHeader(jwt) as Record<string, unknown>;
      claims = decodeJwt(jwt) as Record<string, unknown>;
    } catch {
      throw new Error('This is not a JWT (opaque tokens, tat_…, can only be introspected).');
    }
    setDecoded({ header, claims, verdict: await verify(jwt, props.tenant, prefix) });
  }, false);

  return (
    <Page title={`Tenant ${props.tenant}: token tools`}>
      <fieldset class="form">
        <legend>Client of {props.tenant} (for getting, introspecting and revoking)</legend>
        <div class="field">
          <label for="tools-client">Client id</label>
          <input id="tools-client" value={clientId} onInput={(e) => setClientId((e.currentTarget as HTMLInputElement).value)} spellcheck={false} autocomplete="off" />
        </div>
        <div class="field">
          <label for="tools-secret">Client secret</label>
          <input id="tools-secret" type="password" value={secret} onInput={(e) => setSecret((e.currentTarget as HTMLInputElement).value)} autocomplete="off" />
        </div>
        <div class="field">
          <label for="tools-scope">Scope to ask for</label>
          <input id="tools-scope" value={scope} onInput={(e) => setScope((e.currentTarget as HTMLInputElement).value)} spellcheck={false} aria-describedby="tools-scope-help" />
          <p id="tools-scope-help" class="help">Empty: every scope of the client.</p>
        </div>
        <div class="actions"><button type="button" class="secondary" onClick={requestToken}>Get a token (client credentials)</button></div>
      </fieldset>
      <div class="field">
        <label for="tools-token">Token</label>
        <textarea id="tools-token" rows={4} value={token} onInput={(e) => setToken((e.currentTarget as HTMLTextAreaElement).value)} spellcheck={false} />
      </div>
      <div class="actions">
        <button type="button" onClick={introspect}>Introspect</button>
        <button type="button" onClick={decode}>Decode and verify JWT</button>
        <button type="button" class="danger" onClick={revoke}>Revoke</button>
      </div>
      {message !== undefined && <Notice>{message}</Notice>}
      {error !== undefined && <ErrorBox error={error} />}
      {result !== undefined && (
        <section aria-labelledby="tools-result">
          <h2 id="tools-result">{result.title}</h2>
          <pre class="json" data-testid="tool-result" tabIndex={0}>{JSON.stringify(result.body, null, 2)}</pre>
        </section>
      )}
      {decoded !== undefined && <DecodedJwt decoded={decoded} />}
    </Page>
  );
}

function DecodedJwt(props: { decoded: Decoded }) {
  const { header, claims, verdict } = props.decoded;
  const exp = typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  const left = exp === undefined ? undefined : Math.round((exp - Date.now()) / 1000);
  return (
    <section aria-labelledby="jwt-title">
      <h2 id="jwt-title">Decoded JWT</h2>
      <p role="status" data-testid="jwt-verdict" class={verdict.ok ? 'verdict ok' : 'verdict bad'}>{verdict.text}</p>
      <p>Expiry: {exp === undefined ? 'none' : `${formatTime(exp)} (${left! >= 0 ? `in ${left} s` : `${-left!} s ago`})`}; issued {typeof claims.iat === 'number' ? formatTime(claims.iat * 1000) : '—'}.</p>
      <h3>Header</h3>
      <pre class="json" tabIndex={0}>{JSON.stringify(header, null, 2)}</pre>
      <h3>Claims</h3>
      <pre class="json" tabIndex={0}>{JSON.stringify(claims, null, 2)}</pre>
    </section>
  );
}

/** Signature against the tenant's JWKS, RFC 9068's typ, the tenant's issuer, expiry. */
async function verify(jwt: string, tenant: string, prefix: string): Promise<{ ok: boolean; text: string }> {
  const response = await fetch(`${prefix}/.well-known/jwks.json`, { cache: 'no-store', credentials: 'omit' });
  if (!response.ok) throw new ApiError(response.status, undefined, 'the JWKS could not be read');
  const keys = createLocalJWKSet((await response.json()) as { keys: [] });
  const { data: t } = await admin<Tenant>('GET', `/tenants/${encodeURIComponent(tenant)}`);
  try {
    const { protectedHeader } = await jwtVerify(jwt, keys, { algorithms: ALGORITHMS, issuer: t.issuer, typ: 'at+jwt' });
    return { ok: true, text: `Valid: signed by key ${String(protectedHeader.kid)} of ${tenant}'s JWKS, issuer ${t.issuer}, not expired.` };
  } catch (e) {
    const code = (e as { code?: string }).code;
    return { ok: false, text: `Not valid for ${tenant}: ${(e as Error).message}${code ? ` (${code})` : ''}.` };
  }
}
