/** A tenant's clients: seed 000's paging and account filter, and creation with a secret shown once. */
import { useState } from 'preact/hooks';
import { admin, type PageBody } from '../api.ts';
import { href, navigate } from '../router.ts';
import { Page } from '../shell.tsx';
import { ErrorBox, Pager, SecretOnce } from '../components/messages.tsx';
import { SchemaForm } from '../components/schema-form.tsx';
import { ListFilter } from '../components/list-filter.tsx';
import { useLoad } from '../components/use-load.ts';
import { Scroll } from '../components/scroll.tsx';

export interface Client {
  tenantId: string;
  id: string;
  name?: string;
  clientType: string;
  grantTypes: string[];
  scopes: string[];
  accounts: string[];
  tokenFormat: string;
  accessTokenLifetime: number | null;
  audience: string | null;
  singleActiveToken: boolean;
  enabled: boolean;
  secrets: { createdAt: number; expiresAt: number | null }[];
  createdAt: number;
  updatedAt: number;
}

export const CLIENT_FIELDS = [
  { name: 'name', label: 'Name' },
  { name: 'grantTypes', label: 'Grant types' },
  { name: 'scopes', label: 'Scopes' },
  { name: 'accounts', label: 'Accounts' },
  { name: 'tokenFormat', label: 'Token format' },
  { name: 'accessTokenLifetime', label: 'Access token lifetime (seconds)', hint: 'Leave empty for that.' },
  { name: 'audience', label: 'Audience', hint: 'Leave empty for that.' },
  { name: 'singleActiveToken', label: 'Single active token per user' },
  { name: 'enabled', label: 'Enabled' },
];

export function ClientsPage(props: { tenant: string }) {
  const base = `/tenants/${encodeURIComponent(props.tenant)}/clients`;
  const [page, setPage] = useState(1);
  const [perPage, setPerPage] = useState(20);
  const [account, setAccount] = useState('');
  const list = useLoad(() => {
    const query = new URLSearchParams({ perPage: String(perPage), page: String(page) });
    if (account !== '') query.set('account', account);
    return admin<PageBody<Client>>('GET', `${base}?${query}`);
  }, [props.tenant, page, perPage, account]);
  const [secret, setSecret] = useState<{ clientId: string; secret: string } | undefined>();

  return (
    <Page title={`Tenant ${props.tenant}: clients`}>
      <ListFilter operationId="listClients" account={account} perPage={perPage} onChange={(f) => { setAccount(f.account); setPerPage(f.perPage); setPage(1); }} />
      {list.error !== undefined && <ErrorBox error={list.error} />}
      {list.data && (
        <>
          <Scroll label="Clients">
            <table>
              <caption class="sr-only">Clients</caption>
              <thead><tr><th scope="col">Client id</th><th scope="col">Type</th><th scope="col">Grants</th><th scope="col">Scopes</th><th scope="col">Accounts</th><th scope="col">Format</th><th scope="col">Enabled</th></tr></thead>
              <tbody>
                {list.data.data.items.map((c) => (
                  <tr key={c.id}>
                    <th scope="row"><a href={href('t', props.tenant, 'clients', c.id)}>{c.id}</a></th>
                    <td>{c.clientType}</td><td>{c.grantTypes.join(' ')}</td><td class="wrap">{c.scopes.join(' ')}</td><td class="wrap">{c.accounts.join(' ')}</td><td>{c.tokenFormat}</td><td>{c.enabled ? 'yes' : 'no'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
          {list.data.data.items.length === 0 && <p>No client{account ? ` acts for ${account}` : ''}.</p>}
          <Pager page={list.data.data.page} perPage={list.data.data.perPage} total={list.data.data.total} onPage={setPage} />
        </>
      )}
      <h2>Create a client</h2>
      {secret !== undefined ? (
        <SecretOnce label={`Secret of client ${secret.clientId}`} secret={secret.secret} onDone={() => { setSecret(undefined); navigate('t', props.tenant, 'clients', secret.clientId); }} />
      ) : (
        <SchemaForm
          title="Create a client"
          operationId="createClient"
          submitLabel="Create client"
          initial={{ enabled: true, grantTypes: ['client_credentials'], tokenFormat: 'opaque' }}
          fields={[{ name: 'id', label: 'Client id' }, { name: 'clientType', label: 'Client type' }, ...CLIENT_FIELDS]}
          onSubmit={async (body) => {
            const { data } = await admin<{ client: Client; clientSecret?: string }>('POST', base, body);
            list.reload();
            if (data.clientSecret !== undefined) setSecret({ clientId: data.client.id, secret: data.clientSecret });
            else navigate('t', props.tenant, 'clients', data.client.id);
          }}
        />
      )}
    </Page>
  );
}
