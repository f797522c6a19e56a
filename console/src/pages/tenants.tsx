/** Tenants: the ones this token administers; global administrators create them. */
import { useState } from 'preact/hooks';
import { admin, type PageBody } from '../api.ts';
import { currentSession, refreshTenants } from '../session.ts';
import { href, navigate } from '../router.ts';
import { Page } from '../shell.tsx';
import { ErrorBox, formatTime, Notice, Pager } from '../components/messages.tsx';
import { SchemaForm } from '../components/schema-form.tsx';
import { useLoad } from '../components/use-load.ts';
import { Scroll } from '../components/scroll.tsx';

export interface Tenant {
  id: string;
  issuer: string;
  signingAlg: string;
  accessTokenLifetime: number;
  hosts: string[];
  loginPolicy: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

export function TenantsPage() {
  const [page, setPage] = useState(1);
  const list = useLoad(() => admin<PageBody<Tenant>>('GET', `/tenants?perPage=50&page=${page}`), [page]);
  const global = currentSession()?.global === true;
  const [created, setCreated] = useState<string | undefined>();
  return (
    <Page title="Tenants">
      {list.error !== undefined && <ErrorBox error={list.error} />}
      {list.data && (
        <>
          <Scroll label="Tenants this token administers">
            <table>
              <caption class="sr-only">Tenants this token administers</caption>
              <thead><tr><th scope="col">Id</th><th scope="col">Issuer</th><th scope="col">Algorithm</th><th scope="col">Token lifetime</th><th scope="col">Created</th></tr></thead>
              <tbody>
                {list.data.data.items.map((t) => (
                  <tr key={t.id}>
                    <th scope="row"><a href={href('t', t.id, 'settings')}>{t.id}</a></th>
                    <td class="wrap">{t.issuer}</td><td>{t.signingAlg}</td><td>{t.accessTokenLifetime} s</td><td>{formatTime(t.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
          <Pager page={list.data.data.page} perPage={list.data.data.perPage} total={list.data.data.total} onPage={setPage} />
        </>
      )}
      <h2>Create a tenant</h2>
      {created !== undefined && <Notice>Tenant <a href={href('t', created, 'settings')}>{created}</a> created.</Notice>}
      {global ? (
        <SchemaForm
          title="Create a tenant"
          operationId="createTenant"
          submitLabel="Create tenant"
          fields={[
            { name: 'id', label: 'Id' },
            { name: 'issuer', label: 'Issuer', hint: 'Filled in from the id; change it to your public URL.' },
            { name: 'signingAlg', label: 'Signing algorithm' },
            { name: 'accessTokenLifetime', label: 'Access token lifetime (seconds)' },
            { name: 'hosts', label: 'Host names' },
          ]}
          derive={(name, value, values) => {
            if (name !== 'id') return undefined;
            // The issuer follows the id until the operator types one of their own.
            const followed = values.issuer === '' || values.issuer === issuerFor(String(values.previousId ?? ''));
            return { previousId: String(value), ...(followed ? { issuer: value === '' ? '' : issuerFor(String(value)) } : {}) };
          }}
          onSubmit={async (body) => {
            const { data } = await admin<Tenant>('POST', '/tenants', body);
            setCreated(data.id);
            list.reload();
            await refreshTenants();
            navigate('t', data.id, 'settings');
          }}
        />
      ) : (
        <p>Only an administrator of every tenant (scope <code>admin</code> on the default tenant) creates tenants.</p>
      )}
    </Page>
  );
}

/** Every endpoint of a tenant is also served under /t/<tenant>, so this is a working issuer on this server. */
function issuerFor(id: string): string {
  return `${location.origin}/t/${id}`;
}
