/** A tenant's signing keys: states, rotation, revocation, and the published JWKS. */
import { useState } from 'preact/hooks';
import { admin, ApiError, readError, tenantPrefix, type PageBody } from '../api.ts';
import { Page } from '../shell.tsx';
import { ConfirmButton, ErrorBox, formatTime, Notice } from '../components/messages.tsx';
import { SchemaForm } from '../components/schema-form.tsx';
import { useLoad } from '../components/use-load.ts';
import { Scroll } from '../components/scroll.tsx';

interface Key {
  kid: string;
  alg: string;
  generation: number;
  state: string;
  createdAt: number;
  activatesAt: number;
  retiresAt: number | null;
}

export function KeysPage(props: { tenant: string }) {
  const base = `/tenants/${encodeURIComponent(props.tenant)}/keys`;
  // The JWKS first: a tenant's first key is made when it is first needed, publishing included, so the list then shows it.
  const loaded = useLoad(async () => {
    const response = await fetch(`${tenantPrefix(props.tenant)}/.well-known/jwks.json`, { cache: 'no-store', credentials: 'omit' });
    if (!response.ok) throw await readError(response);
    const jwks = (await response.json()) as { keys: Record<string, unknown>[] };
    // A tenant has a handful of keys: one page of the most a page may hold shows them all.
    return { jwks, keys: (await admin<PageBody<Key>>('GET', `${base}?perPage=2000`)).data.items };
  }, [props.tenant]);
  const [message, setMessage] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();

  const revoke = async (kid: string) => {
    setMessage(undefined);
    setError(undefined);
    try {
      await admin('POST', `${base}/${encodeURIComponent(kid)}/revoke`, {});
      setMessage(`Key ${kid} revoked: it no longer signs, and tokens it signed no longer verify.`);
      loaded.reload();
    } catch (e) {
      // An unknown route (not an unknown key) means this server's admin API has no key revocation.
      if (e instanceof ApiError && (e.status === 405 || (e.status === 404 && String(e.body?.detail ?? '').startsWith('No route')))) {
        setError(new Error(`This server cannot revoke keys yet (its admin API answered ${e.status}: ${e.message}). To stop signing with a compromised key now, rotate with a delay of 0.`));
      } else {
        setError(e);
      }
    }
  };

  return (
    <Page title={`Tenant ${props.tenant}: signing keys`}>
      {loaded.error !== undefined && <ErrorBox error={loaded.error} />}
      {message !== undefined && <Notice>{message}</Notice>}
      {error !== undefined && <ErrorBox error={error} />}
      {loaded.data && (
        <Scroll label="Signing keys, oldest first">
          <table>
            <caption class="sr-only">Signing keys, oldest first</caption>
            <thead><tr><th scope="col">Key id</th><th scope="col">Algorithm</th><th scope="col">Generation</th><th scope="col">State</th><th scope="col">Signs from</th><th scope="col">Retires</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {loaded.data.keys.map((k) => (
                <tr key={k.kid}>
                  <th scope="row"><code>{k.kid}</code></th><td>{k.alg}</td><td>{k.generation}</td>
                  <td><span class={`state state-${k.state}`}>{k.state}</span></td>
                  <td>{formatTime(k.activatesAt)}</td><td>{formatTime(k.retiresAt)}</td>
                  <td>{k.state !== 'retired' && (
                    <ConfirmButton danger label={`Revoke ${k.kid}`} confirmLabel="Revoke key"
                      question={`Revoke key ${k.kid}? Tokens it signed stop verifying at once, and the tenant signs with another key.`}
                      onConfirm={() => revoke(k.kid)} />
                  )}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
      <h2>Rotate</h2>
      <p>A new key is published in the JWKS now and signs after the delay, so verifiers that cache the JWKS have it by then. Replaced keys verify until their tokens expire.</p>
      <SchemaForm
        title="Rotate the signing key"
        operationId="rotateKey"
        submitLabel="Rotate key"
        fields={[{ name: 'prePublicationSeconds', label: 'Delay before the new key signs (seconds)' }]}
        onSubmit={async (body) => {
          setMessage(undefined);
          setError(undefined);
          const { data } = await admin<{ key: Key }>('POST', `${base}/rotate`, body);
          setMessage(`New key ${data.key.kid} (generation ${data.key.generation}) published; it signs from ${formatTime(data.key.activatesAt)}.`);
          loaded.reload();
        }}
      />
      <h2>Published key set (JWKS)</h2>
      <p>What resource servers fetch from <code>{`${tenantPrefix(props.tenant)}/.well-known/jwks.json`}</code>: public keys only.</p>
      {loaded.data && <pre class="json" tabIndex={0} aria-label="JWKS">{JSON.stringify(loaded.data.jwks, null, 2)}</pre>}
    </Page>
  );
}
